// TOTP as RFC 6238 defines it and every authenticator app implements it: HMAC-SHA-1, 6 digits,
// 30-second steps (otpauth, a maintained implementation). Pure: the clock is an argument, so tests
// move time instead of waiting for it.
import { Secret, TOTP } from "otpauth";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of now: one, for a phone's clock a little off and a slow typist. */
export const TOTP_WINDOW = 1;
const ISSUER = "Malipo";

function totpOf(secretBase32: string, label = "wallet"): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new secret: 160 random bits (RFC 4226's recommended length), base 32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function otpauthUri(secretBase32: string, label: string): string {
  return totpOf(secretBase32, label).toString();
}

/** The time step `at` (epoch ms) falls in. */
export function stepAt(at: number): number {
  return Math.floor(at / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for the step `at` falls in (tests, and nothing else, generate codes). */
export function totpCode(secretBase32: string, at: number): string {
  return totpOf(secretBase32).generate({ timestamp: at });
}

/** The time step whose code `code` is, within one step of `now`; null when it is none of them. */
export function matchedStep(secretBase32: string, code: string, now: number): number | null {
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: now, window: TOTP_WINDOW });
  return delta === null ? null : stepAt(now) + delta;
}
