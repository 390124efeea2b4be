// Fixed-window rate limits kept in Firestore (rateLimits/{bucket}), counted inside the caller's
// transaction so that N concurrent attempts admit exactly `limit` of them.
import { createHash } from "node:crypto";

import { FieldValue, Timestamp, type Firestore, type Transaction } from "firebase-admin/firestore";

import { AppError } from "./errors.js";

export interface RateLimit {
  /** What is limited and for whom, e.g. "createPayment:uid:abc". */
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

function bucketId(limit: RateLimit, windowStart: number): string {
  return createHash("sha256").update(`${limit.key}|${limit.windowMs}|${windowStart}`).digest("hex").slice(0, 40);
}

/**
 * Counts one attempt against every limit, or throws resource-exhausted (with retryAfterSeconds)
 * when any is used up. Reads come before writes, as transactions require.
 */
export async function consumeRateLimits(
  db: Firestore,
  tx: Transaction,
  limits: readonly RateLimit[],
  now: number,
  what: string,
): Promise<void> {
  const buckets = limits.map((limit) => {
    const windowStart = now - (now % limit.windowMs);
    return { limit, windowStart, ref: db.collection("rateLimits").doc(bucketId(limit, windowStart)) };
  });
  const snapshots = await Promise.all(buckets.map((bucket) => tx.get(bucket.ref)));
  buckets.forEach((bucket, index) => {
    const count = (snapshots[index]?.get("count") as number | undefined) ?? 0;
    if (count >= bucket.limit.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((bucket.windowStart + bucket.limit.windowMs - now) / 1000));
      throw new AppError(
        "resource-exhausted",
        `Too many ${what}. Please wait ${retryAfterSeconds} seconds and try again.`,
        {
          retryAfterSeconds,
        },
      );
    }
  });
  for (const bucket of buckets) {
    tx.set(
      bucket.ref,
      {
        key: bucket.limit.key,
        count: FieldValue.increment(1),
        // A TTL policy on expiresAt deletes old buckets in production.
        expiresAt: Timestamp.fromMillis(bucket.windowStart + bucket.limit.windowMs * 2),
      },
      { merge: true },
    );
  }
}
