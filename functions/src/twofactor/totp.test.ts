// TOTP against RFC 6238's own test vectors (Appendix B, SHA-1: the 8-digit values; 6 digits are
// their last six), the window of one step either side, and the secret's encryption at rest.
import { describe, expect, it } from "vitest";

import { decryptSecret, encryptSecret, hashRecoveryCode, newRecoveryCode, normaliseRecoveryCode } from "./crypto.js";
import { matchedStep, newTotpSecret, otpauthUri, stepAt, totpCode } from "./totp.js";

// The RFC's key, "12345678901234567890" in ASCII, in base 32.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

process.env.TOTP_ENCRYPTION_KEY = "sim-totp-encryption-key-for-unit-tests-only";

describe("TOTP (RFC 6238, SHA-1, 6 digits, 30 s)", () => {
  it.each([
    [59, "287082"],
    [1_111_111_109, "081804"],
    [1_111_111_111, "050471"],
    [1_234_567_890, "005924"],
    [2_000_000_000, "279037"],
    [20_000_000_000, "353130"],
  ])("at %i s the code is %s", (seconds, code) => {
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code);
    expect(matchedStep(RFC_SECRET, code, seconds * 1000)).toBe(Math.floor(seconds / 30));
  });

  it("accepts one step either side of now and nothing further", () => {
    const now = 1_234_567_890_000;
    const step = stepAt(now);
    for (const offset of [-1, 0, 1]) {
      expect(matchedStep(RFC_SECRET, totpCode(RFC_SECRET, now + offset * 30_000), now)).toBe(step + offset);
    }
    for (const offset of [-2, 2]) {
      expect(matchedStep(RFC_SECRET, totpCode(RFC_SECRET, now + offset * 30_000), now)).toBeNull();
    }
  });

  it("makes 160-bit secrets and an otpauth URI apps read", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(otpauthUri(secret, "wallet abc123"));
    expect(uri.href.startsWith("otpauth://totp/Malipo:wallet%20abc123?")).toBe(true);
    expect(uri.searchParams.get("secret")).toBe(secret);
  });
});

describe("secrets at rest", () => {
  it("encrypts with a fresh IV, decrypts only for its own user, and refuses a changed ciphertext", () => {
    const secret = newTotpSecret();
    const first = encryptSecret(secret, "uid-a");
    const second = encryptSecret(secret, "uid-a");
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
    expect(JSON.stringify(first)).not.toContain(secret);
    expect(decryptSecret(first, "uid-a")).toBe(secret);
    expect(() => decryptSecret(first, "uid-b")).toThrow();
    const flipped = Buffer.from(first.ciphertext, "base64");
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => decryptSecret({ ...first, ciphertext: flipped.toString("base64") }, "uid-a")).toThrow();
  });

  it("hashes recovery codes however they are typed, and never as themselves", () => {
    const code = newRecoveryCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(hashRecoveryCode(code.toLowerCase().replace("-", " "))).toBe(hashRecoveryCode(code));
    expect(normaliseRecoveryCode("o1il0-abcde")).toBe("0111" + "0ABCDE");
    expect(hashRecoveryCode(code)).not.toContain(code.replace("-", ""));
  });
});
