// Calendar days in a time zone: the window [from, to) of a YYYY-MM-DD day, the day an instant
// falls in, and the days the nightly report covers. Pure (Intl only), so unit-tested.
import { AppError } from "../../core/errors.js";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant's wall-clock time in the zone minus the instant (ms): +3 h for Nairobi. */
function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(at / 1000) * 1000;
}

/** Refuses anything but a real calendar day written YYYY-MM-DD, with a sentence. */
export function parseDay(date: string): { year: number; month: number; day: number } {
  const match = DATE.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (!match || probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new AppError("invalid-argument", `date: "${date}" is not a calendar day written YYYY-MM-DD.`);
  }
  return { year, month, day };
}

/** Midnight at the start of the day in the zone, as epoch ms. */
function zonedMidnight(date: string, timeZone: string): number {
  const { year, month, day } = parseDay(date);
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetMs(guess, timeZone);
  return guess - offsetMs(first, timeZone);
}

export function dayWindow(date: string, timeZone: string): { fromMs: number; toMs: number } {
  return { fromMs: zonedMidnight(date, timeZone), toMs: zonedMidnight(addDays(date, 1), timeZone) };
}

export function addDays(date: string, days: number): string {
  const { year, month, day } = parseDay(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The calendar day (YYYY-MM-DD) the instant falls in, in the zone. */
export function dayOf(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}

/**
 * The days a nightly run reports: yesterday, then the two days before it again (callbacks and
 * re-queries that came late, a ledger check that ran after the first report).
 */
export function reportDays(at: number, timeZone: string): string[] {
  const today = dayOf(at, timeZone);
  return [addDays(today, -1), addDays(today, -2), addDays(today, -3)];
}
