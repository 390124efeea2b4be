// The rate limiter's added latency, measured against the Firestore emulator with the functions'
// own code (functions/src/core/rate-limit.ts):
//   - before a transaction: a handler-like transaction (read one document, write it) alone, then
//     after createPayment's three buckets were counted (compare-and-set batch); the difference is
//     what the limiter adds to a new payment;
//   - on its own: enforceRateLimits for getPaymentStatus's two buckets, each call a different
//     user, then 30 and 150 concurrent calls by one user (the contended case).
//   BENCH_LIMIT_SAMPLES (default 300)
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { AppError } from "../functions/src/core/errors.ts";
import { enforceRateLimits } from "../functions/src/core/rate-limit.ts";
import { randomIp } from "../tests/support/client.ts";
import { adminDb } from "../tests/support/firestore.ts";
import { pool, range } from "../tests/support/pool.ts";
import { percentile, summary } from "./stats.ts";

const SAMPLES = Number(process.env.BENCH_LIMIT_SAMPLES ?? 300);
const db = adminDb();

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

async function handlerTransaction(withLimits: boolean): Promise<void> {
  const ref = db.collection("benchLimiter").doc(randomUUID());
  if (withLimits) {
    await enforceRateLimits(db, "createPayment", { uid: randomUUID(), ip: randomIp() }, Date.now(), {
      attemptKey: ref.id,
    });
  }
  await db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    tx.set(ref, { seen: snapshot.exists, at: Date.now() });
  });
}

console.log(`rate-limit bench: ${SAMPLES} samples each, Firestore emulator`);
// Warm the connection and the emulator's code paths.
await pool(range(30), 5, () => handlerTransaction(true));

const baseline: number[] = [];
const limited: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  // Interleaved, so drift in the emulator affects both alike.
  baseline.push(await timed(() => handlerTransaction(false)));
  limited.push(await timed(() => handlerTransaction(true)));
}
const standalone: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  standalone.push(
    await timed(() => enforceRateLimits(db, "getPaymentStatus", { uid: randomUUID(), ip: randomIp() }, Date.now())),
  );
}
/** `count` calls by one user at once; refusals past the limit are part of the measure. */
async function burst(count: number): Promise<number[]> {
  const uid = randomUUID();
  return pool(range(count), count, () =>
    timed(() =>
      enforceRateLimits(db, "getPaymentStatus", { uid, ip: randomIp() }, Date.now()).catch((error: unknown) => {
        if (!(error instanceof AppError && error.code === "resource-exhausted")) throw error;
      }),
    ),
  );
}
const contended = await burst(30);
const heavy = await burst(150);

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
console.log(summary("transaction alone", baseline));
console.log(summary("3 buckets + transaction", limited));
console.log(`added to a new payment        p50 ${(median(limited) - median(baseline)).toFixed(1)} ms`);
console.log(summary("enforceRateLimits (2 buckets)", standalone));
console.log(summary("30 at once, one user", contended));
console.log(summary("150 at once, one user", heavy));
