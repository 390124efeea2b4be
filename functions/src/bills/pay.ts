// payBill: a bill paid from the wallet. Checked first (the catalogue's price, the quote, the
// verified customer, the biller's 30-second rule), then held in the ledger with the PIN
// (wallet/purchase.ts), then recorded as bills/{billId} with its provider request id, and only then
// sent to the provider, outside any transaction. The answer posts the hold (delivered), releases it
// (failed, not processed, refused) or leaves it held for the re-queries (pending, or no answer).
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { QUOTES } from "../fees/quotes.js";
import { accounts } from "../ledger/accounts.js";
import type { BillsProvider, BillStatus } from "../providers/bills.js";
import { ProviderUnavailableError } from "../providers/errors.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney } from "../shared/money.js";
import { failPurchase, holdPurchase } from "../wallet/purchase.js";
import { currentVariation, sellableService, type SellableService } from "./catalogue.js";
import { BILL_EVENTS, BILL_GUARDS, BILLS, type BillRecord } from "./collections.js";
import type { BillsDeps } from "./deps.js";
import { applyBillStatus, type BillSource } from "./outcome.js";
import type { PayBillInput } from "./schemas.js";
import { nextCheckAfter } from "./schedule.js";
import { renewalAmountOf, usableVerification } from "./verify.js";
import { billView, type BillView } from "./view.js";

/** The provider refuses a second purchase for the same biller and number within this window. */
export const SAME_BILLER_WINDOW_MS = 30_000;

export function billIdFor(uid: string, idempotencyKey: string): string {
  return sha256Hex(`bill|${uid}|${idempotencyKey}`).slice(0, 32);
}

function guardRef(db: Firestore, serviceId: string, customerNumber: string) {
  return BILL_GUARDS.ref(db).doc(sha256Hex(`${serviceId}|${customerNumber}`).slice(0, 40));
}

function sameBillerRefusal(service: SellableService, until: number, now: number): AppError {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  const what =
    service.verification === "meter" ? "meter" : service.verification === "smartcard" ? "smartcard" : "number";
  return new AppError(
    "failed-precondition",
    `customerNumber: ${service.name} was just paid for this ${what}. Wait ${seconds} seconds before paying for it again, or check your bills for the first payment.`,
    { retryAfterSeconds: seconds },
  );
}

interface Checked {
  readonly service: SellableService;
  readonly variation: SellableService["variations"][number] | null;
  readonly quote: { amount: number; fee: number; total: number; points: number; redeemPoints: number };
  readonly customerName: string | null;
  readonly phone: string;
}

/** Everything payBill refuses before any write: what is bought, for whom, at which price. */
async function check(
  db: Firestore,
  input: PayBillInput,
  uid: string,
  provider: BillsProvider,
  now: number,
): Promise<Checked> {
  const service = await sellableService(db, input.serviceId, now);
  const renew = input.subscriptionType === "renew";
  if (renew && input.variationCode) {
    throw new AppError(
      "invalid-argument",
      "variationCode: a renewal keeps the current bouquet; leave the plan out, or change to it instead.",
    );
  }
  const variation = input.variationCode ? currentVariation(service, input.variationCode) : null;
  if (!renew && !variation && service.variations.length > 0) {
    throw new AppError("invalid-argument", `variationCode: pick one of the ${service.name} plans.`);
  }
  const quote = (await QUOTES.ref(db).doc(input.quoteId).get()).data();
  if (quote?.uid !== uid) throw new AppError("not-found", "quoteId: there is no such quote for you.");
  if (quote.service !== service.category || quote.currency !== provider.currency) {
    throw new AppError("failed-precondition", `quoteId: this quote is not for ${service.name}; ask for a new quote.`);
  }
  const money = (minor: number) => formatMoney(minor, provider.currency);
  if (variation?.fixedPrice && quote.amount !== variation.amount) {
    throw new AppError(
      "failed-precondition",
      `quoteId: ${variation.name} costs ${money(variation.amount)} now, not ${money(quote.amount)}; ask for a new quote.`,
    );
  }
  if (!renew && !variation?.fixedPrice) {
    const min = service.minAmount ?? 1;
    const max = service.maxAmount ?? Number.MAX_SAFE_INTEGER;
    if (quote.amount < min || quote.amount > max) {
      throw new AppError(
        "failed-precondition",
        `quoteId: ${service.name} must be between ${money(min)} and ${money(max)}; ask for a new quote.`,
      );
    }
  }
  let customerName: string | null = null;
  if (service.verification !== null || renew) {
    const verification = await usableVerification(
      db,
      { verificationId: input.verificationId, uid, service, customerNumber: input.customerNumber },
      now,
    );
    if (renew) {
      const renewal = renewalAmountOf(service, verification);
      if (quote.amount !== renewal) {
        throw new AppError(
          "failed-precondition",
          `quoteId: renewing costs ${money(renewal)} now, not ${money(quote.amount)}; ask for a new quote.`,
        );
      }
    }
    customerName = verification.customerName;
  }
  const phone =
    input.phone ?? (service.category === "airtime" || service.category === "data" ? input.customerNumber : undefined);
  if (!phone) throw new AppError("invalid-argument", "phone: the biller needs the customer's phone number.");
  return { service, variation, quote, customerName, phone };
}

function requestHashOf(input: PayBillInput): string {
  const { pin: _pin, idempotencyKey: _key, ...request } = input;
  return sha256Hex(JSON.stringify(Object.entries(request).sort(([a], [b]) => a.localeCompare(b))));
}

function existingBill(billId: string, bill: BillRecord, uid: string, requestHash: string): BillView {
  if (bill.uid !== uid || bill.requestHash !== requestHash) {
    throw new AppError(
      "already-exists",
      "idempotencyKey: this key was already used for a different bill. Use a new key for a new bill.",
    );
  }
  return billView(billId, bill);
}

export async function payBill(input: PayBillInput, caller: Caller, deps: BillsDeps): Promise<BillView> {
  const { db } = deps;
  const now = deps.now();
  const provider = deps.provider();
  const billId = billIdFor(caller.uid, input.idempotencyKey);
  const ref = BILLS.ref(db).doc(billId);
  const requestHash = requestHashOf(input);
  const found = (await ref.get()).data();
  if (found) return existingBill(billId, found, caller.uid, requestHash);

  await enforceRateLimits(db, "payBill", caller, now, { attemptKey: billId });
  const checked = await check(db, input, caller.uid, provider, now);
  const guard = guardRef(db, input.serviceId, input.customerNumber);
  const open = (await guard.get()).data();
  if (open && open.billId !== billId && open.until.toMillis() > now) {
    throw sameBillerRefusal(checked.service, open.until.toMillis(), now);
  }

  const entry = await holdPurchase(
    {
      uid: caller.uid,
      quoteId: input.quoteId,
      idempotencyKey: `bill:${input.idempotencyKey}`,
      pin: input.pin,
      payee: accounts.clearing(provider.name, provider.currency),
      meta: { billId },
    },
    deps,
  );
  if (entry.status !== "pending") {
    // A concurrent call with this key recorded its bill and settled it meanwhile: answer with it.
    const settled = (await ref.get()).data();
    if (settled) return existingBill(billId, settled, caller.uid, requestHash);
    // Else this key's hold was released: an earlier try with it was refused (another bill for the
    // number got in first) or stopped before recording its bill. Sending the bill now would deliver
    // it without taking the money.
    throw new AppError(
      "failed-precondition",
      "idempotencyKey: a bill with this key was refused and its money released. Ask for a new quote and use a new key.",
    );
  }
  const at = Timestamp.fromMillis(deps.now());
  const bill: BillRecord = {
    uid: caller.uid,
    provider: provider.name,
    serviceId: checked.service.id,
    serviceName: checked.service.name,
    category: checked.service.category,
    variationCode: checked.variation?.code ?? null,
    variationName: checked.variation?.name ?? null,
    customerNumber: input.customerNumber,
    customerName: checked.customerName,
    phone: checked.phone,
    email: input.email ?? null,
    subscriptionType: input.subscriptionType ?? (checked.service.category === "tv" ? "change" : null),
    currency: provider.currency,
    amount: checked.quote.amount,
    fee: checked.quote.fee,
    total: checked.quote.total,
    points: checked.quote.points,
    redeemPoints: checked.quote.redeemPoints,
    quoteId: input.quoteId,
    entryId: entry.id,
    requestHash,
    requestId: provider.newRequestId(at.toDate()),
    status: "sending",
    providerCode: null,
    providerReference: null,
    customerMessage: `Paying ${checked.service.name}…`,
    delivery: null,
    payCalls: 1,
    checks: 0,
    nextCheckAt: Timestamp.fromMillis(nextCheckAfter(at.toMillis(), 0) ?? at.toMillis()),
    alertedAt: null,
    receiptsSent: 0,
    refundedAt: null,
    createdAt: at,
    updatedAt: at,
    settledAt: null,
  };
  // Optimistic: of any number of concurrent calls with this key exactly one creates the bill (the
  // others lose the create, read it and answer with it), and so exactly one sends it.
  type Decision =
    | { readonly kind: "existing"; readonly bill: BillRecord }
    | { readonly kind: "guarded"; readonly until: number }
    | { readonly kind: "created" };
  const decision = await commitOptimistically<Decision>(async () => {
    const [billSnap, guardSnap] = await Promise.all([ref.get(), guard.get()]);
    const version = versionOf([billSnap, guardSnap]);
    const existing = billSnap.data();
    if (existing) return { version, commit: () => Promise.resolve({ kind: "existing", bill: existing }) };
    const current = guardSnap.data();
    if (current && current.billId !== billId && current.until.toMillis() > at.toMillis()) {
      const until = current.until.toMillis();
      return { version, commit: () => Promise.resolve({ kind: "guarded", until }) };
    }
    const batch = db.batch();
    batch.create(ref, bill);
    const window = { billId, until: Timestamp.fromMillis(at.toMillis() + SAME_BILLER_WINDOW_MS) };
    if (guardSnap.updateTime) batch.update(guard, window, { lastUpdateTime: guardSnap.updateTime });
    else batch.create(guard, window);
    batch.create(BILL_EVENTS.under(ref).doc("created"), {
      at,
      from: null,
      to: "sending",
      source: "pay",
      providerCode: null,
      detail: `request ${bill.requestId} for ${bill.serviceId} ${bill.customerNumber}, ip ${caller.ip}`,
    });
    return { version, commit: async () => (await batch.commit(), { kind: "created" }) };
  }, "This bill is being paid right now. Please wait a few seconds and check your bills.");
  if (decision.kind === "existing") return existingBill(billId, decision.bill, caller.uid, requestHash);
  if (decision.kind === "guarded") {
    // Another bill for this number got in between our check and our hold: release ours in full.
    await failPurchase(db, entry.id, deps.now);
    throw sameBillerRefusal(checked.service, decision.until, deps.now());
  }
  const after = await sendBill(deps, billId, bill, "pay");
  return billView(billId, after);
}

/** Sends a bill's pay request under its stored request id and applies the answer. */
export async function sendBill(
  deps: Pick<BillsDeps, "db" | "provider" | "now">,
  billId: string,
  bill: BillRecord,
  source: BillSource,
): Promise<BillRecord> {
  const provider = deps.provider();
  let status: BillStatus;
  try {
    status = await provider.pay({
      requestId: bill.requestId,
      serviceId: bill.serviceId,
      variationCode: bill.variationCode ?? undefined,
      customerNumber: bill.customerNumber,
      amount: bill.amount,
      phone: bill.phone,
      subscriptionType: bill.subscriptionType ?? undefined,
    });
  } catch (error) {
    const untouched = error instanceof ProviderUnavailableError && error.notProcessed;
    logger.warn("bill pay call failed", { billId, untouched, error: String(error) });
    status = {
      outcome: untouched ? "not-processed" : "pending",
      requestId: bill.requestId,
      providerCode: untouched ? "unreachable" : "no-answer",
      providerDescription: String(error).slice(0, 200),
      customerMessage: untouched
        ? "We could not reach the biller. No money was taken; please try again in a few minutes."
        : "We are confirming your purchase with the biller. This can take a few minutes.",
    };
  }
  return applyBillStatus(deps.db, billId, status, source, deps.now);
}
