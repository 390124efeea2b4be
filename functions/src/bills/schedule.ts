// When a pending bill is asked about again: 30 s, 2, 5, 15 and 60 minutes after it was created,
// then every hour up to 24 hours; after that an operator is alerted and the bill is still asked
// about every 6 hours. A pending bill's hold is never released by time: the biller may already
// have charged Malipo, and only its answer decides.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const REQUERY_OFFSETS_MS: readonly number[] = [
  30 * SECOND,
  2 * MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  60 * MINUTE,
  ...Array.from({ length: 23 }, (_, i) => (i + 2) * HOUR),
];
export const AFTER_ALERT_EVERY_MS = 6 * HOUR;

/** When the check after `checks` re-queries is due; null once the schedule is used up. */
export function nextCheckAfter(createdAtMs: number, checks: number): number | null {
  const offset = REQUERY_OFFSETS_MS[checks];
  return offset === undefined ? null : createdAtMs + offset;
}

/**
 * The next check after one made at `nowMs`: the first scheduled time still ahead (checks missed
 * while the job was not running are not made up one by one), or 6 hours on once past the day.
 */
export function nextCheckFrom(createdAtMs: number, nowMs: number): number {
  const offset = REQUERY_OFFSETS_MS.find((o) => createdAtMs + o > nowMs);
  return offset === undefined ? nowMs + AFTER_ALERT_EVERY_MS : createdAtMs + offset;
}

/** A bill still pending this long after it was created is an operator's to look at. */
export const ALERT_AFTER_MS = 24 * HOUR;
