// Pure helpers for the bills page: the catalogue as the page groups it, what each service asks
// for, and how a quote or a bill reads. Free of the DOM so they are unit-tested; amounts use the
// functions' own formatter and delivered lines the receipt's own wording.
import type { BillServiceRecord, BillStatusName } from "../../functions/src/bills/collections.ts";
import { deliveredLines, type DeliveryLines } from "../../functions/src/bills/delivered.ts";
import {
  CURRENCIES,
  SERVICE_LABELS,
  SERVICES,
  type Currency,
  type Service,
} from "../../functions/src/shared/catalog.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";

export { deliveredLines, formatMoney, SERVICE_LABELS, type BillStatusName, type DeliveryLines };

/** The bills provider (VTpass) sells in Nigeria: prices, limits and quotes are in kobo. */
export const BILL_CURRENCY: Currency = "NGN";

/** A billServices document as the page reads it (without its refresh time). */
export type BillService = Omit<BillServiceRecord, "refreshedAt"> & { readonly id: string };
export type Variation = BillService["variations"][number];

/** The bill fields the page shows, from payBill's answer or bills/{billId} live. */
export interface BillSnapshot {
  readonly status: BillStatusName;
  readonly customerMessage: string;
  readonly serviceName: string;
  readonly variationName: string | null;
  readonly customerNumber: string;
  readonly customerName: string | null;
  readonly currency: Currency;
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
  readonly points: number;
  readonly delivery: DeliveryLines | null;
}

export interface QuoteAnswer {
  readonly quoteId: string;
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
  readonly points: number;
  readonly expiresAt: string;
}

export const BILL_STATUS_LABELS: Readonly<Record<BillStatusName, string>> = {
  sending: "Sending to the biller",
  pending: "Waiting for the biller",
  delivered: "Delivered",
  failed: "Failed",
};

export function isFinalBill(status: BillStatusName): boolean {
  return status === "delivered" || status === "failed";
}

/** The categories that have something on sale, in the catalog's order, each with its services by name. */
export function servicesByCategory(services: readonly BillService[]): Map<Service, BillService[]> {
  const grouped = new Map<Service, BillService[]>();
  for (const category of SERVICES) {
    const inCategory = services
      .filter((service) => service.active && service.category === category)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (inCategory.length > 0) grouped.set(category, inCategory);
  }
  return grouped;
}

const NUMBER_LABELS: Readonly<Record<NonNullable<BillService["verification"]>, string>> = {
  meter: "Meter number",
  smartcard: "Smartcard or IUC number",
  account: "Account number",
};

/** What the customer number is called for this service. */
export function numberLabel(service: Pick<BillService, "verification">): string {
  return service.verification ? NUMBER_LABELS[service.verification] : "Phone number";
}

/** Airtime and data go to the number being topped up; every other biller also wants a phone. */
export function needsPhone(service: Pick<BillService, "category">): boolean {
  return service.category !== "airtime" && service.category !== "data";
}

/** The customer types the amount unless the chosen plan has a fixed price. */
export function needsAmount(variation: Variation | null): boolean {
  return !variation?.fixedPrice;
}

/** A plan as the menu lists it: "DStv Padi · NGN 2,950.00", or its name alone when the price is typed. */
export function variationLabel(variation: Variation, currency: Currency = BILL_CURRENCY): string {
  return variation.fixedPrice ? `${variation.name} · ${formatMoney(variation.amount, currency)}` : variation.name;
}

/** "From NGN 500.00", "NGN 500.00 to NGN 50,000.00", or "" when the biller sets no limit. */
export function amountHint(service: Pick<BillService, "minAmount" | "maxAmount">, currency = BILL_CURRENCY): string {
  const { minAmount: min, maxAmount: max } = service;
  if (min !== null && max !== null) return `${formatMoney(min, currency)} to ${formatMoney(max, currency)}`;
  if (min !== null) return `From ${formatMoney(min, currency)}`;
  if (max !== null) return `Up to ${formatMoney(max, currency)}`;
  return "";
}

/** "1000", "1,000" or "1000.50" typed in major units → minor units; undefined unless exact and positive. */
export function parseAmount(text: string, currency: Currency = BILL_CURRENCY): number | undefined {
  const digits = CURRENCIES[currency].minorDigits;
  const cleaned = text.trim().replaceAll(",", "");
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(cleaned);
  if (!match) return undefined;
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return undefined;
  const minor = Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
  return minor > 0 ? minor : undefined;
}

/** "NGN 1,000.00 + fee NGN 50.00 = NGN 1,050.00" */
export function quoteLine(quote: Pick<QuoteAnswer, "amount" | "fee" | "total">, currency = BILL_CURRENCY): string {
  const money = (minor: number) => formatMoney(minor, currency);
  return `${money(quote.amount)} + fee ${money(quote.fee)} = ${money(quote.total)}`;
}

export function pointsLine(points: number): string {
  if (points === 0) return "Earns no points";
  return `Earns ${points.toLocaleString("en-US")} ${points === 1 ? "point" : "points"}`;
}

/** A quote the page may still send: payBill refuses an expired one, so keep a margin for the trip. */
export function quoteUsable(quote: Pick<QuoteAnswer, "expiresAt">, now: number, marginMs = 15_000): boolean {
  return Date.parse(quote.expiresAt) - marginMs > now;
}

/** What was bought, for whom: "Ikeja Electric · Prepaid for 1111111111111 (ADE BELLO)". */
export function billTitle(
  bill: Pick<BillSnapshot, "serviceName" | "variationName" | "customerNumber" | "customerName">,
): string {
  const what = bill.variationName ? `${bill.serviceName} · ${bill.variationName}` : bill.serviceName;
  return `${what} for ${bill.customerNumber}${bill.customerName ? ` (${bill.customerName})` : ""}`;
}

/** The bill's money: "NGN 1,000.00 + fee NGN 50.00 = NGN 1,050.00 · earns 10 points". */
export function billSummary(bill: Pick<BillSnapshot, "currency" | "amount" | "fee" | "total" | "points">): string {
  return `${quoteLine(bill, bill.currency)} · ${pointsLine(bill.points).toLowerCase()}`;
}

/**
 * Logos are shown only from the provider's own hosts, the ones the Content-Security-Policy's
 * img-src allows (firebase.json): any other address would be blocked by the browser anyway.
 */
export const LOGO_HOSTS = ["vtpass.com", "*.vtpass.com"] as const;

export function logoSource(image: string | null): string | null {
  if (!image) return null;
  let url: URL;
  try {
    url = new URL(image);
  } catch {
    return null;
  }
  const allowed = LOGO_HOSTS.some((host) =>
    host.startsWith("*.") ? url.hostname.endsWith(host.slice(1)) : url.hostname === host,
  );
  return url.protocol === "https:" && allowed ? url.href : null;
}

/** The page's history: the caller's bills, newest first (its composite index is in firestore.indexes.json). */
export const BILL_HISTORY = { owner: "uid", newestFirst: "createdAt", size: 20 } as const;
