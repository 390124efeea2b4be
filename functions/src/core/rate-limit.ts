// Rate limits kept in Firestore (rateLimits/{bucket}), counted inside the caller's transaction so
// that N concurrent attempts admit exactly `limit` of them. Each window starts at the first
// attempt after the previous one ended (not at calendar boundaries, where a burst straddling the
// boundary would get twice the limit).
import { createHash } from "node:crypto";

import { Timestamp, type Firestore, type Transaction } from "firebase-admin/firestore";

import { AppError } from "./errors.js";

export interface RateLimit {
  /** What is limited and for whom, e.g. "createPayment:uid:abc". */
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

function bucketId(limit: RateLimit): string {
  return createHash("sha256").update(`${limit.key}|${limit.windowMs}`).digest("hex").slice(0, 40);
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
  const buckets = limits.map((limit) => ({ limit, ref: db.collection("rateLimits").doc(bucketId(limit)) }));
  const snapshots = await Promise.all(buckets.map((bucket) => tx.get(bucket.ref)));
  const next = buckets.map(({ limit, ref }, index) => {
    const snapshot = snapshots[index];
    const started = (snapshot?.get("windowStart") as Timestamp | undefined)?.toMillis();
    const open = started !== undefined && now < started + limit.windowMs;
    const count = open ? ((snapshot?.get("count") as number | undefined) ?? 0) : 0;
    const windowStart = open ? started : now;
    if (count >= limit.limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + limit.windowMs - now) / 1000));
      throw new AppError(
        "resource-exhausted",
        `Too many ${what}. Please wait ${retryAfterSeconds} seconds and try again.`,
        {
          retryAfterSeconds,
        },
      );
    }
    return { limit, ref, windowStart, count: count + 1 };
  });
  for (const bucket of next) {
    tx.set(bucket.ref, {
      key: bucket.limit.key,
      windowStart: Timestamp.fromMillis(bucket.windowStart),
      count: bucket.count,
      // A TTL policy on expiresAt deletes idle buckets in production.
      expiresAt: Timestamp.fromMillis(bucket.windowStart + bucket.limit.windowMs * 2),
    });
  }
}
