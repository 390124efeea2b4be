// VTpass request ids: the first 12 characters are the date and time in Lagos (YYYYMMDDHHmm), then
// any alphanumerics. VTpass refuses an id it has seen (code 014), which makes the id Malipo's
// idempotency key for a bill.
import * as crypto from "node:crypto";

const ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const SUFFIX_LENGTH = 16;
/** Africa/Lagos is UTC+1 all year (no daylight saving), so a fixed offset is exact. */
const LAGOS_OFFSET_MS = 60 * 60 * 1000;

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

export function vtpassRequestId(at: Date, random: { randomInt(max: number): number } = crypto): string {
  const lagos = new Date(at.getTime() + LAGOS_OFFSET_MS);
  const stamp =
    pad(lagos.getUTCFullYear(), 4) +
    pad(lagos.getUTCMonth() + 1) +
    pad(lagos.getUTCDate()) +
    pad(lagos.getUTCHours()) +
    pad(lagos.getUTCMinutes());
  let suffix = "";
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += ALPHANUMERICS.charAt(random.randomInt(ALPHANUMERICS.length));
  return stamp + suffix;
}
