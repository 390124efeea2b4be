// Analytics arithmetic (analytics.ts, shared/analytics.ts): what each transition adds, the fixed
// histogram and its percentiles, and counters that merge by adding.
import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import type { PaymentRecord } from "../../payments/records.js";
import {
  ANALYTICS_BUCKETS_MS,
  bucketKey,
  bucketOf,
  emptyCounters,
  mergeAnalytics,
  percentileMs,
  summarise,
} from "../../shared/analytics.js";
import {
  ANALYTICS_SHARDS,
  contribution,
  countedTransitions,
  recompute,
  sameCounters,
  shardDocId,
  shardOf,
} from "./analytics.js";

const created = Timestamp.fromMillis(Date.UTC(2026, 11, 2, 21, 30)); // 2026-12-03 00:30 in Nairobi

function payment(overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    uid: "u",
    purpose: "wallet-topup",
    provider: "mpesa",
    amount: 250_00,
    currency: "KES",
    phone: "+254712000003",
    email: null,
    name: null,
    reference: null,
    status: "succeeded",
    providerReference: "ws_1",
    receipt: null,
    failureCode: null,
    customerMessage: "",
    idempotencyKey: "k",
    verified: false,
    initiatedAt: created,
    createdAt: created,
    updatedAt: created,
    settledAt: Timestamp.fromMillis(created.toMillis() + 42_000),
    ...overrides,
  };
}

describe("analytics counters", () => {
  it("counts the creation, and the final status once there is one", () => {
    expect(countedTransitions(payment({ status: "processing" }))).toEqual(["created"]);
    expect(countedTransitions(payment())).toEqual(["created", "succeeded"]);
    expect(contribution(payment(), "created")).toEqual({ ...emptyCounters(), attempts: 1 });
    expect(contribution(payment(), "succeeded")).toEqual({
      ...emptyCounters(),
      succeeded: 1,
      revenue: 250_00,
      settleBuckets: { [bucketKey(bucketOf(42_000))]: 1 },
      settleMsTotal: 42_000,
    });
    expect(contribution(payment({ status: "expired" }), "expired")).toEqual({ ...emptyCounters(), expired: 1 });
  });

  it("files a payment under its creation day in Nairobi and one of 8 shards", () => {
    const id = "payment-1";
    expect(shardOf(id)).toBeGreaterThanOrEqual(0);
    expect(shardOf(id)).toBeLessThan(ANALYTICS_SHARDS);
    expect(shardDocId(id, payment())).toBe(`2026-12-03_mpesa_KES_wallet-topup_${shardOf(id)}`);
    const shards = new Set(Array.from({ length: 200 }, (_, i) => shardOf(`p${i}`)));
    expect(shards.size).toBe(ANALYTICS_SHARDS);
  });

  it("recomputes a day's shards from the payments", () => {
    const shards = recompute([
      { id: "a", payment: payment() },
      { id: "a2", payment: payment({ status: "failed", settledAt: created }) },
    ]);
    const merged = mergeAnalytics([...shards.values()]);
    expect(merged).toMatchObject({ attempts: 2, succeeded: 1, failed: 1, revenue: 250_00, settleMsTotal: 42_000 });
  });

  it("compares counters by value, an absent bucket being zero", () => {
    const a = { ...emptyCounters(), attempts: 1, settleBuckets: { b03: 1, b04: 0 } };
    const b = { ...emptyCounters(), attempts: 1, settleBuckets: { b03: 1 } };
    expect(sameCounters(a, b)).toBe(true);
    expect(sameCounters(a, { ...b, attempts: 2 })).toBe(false);
  });
});

describe("the settlement-time histogram", () => {
  it("puts a time in the first bucket whose bound it does not exceed", () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(1_000)).toBe(0);
    expect(bucketOf(1_001)).toBe(1);
    expect(bucketOf(10 * 86_400_000)).toBe(ANALYTICS_BUCKETS_MS.length);
  });

  it("gives the median and p95 as bucket bounds, and the success rate", () => {
    // 10 successes: 9 within 10 s, 1 within 5 minutes.
    const counters = {
      ...emptyCounters(),
      succeeded: 10,
      failed: 2,
      expired: 3,
      settleBuckets: { [bucketKey(bucketOf(8_000))]: 9, [bucketKey(bucketOf(200_000))]: 1 },
      settleMsTotal: 9 * 8_000 + 200_000,
    };
    expect(summarise(counters)).toEqual({
      settled: 15,
      successRate: 10 / 15,
      medianMs: 10_000,
      p95Ms: 300_000,
      meanMs: 27_200,
    });
    expect(percentileMs({}, 0.5)).toBeNull();
    expect(summarise(emptyCounters())).toMatchObject({ successRate: null, medianMs: null, meanMs: null });
  });

  it("merges by adding, whatever the grouping", () => {
    const one = { ...emptyCounters(), attempts: 2, settleBuckets: { b01: 1 } };
    const two = { ...emptyCounters(), attempts: 3, settleBuckets: { b01: 2, b05: 1 } };
    const three = { ...emptyCounters(), revenue: 7 };
    expect(mergeAnalytics([mergeAnalytics([one, two]), three])).toEqual(
      mergeAnalytics([one, mergeAnalytics([two, three])]),
    );
    expect(mergeAnalytics([one, two]).settleBuckets).toEqual({ b01: 3, b05: 1 });
  });
});
