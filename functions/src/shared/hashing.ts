import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

/** Compares secrets in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The hex SHA-256 of `text`: for document ids derived from what identifies them. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A mailed code's stored form: HMAC-SHA256 under its own random salt, hex. */
export function hashCode(code: string, salt: string): string {
  return createHmac("sha256", salt).update(code).digest("hex");
}

/** A new 6-digit code to mail, with the salt and hash to store in its place. */
export function newMailedCode(): { code: string; salt: string; hash: string } {
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const salt = randomBytes(16).toString("hex");
  return { code, salt, hash: hashCode(code, salt) };
}
