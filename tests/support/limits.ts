// Using up part of a rate limit in-process, with the limiter the handlers call, so a test through
// the Functions emulator needs only the few calls that cross the limit.
import { randomUUID } from "node:crypto";

import { enforceRateLimits, type Requester, type Route } from "../../functions/src/core/rate-limit.ts";
import { adminDb } from "./firestore.ts";

/** Counts `attempts` attempts at `route` by `requester` now, as that many earlier calls would. */
export async function spendLimit(route: Route, requester: Requester, attempts: number): Promise<void> {
  const now = Date.now();
  await Promise.all(
    Array.from({ length: attempts }, () =>
      enforceRateLimits(adminDb(), route, requester, now, { attemptKey: randomUUID() }),
    ),
  );
}

/** The stored count of the bucket with this key (e.g. "general:ip:203.0.113.7"), 0 when absent. */
export async function bucketCount(key: string): Promise<number> {
  const found = await adminDb().collection("rateLimits").where("key", "==", key).get();
  return found.docs.reduce((sum, doc) => sum + (doc.get("count") as number), 0);
}
