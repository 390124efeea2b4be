// The bills catalogue: billServices/{serviceId}, each biller service with its plans, copied from
// the provider every 6 hours and whenever it announces a price change. Purchases are priced from
// this copy, never from what a page sends: a plan the latest copy does not list, or a copy too old
// to trust, is refused with a sentence.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { AppError } from "../core/errors.js";
import type { BillerService, BillsProvider, BillVariation } from "../providers/bills.js";
import { SERVICES, type Currency } from "../shared/catalog.js";
import { formatMoney } from "../shared/money.js";
import { BILL_SERVICES, type BillServiceRecord } from "./collections.js";

/** Four missed refreshes: prices older than this are not charged. */
export const CATALOGUE_MAX_AGE_MS = 24 * 60 * 60_000;

export interface RefreshReport {
  readonly services: number;
  readonly withdrawn: number;
  readonly failed: readonly string[];
}

function record(provider: BillsProvider, service: BillerService, variations: readonly BillVariation[], at: Timestamp) {
  return {
    provider: provider.name,
    category: service.category,
    name: service.name,
    image: service.image ?? null,
    minAmount: service.minAmount ?? null,
    maxAmount: service.maxAmount ?? null,
    verification: service.verification,
    variations: variations.map((v) => ({ code: v.code, name: v.name, amount: v.amount, fixedPrice: v.fixedPrice })),
    active: true,
    refreshedAt: at,
  } satisfies BillServiceRecord;
}

/**
 * Copies every category's services and plans from the provider. A category the provider cannot
 * list right now keeps its previous copy (and ages towards CATALOGUE_MAX_AGE_MS); a service a
 * category no longer lists is withdrawn.
 */
export async function refreshCatalogue(
  db: Firestore,
  provider: BillsProvider,
  now: () => number,
): Promise<RefreshReport> {
  const at = Timestamp.fromMillis(now());
  const failed: string[] = [];
  const listed = new Set<string>();
  const refreshedCategories = new Set<string>();
  let services = 0;
  for (const category of SERVICES) {
    try {
      const found = await provider.services(category);
      const withPlans = await Promise.all(
        found.map(async (service) => ({ service, variations: await provider.variations(service.id) })),
      );
      const batch = db.batch();
      for (const { service, variations } of withPlans) {
        batch.set(BILL_SERVICES.ref(db).doc(service.id), record(provider, service, variations, at));
        listed.add(service.id);
      }
      await batch.commit();
      services += withPlans.length;
      refreshedCategories.add(category);
    } catch (error) {
      failed.push(category);
      logger.warn("bills catalogue: category not refreshed", { category, error: String(error) });
    }
  }
  const stale = await BILL_SERVICES.ref(db).where("provider", "==", provider.name).get();
  const withdraw = stale.docs.filter(
    (doc) => doc.data().active && refreshedCategories.has(doc.data().category) && !listed.has(doc.id),
  );
  if (withdraw.length > 0) {
    const batch = db.batch();
    for (const doc of withdraw) batch.update(doc.ref, { active: false, refreshedAt: at });
    await batch.commit();
  }
  return { services, withdrawn: withdraw.length, failed };
}

/** Re-reads one service's plans, when the provider says they changed. */
export async function refreshService(
  db: Firestore,
  provider: BillsProvider,
  serviceId: string,
  now: () => number,
): Promise<boolean> {
  const ref = BILL_SERVICES.ref(db).doc(serviceId);
  const current = (await ref.get()).data();
  if (!current) return false;
  const variations = await provider.variations(serviceId);
  await ref.update({
    variations: variations.map((v) => ({ code: v.code, name: v.name, amount: v.amount, fixedPrice: v.fixedPrice })),
    refreshedAt: Timestamp.fromMillis(now()),
  });
  return true;
}

export interface Offer {
  readonly service: SellableService;
  readonly variation: BillServiceRecord["variations"][number] | null;
  /** What the purchase costs before fees: the plan's price, or the amount asked for. */
  readonly amount: number;
}

export type SellableService = BillServiceRecord & { readonly id: string };

/** The service as the catalogue sells it now; refuses an unknown, withdrawn or stale one. */
export async function sellableService(db: Firestore, serviceId: string, now: number): Promise<SellableService> {
  const snapshot = await BILL_SERVICES.ref(db).doc(serviceId).get();
  const stored = snapshot.data();
  if (!stored?.active) {
    throw new AppError("not-found", `serviceId: ${serviceId} is not a service we sell; pick one from the list.`);
  }
  if (now - stored.refreshedAt.toMillis() > CATALOGUE_MAX_AGE_MS) {
    throw new AppError(
      "unavailable",
      `serviceId: the price list for ${stored.name} is out of date. Please try again in a few minutes.`,
    );
  }
  return { ...stored, id: snapshot.id };
}

/** The named plan of `service`, refused when the latest catalogue does not list it. */
export function currentVariation(service: SellableService, code: string): BillServiceRecord["variations"][number] {
  const variation = service.variations.find((v) => v.code === code);
  if (!variation) {
    throw new AppError(
      "failed-precondition",
      `variationCode: ${code} is not a current ${service.name} plan; pick a plan from the list again.`,
    );
  }
  return variation;
}

/** What `serviceId` (and its plan) costs now, from the catalogue; refuses what cannot be sold. */
export async function findOffer(
  db: Firestore,
  request: { serviceId: string; variationCode?: string | undefined; amount?: number | undefined },
  currency: Currency,
  now: number,
): Promise<Offer> {
  const service = await sellableService(db, request.serviceId, now);
  const stored = service;
  const variation = request.variationCode ? currentVariation(service, request.variationCode) : null;
  if (!variation && stored.variations.length > 0) {
    throw new AppError("invalid-argument", `variationCode: pick one of the ${stored.name} plans.`);
  }
  if (variation?.fixedPrice) {
    if (request.amount !== undefined && request.amount !== variation.amount) {
      throw new AppError(
        "failed-precondition",
        `amount: ${variation.name} costs ${formatMoney(variation.amount, currency)} now; quote again to see the new price.`,
      );
    }
    return { service, variation, amount: variation.amount };
  }
  if (request.amount === undefined) {
    throw new AppError("invalid-argument", `amount: say how much ${stored.name} to buy.`);
  }
  const min = stored.minAmount ?? 1;
  const max = stored.maxAmount ?? Number.MAX_SAFE_INTEGER;
  if (request.amount < min || request.amount > max) {
    throw new AppError(
      "invalid-argument",
      stored.maxAmount === null
        ? `amount: ${stored.name} starts at ${formatMoney(min, currency)}.`
        : `amount: ${stored.name} must be between ${formatMoney(min, currency)} and ${formatMoney(max, currency)}.`,
    );
  }
  return { service, variation, amount: request.amount };
}
