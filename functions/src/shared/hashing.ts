import { createHash, timingSafeEqual } from "node:crypto";

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
