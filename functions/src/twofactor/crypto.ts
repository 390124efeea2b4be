// How second-factor secrets are kept. One secret, TOTP_ENCRYPTION_KEY (in Secret Manager: 32
// random bytes as base64, `openssl rand -base64 32`), is never used directly: HKDF-SHA-256 derives
// from it one key to encrypt TOTP secrets and another to pepper recovery codes, so neither use can
// leak the other's key. HKDF takes the secret's text as it is, so any value of enough entropy works
// (the emulator's is a readable "sim-" string).
//
// - TOTP secrets are encrypted with AES-256-GCM, a fresh 12-byte IV each time, the user's uid as
//   additional data: a copied database alone reveals no secret, and a ciphertext moved to another
//   user's document does not decrypt (authentication fails) rather than verifying their codes.
// - Recovery codes are stored as HMAC-SHA256(pepper, code). They are 50 random bits from the CSPRNG
//   (10 base-32 characters), not a person's choice, so a slow KDF (the PIN's scrypt, needed
//   because a PIN has only 10^4..10^6 values) buys nothing: without the pepper the hashes cannot
//   even be tested, and with it 2^50 candidates per code is still far out of reach for 10 codes
//   that the owner can replace at any time. It also keeps a recovery code's check in the
//   microseconds, so a concurrent burst costs nothing but Firestore reads.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt } from "node:crypto";

import { secrets } from "../core/config.js";

export interface EncryptedSecret {
  readonly alg: "aes-256-gcm";
  /** base64 */
  readonly iv: string;
  readonly ciphertext: string;
  readonly tag: string;
}

const KEY_BYTES = 32;
/** Shorter than 32 characters (base64 of 24 bytes) is a configuration mistake, not a key. */
const MIN_SECRET_LENGTH = 32;

/** The master secret, read at call time; the function lists TWO_FACTOR_SECRETS. */
function masterKey(): Buffer {
  const value = secrets.totpEncryptionKey.value();
  if (value.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `TOTP_ENCRYPTION_KEY is missing or shorter than ${MIN_SECRET_LENGTH} characters: list TWO_FACTOR_SECRETS on the function and set the secret (openssl rand -base64 32).`,
    );
  }
  return Buffer.from(value, "utf8");
}

function derived(purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey(), Buffer.alloc(0), `malipo:${purpose}`, KEY_BYTES));
}

export function encryptSecret(plain: string, uid: string): EncryptedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derived("totp-secret:v1"), iv);
  cipher.setAAD(Buffer.from(uid));
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return {
    alg: "aes-256-gcm",
    iv: iv.toString("base64"),
    ciphertext: ciphertext.toString("base64"),
    tag: cipher.getAuthTag().toString("base64"),
  };
}

/** Throws when the ciphertext was altered, moved to another user or encrypted under another key. */
export function decryptSecret(stored: EncryptedSecret, uid: string): string {
  const decipher = createDecipheriv("aes-256-gcm", derived("totp-secret:v1"), Buffer.from(stored.iv, "base64"));
  decipher.setAAD(Buffer.from(uid));
  decipher.setAuthTag(Buffer.from(stored.tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(stored.ciphertext, "base64")), decipher.final()]).toString("utf8");
}

/** Crockford-style base 32 without I, L, O, U: nothing to misread when typed from paper. */
const RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const RECOVERY_CODE_COUNT = 10;

/** One recovery code, XXXXX-XXXXX (50 random bits). */
export function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET.charAt(randomInt(RECOVERY_ALPHABET.length)));
  return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
}

/** A typed code as stored: upper case, no dash or spaces, the look-alikes mapped (O→0, I/L→1). */
export function normaliseRecoveryCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
}

export function hashRecoveryCode(code: string): string {
  return createHmac("sha256", derived("recovery-code:v1")).update(normaliseRecoveryCode(code)).digest("base64");
}
