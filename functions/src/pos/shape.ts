// What the till and the server agree on about a point-of-sale record, without Firebase or Node:
// the hosting till imports this file too, so the page and the trigger never disagree on an id's
// form, a receipt number or a store's local day.
import type { Currency } from "../shared/catalog.js";

/** The currencies a store may keep its books in. */
export const STORE_CURRENCIES = ["MWK", "KES", "UGX", "NGN"] as const satisfies readonly Currency[];
export type StoreCurrency = (typeof STORE_CURRENCIES)[number];

/** Where each store currency is used: a store's day (daily totals) is the calendar day there. */
export const STORE_TIME_ZONES: Readonly<Record<StoreCurrency, string>> = {
  MWK: "Africa/Blantyre",
  KES: "Africa/Nairobi",
  UGX: "Africa/Kampala",
  NGN: "Africa/Lagos",
};

/**
 * A device-generated record id: a UUIDv7 in its canonical lower-case form (RFC 9562). The time
 * prefix keeps one till's records in order; the 74 random bits make two tills' ids collide never
 * in practice. firestore.rules checks the same pattern.
 */
export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A till's device code as registerTill issues it: "T" and five Crockford base-32 characters. */
export const DEVICE_CODE = /^T[0-9A-HJKMNP-TV-Z]{5}$/;

export const MAX_SALE_LINES = 50;
export const MAX_LINE_QUANTITY = 1_000;
/** A sale or expense larger than this is a typing mistake at a market stall, not a sale. */
export const MAX_RECORD_AMOUNT = 1_000_000_000;

/** {deviceCode}-{shift}-{seq}: unique because device codes are, and each till numbers its own shifts. */
export function receiptNumber(deviceCode: string, shift: number, seq: number): string {
  return `${deviceCode}-${shift}-${seq}`;
}

/** The calendar day (YYYY-MM-DD) at `ms` where the store's currency is used. */
export function storeDay(ms: number, currency: StoreCurrency): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: STORE_TIME_ZONES[currency],
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(ms));
}
