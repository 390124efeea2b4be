// When a withdrawal without a result is asked about. M-Pesa posts every B2C result to our result
// URL, so its first Transaction Status request waits 30 minutes (or goes at once after a
// queue-timeout); ioTec calls back only for some statuses, so its disbursements are polled from
// the first minute. After 24 hours the hold goes to operators as an alert and the question is put
// every 6 hours from then on. A withdrawal's hold is never released by time: the provider may
// have paid, and only its answer decides.
import type { PayoutProviderName } from "./collections.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const LATER_HOURS = [1, 2, 4, 8, 12, 16, 20, 24].map((hours) => hours * HOUR);

export const STATUS_OFFSETS_MS: Readonly<Record<PayoutProviderName, readonly number[]>> = {
  mpesa: [30 * MINUTE, ...LATER_HOURS],
  iotec: [1 * MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, ...LATER_HOURS],
};

/** A withdrawal still "sending" this long after it was recorded lost its request: it is sent again. */
export const SENDING_GRACE_MS = 2 * MINUTE;
export const AFTER_ALERT_EVERY_MS = 6 * HOUR;
/** A hold older than this is an operator's to look at. */
export const ALERT_AFTER_MS = 24 * HOUR;

/** The first status check of an accepted withdrawal. */
export function firstCheckAt(provider: PayoutProviderName, createdAtMs: number): number {
  return createdAtMs + (STATUS_OFFSETS_MS[provider][0] ?? ALERT_AFTER_MS);
}

/**
 * The check after one made at `nowMs`: the first scheduled time still ahead (checks missed while
 * the job was not running are not made up one by one), or 6 hours on once past the day.
 */
export function nextCheckFrom(provider: PayoutProviderName, createdAtMs: number, nowMs: number): number {
  const offset = STATUS_OFFSETS_MS[provider].find((o) => createdAtMs + o > nowMs);
  return offset === undefined ? nowMs + AFTER_ALERT_EVERY_MS : createdAtMs + offset;
}
