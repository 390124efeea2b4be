// The operations reports' vocabulary, shared by the functions that write them and the console
// pages that read them (so it depends on nothing): the reconciliation report's kinds, and the
// analytics counters' histogram, merge and summary.

/**
 * How the daily report sorts each payment and provider record (docs/operations.md): matched, or
 * one of the four exceptions.
 */
export const RECONCILIATION_KINDS = [
  "matched",
  "provider-success-unmatched",
  "local-success-unconfirmed",
  "amount-mismatch",
  "pending-past-limit",
] as const;
export type ReconciliationKind = (typeof RECONCILIATION_KINDS)[number];

/**
 * Upper bounds (ms) of the settlement-time histogram's buckets; one more bucket takes everything
 * slower. Fixed forever: counters from any day, shard or provider add up bucket by bucket.
 */
export const ANALYTICS_BUCKETS_MS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 45_000, 60_000, 90_000, 120_000, 180_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 86_400_000,
] as const;
export const ANALYTICS_BUCKET_COUNT = ANALYTICS_BUCKETS_MS.length + 1;
export const ANALYTICS_BUCKET_KEYS: readonly string[] = Array.from({ length: ANALYTICS_BUCKET_COUNT }, (_, i) =>
  bucketKey(i),
);

/** "b00" … "b20": a map key Firestore can increment by field path. */
export function bucketKey(index: number): string {
  return `b${String(index).padStart(2, "0")}`;
}

/** The bucket a settlement time falls in. */
export function bucketOf(ms: number): number {
  const index = ANALYTICS_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return index === -1 ? ANALYTICS_BUCKETS_MS.length : index;
}

export interface AnalyticsCounters {
  attempts: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  expired: number;
  conflict: number;
  revenue: number;
  fees: number;
  settleBuckets: Record<string, number>;
  settleMsTotal: number;
}

export const COUNTER_FIELDS = [
  "attempts",
  "succeeded",
  "failed",
  "cancelled",
  "expired",
  "conflict",
  "revenue",
  "fees",
  "settleMsTotal",
] as const;

export function emptyCounters(): AnalyticsCounters {
  return {
    attempts: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    expired: 0,
    conflict: 0,
    revenue: 0,
    fees: 0,
    settleBuckets: {},
    settleMsTotal: 0,
  };
}

/** Sums counters (shards of a key, or several days or providers): they only ever add. */
export function mergeAnalytics(parts: readonly AnalyticsCounters[]): AnalyticsCounters {
  const total = emptyCounters();
  for (const part of parts) {
    for (const field of COUNTER_FIELDS) total[field] += part[field];
    for (const [key, value] of Object.entries(part.settleBuckets)) {
      if (value !== 0) total.settleBuckets[key] = (total.settleBuckets[key] ?? 0) + value;
    }
  }
  return total;
}

export interface AnalyticsSummary {
  /** Payments that reached a final status. */
  readonly settled: number;
  /** succeeded / settled; null before anything settled. */
  readonly successRate: number | null;
  /**
   * Creation→settlement of succeeded payments: the upper bound of the bucket holding the median
   * and the 95th percentile (null for "slower than the last bound" and with no successes).
   */
  readonly medianMs: number | null;
  readonly p95Ms: number | null;
  readonly meanMs: number | null;
}

/** The bucket bound under which at least `fraction` of the histogram's values lie. */
export function percentileMs(buckets: Readonly<Record<string, number>>, fraction: number): number | null {
  const counts = Array.from({ length: ANALYTICS_BUCKET_COUNT }, (_, i) => buckets[bucketKey(i)] ?? 0);
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * total));
  let seen = 0;
  for (const [i, n] of counts.entries()) {
    seen += n;
    if (seen >= rank) return ANALYTICS_BUCKETS_MS[i] ?? null;
  }
  return null;
}

export function summarise(counters: AnalyticsCounters): AnalyticsSummary {
  const settled = counters.succeeded + counters.failed + counters.cancelled + counters.expired + counters.conflict;
  return {
    settled,
    successRate: settled === 0 ? null : counters.succeeded / settled,
    medianMs: percentileMs(counters.settleBuckets, 0.5),
    p95Ms: percentileMs(counters.settleBuckets, 0.95),
    meanMs: counters.succeeded === 0 ? null : Math.round(counters.settleMsTotal / counters.succeeded),
  };
}
