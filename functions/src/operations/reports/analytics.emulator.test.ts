// Payment analytics against the emulators (money rule 21b): 200 payments with random outcomes,
// written with the Admin SDK so the real onPaymentWritten trigger counts them, then every status
// change delivered again in-process (twice, in any order, concurrently) as a redelivered trigger
// would be: the counters equal a recomputation from the payments, and `npm run admin --
// analytics rebuild <date>` agrees with them (and repairs a shard that was tampered with).
import { execFile } from "node:child_process";
import { randomInt } from "node:crypto";
import { isDeepStrictEqual, promisify } from "node:util";

import { FieldValue, Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { adminDb, eventually } from "../../../../tests/support/firestore.js";
import { ROOT } from "../../../../tools/emulators/environment.js";
import { PAYMENTS, type PaymentRecord } from "../../payments/records.js";
import { dispatchStatusChange } from "../../payments/settlement.js";
import { bucketKey, bucketOf, emptyCounters, mergeAnalytics, type AnalyticsCounters } from "../../shared/analytics.js";
import { ANALYTICS } from "./collections.js";
import { rebuildAnalytics } from "./analytics.js";
import { dayWindow } from "./days.js";

const db = adminDb();
// A day of its own, long ago: no other test's payments are created there.
const DATE = `200${randomInt(0, 10)}-0${1 + randomInt(0, 9)}-${10 + randomInt(0, 18)}`;
const { fromMs } = dayWindow(DATE, "Africa/Nairobi");
const run = `an-${Date.now().toString(36)}-${randomInt(0, 1e6).toString(36)}`;
const COUNT = 200;
const ROUTES = [
  ["mpesa", "KES"],
  ["iotec", "UGX"],
  ["paystack", "NGN"],
] as const;
const OUTCOMES = [
  "succeeded",
  "succeeded",
  "succeeded",
  "succeeded",
  "failed",
  "cancelled",
  "expired",
  "conflict",
  "processing",
  "pending",
] as const;

/** A fixed-seed generator: the same 200 payments every run, only their ids differ. */
function generator(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    // Scaled, so the high bits decide: an LCG's low bits repeat with a short period.
    return Math.floor((state / 2 ** 31) * n);
  };
}

interface Seed {
  readonly id: string;
  readonly created: PaymentRecord;
  readonly final: PaymentRecord | undefined;
  readonly status: (typeof OUTCOMES)[number];
}

function seeds(): Seed[] {
  const next = generator(20261203);
  return Array.from({ length: COUNT }, (_, i) => {
    const [provider, currency] = ROUTES[next(ROUTES.length)] ?? ROUTES[0];
    const status = OUTCOMES[next(OUTCOMES.length)] ?? "pending";
    const createdAt = Timestamp.fromMillis(fromMs + i * 7 * 60_000 + next(60_000));
    const created: PaymentRecord = {
      uid: `u-${run}`,
      // Entry payments without an email: no code, no mail, only analytics among the handlers.
      purpose: "entry",
      provider,
      amount: (1 + next(500)) * 100,
      currency,
      phone: "+254712000002",
      email: null,
      name: null,
      reference: null,
      competitionId: null,
      status: "pending",
      providerReference: null,
      receipt: null,
      failureCode: null,
      customerMessage: "seeded",
      idempotencyKey: `k-${run}-${i}`,
      verified: false,
      initiatedAt: createdAt,
      createdAt,
      updatedAt: createdAt,
      settledAt: null,
      refund: null,
    };
    // Settlement times spread over the histogram: a second to three hours.
    const settledAt = Timestamp.fromMillis(createdAt.toMillis() + 1_000 + next(3 * 3_600_000));
    const final: PaymentRecord | undefined =
      status === "pending"
        ? undefined
        : status === "processing"
          ? { ...created, status, providerReference: `ref-${run}-${i}` }
          : { ...created, status, providerReference: `ref-${run}-${i}`, updatedAt: settledAt, settledAt };
    return { id: `${run}-${String(i).padStart(3, "0")}`, created, final, status };
  });
}

/** The expected counters per key, from the seeds alone (not from the code under test). */
function expectedCounters(all: readonly Seed[]): Map<string, AnalyticsCounters> {
  const byKey = new Map<string, AnalyticsCounters>();
  for (const seed of all) {
    const key = `${seed.created.provider}_${seed.created.currency}_entry`;
    const counters = byKey.get(key) ?? emptyCounters();
    counters.attempts++;
    const final = seed.final;
    if (final && seed.status !== "processing" && seed.status !== "pending") {
      counters[seed.status === "succeeded" ? "succeeded" : seed.status]++;
      if (seed.status === "succeeded" && final.settledAt) {
        const ms = final.settledAt.toMillis() - final.createdAt.toMillis();
        counters.revenue += final.amount;
        counters.settleMsTotal += ms;
        const bucket = bucketKey(bucketOf(ms));
        counters.settleBuckets[bucket] = (counters.settleBuckets[bucket] ?? 0) + 1;
      }
    }
    byKey.set(key, counters);
  }
  return byKey;
}

/** The stored shards of the day, added up per key. */
async function storedCounters(): Promise<Map<string, AnalyticsCounters>> {
  const snapshot = await ANALYTICS.ref(db).where("date", "==", DATE).get();
  const parts = new Map<string, AnalyticsCounters[]>();
  for (const doc of snapshot.docs) {
    const shard = doc.data();
    const key = `${shard.provider}_${shard.currency}_${shard.purpose}`;
    const { date: _date, provider: _p, currency: _c, purpose: _u, shard: _s, ...counters } = shard;
    parts.set(key, [...(parts.get(key) ?? []), counters]);
  }
  return new Map([...parts.entries()].map(([key, list]) => [key, mergeAnalytics(list)]));
}

function plain(map: Map<string, AnalyticsCounters>) {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every status change of every payment delivered again, in-process, at most `width` at once. */
async function redeliver(all: readonly Seed[], width = 16): Promise<void> {
  const deliveries = all.flatMap((seed) => [
    () => dispatchStatusChange(db, seed.id, undefined, seed.created, `dup-created-${seed.id}`),
    ...(seed.final ? [() => dispatchStatusChange(db, seed.id, seed.created, seed.final, `dup-final-${seed.id}`)] : []),
  ]);
  // Settlements before creations for every other payment: the order must not matter.
  deliveries.reverse();
  let index = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (index < deliveries.length) {
        const delivery = deliveries[index++];
        if (delivery) await delivery();
      }
    }),
  );
}

describe("payment analytics", () => {
  it("200 payments with random outcomes and duplicated trigger deliveries: the counters equal a recomputation", async () => {
    const all = seeds();
    const expected = plain(expectedCounters(all));
    // Created (the trigger counts each attempt), then settled (the trigger counts each outcome).
    const created = db.batch();
    for (const seed of all) created.create(PAYMENTS.ref(db).doc(seed.id), seed.created);
    await created.commit();
    // Redelivered while the real trigger is still working through the same changes.
    const racing = redeliver(all);
    const settled = db.batch();
    for (const seed of all) if (seed.final) settled.set(PAYMENTS.ref(db).doc(seed.id), seed.final);
    await settled.commit();
    await racing;

    // Equal as values: the histogram's keys come back in any order.
    const counted = await eventually(storedCounters, (found) => isDeepStrictEqual(plain(found), expected), 90_000);
    expect(plain(counted)).toEqual(expected);
    // Once more, every change, twice at once: nothing more is counted.
    await Promise.all([redeliver(all), redeliver(all)]);
    expect(plain(await storedCounters())).toEqual(expected);

    // The command agrees with the counters as they are…
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "./tools/ts-resolve.ts", "tools/admin.ts", "analytics", "rebuild", DATE],
      { cwd: ROOT, env: process.env },
    );
    expect(stdout).toMatch(
      new RegExp(
        `analytics for ${DATE} in the emulators \\(demo-malipo\\): ${COUNT} payments, \\d+ counter shards; the counters agreed with the recomputation\\.`,
      ),
    );
    expect(plain(await storedCounters())).toEqual(expected);

    // …and puts back a shard that was changed by hand.
    const victim = (await ANALYTICS.ref(db).where("date", "==", DATE).limit(1).get()).docs[0];
    if (!victim) throw new Error("no shard stored");
    await victim.ref.update({ attempts: FieldValue.increment(3), "settleBuckets.b03": FieldValue.increment(1) });
    const repaired = await rebuildAnalytics(db, DATE);
    expect(repaired).toMatchObject({ date: DATE, payments: COUNT, differed: [victim.id] });
    expect(plain(await storedCounters())).toEqual(expected);
  });
});
