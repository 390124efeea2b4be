// Payment analytics (docs/operations.md): per day (the payment's creation day in Nairobi) ×
// provider × currency × purpose, counters kept by the settlement dispatch (a handler on every
// payment status change) and recomputable from the payments (`npm run admin -- analytics
// rebuild <date>`). Money rule 21b.
//
// Idempotent per event: a payment's creation and its final status are each counted once, marked
// by analyticsMarks/{paymentId}_{transition}, created in the same transaction as the increments,
// so a trigger delivered twice (or the creation's delivery arriving after the settlement's)
// counts once. Only what the event's `after` says is used: its final status never changes.
//
// Sharded: the platform takes 30–45 payments a second in the benchmarks (docs/performance.md),
// nearly all of them one provider, currency and purpose, and a single document sustains about
// one transactional write a second before transactions start to contend and retry. Eight shards
// per key (chosen by the payment id's hash) take that load as blind increments; readers add them
// up (mergeAnalytics).
import { createHash } from "node:crypto";

import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";

import { getAllTyped } from "../../core/collections.js";
import type { StatusChange } from "../../payments/settlement.js";
import { PAYMENTS, type PaymentRecord } from "../../payments/records.js";
import { isTerminal } from "../../payments/status.js";
import {
  bucketKey,
  bucketOf,
  COUNTER_FIELDS,
  emptyCounters,
  mergeAnalytics,
  type AnalyticsCounters,
} from "../../shared/analytics.js";
import type { PaymentStatus } from "../../shared/catalog.js";
import { ANALYTICS, ANALYTICS_MARKS, type AnalyticsShard } from "./collections.js";
import { dayOf, dayWindow } from "./days.js";
import { REPORT_TIME_ZONE } from "./schedule-options.js";

export const ANALYTICS_SHARDS = 8;
/** Marks outlive any redelivery of their event (Functions retries for up to 7 days) by far. */
const MARK_TTL_MS = 30 * 24 * 60 * 60_000;

type Transition = "created" | PaymentStatus;
type Counted = Pick<
  PaymentRecord,
  "provider" | "currency" | "purpose" | "amount" | "createdAt" | "settledAt" | "status"
>;

export function shardOf(paymentId: string): number {
  return createHash("sha256").update(paymentId).digest().readUInt32BE(0) % ANALYTICS_SHARDS;
}

export function analyticsDate(payment: Pick<PaymentRecord, "createdAt">): string {
  return dayOf(payment.createdAt.toMillis(), REPORT_TIME_ZONE);
}

/** analytics/{date}_{provider}_{currency}_{purpose}_{shard} */
export function shardDocId(paymentId: string, payment: Counted): string {
  return `${analyticsDate(payment)}_${payment.provider}_${payment.currency}_${payment.purpose}_${shardOf(paymentId)}`;
}

/** The transitions of a payment that count: its creation, and its final status once it has one. */
export function countedTransitions(payment: Pick<PaymentRecord, "status">): Transition[] {
  return isTerminal(payment.status) ? ["created", payment.status] : ["created"];
}

/** What one transition adds to its key's counters. */
export function contribution(payment: Counted, transition: Transition): AnalyticsCounters {
  const counters = emptyCounters();
  if (transition === "created") {
    counters.attempts = 1;
    return counters;
  }
  if (transition === "succeeded") {
    counters.succeeded = 1;
    counters.revenue = payment.amount;
    // Collections carry no Malipo fee today; bills and withdrawals carry theirs in their own documents.
    counters.fees = 0;
    const settledAt = payment.settledAt ?? payment.createdAt;
    const ms = Math.max(0, settledAt.toMillis() - payment.createdAt.toMillis());
    counters.settleBuckets[bucketKey(bucketOf(ms))] = 1;
    counters.settleMsTotal = ms;
  } else if (
    transition === "failed" ||
    transition === "cancelled" ||
    transition === "expired" ||
    transition === "conflict"
  ) {
    counters[transition] = 1;
  }
  return counters;
}

function markRef(db: Firestore, paymentId: string, transition: Transition) {
  return ANALYTICS_MARKS.ref(db).doc(`${paymentId}_${transition}`);
}

function identity(shardId: string, payment: Counted, shard: number) {
  return {
    date: shardId.slice(0, 10),
    provider: payment.provider,
    currency: payment.currency,
    purpose: payment.purpose,
    shard,
  };
}

/** The counters as Firestore increments, for a blind merge into the shard. */
function increments(counters: AnalyticsCounters): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const field of COUNTER_FIELDS) {
    if (counters[field] !== 0) fields[field] = FieldValue.increment(counters[field]);
  }
  const buckets = Object.entries(counters.settleBuckets).filter(([, n]) => n !== 0);
  if (buckets.length > 0) {
    fields.settleBuckets = Object.fromEntries(buckets.map(([key, n]) => [key, FieldValue.increment(n)]));
  }
  return fields;
}

/** Counts what this change shows of the payment that was not counted yet. Returns how many transitions it counted. */
export async function countPayment(db: Firestore, paymentId: string, payment: PaymentRecord): Promise<number> {
  const transitions = countedTransitions(payment);
  const shard = shardOf(paymentId);
  const shardId = shardDocId(paymentId, payment);
  const shardRef = ANALYTICS.ref(db).doc(shardId);
  return db.runTransaction(async (tx) => {
    const marks = await Promise.all(transitions.map((t) => tx.get(markRef(db, paymentId, t))));
    const todo = transitions.filter((_, i) => !marks[i]?.exists);
    if (todo.length === 0) return 0;
    const counters = mergeAnalytics(todo.map((t) => contribution(payment, t)));
    // Blind increments: the shard is never read here, so counting never contends on a read.
    tx.set(shardRef, { ...identity(shardId, payment, shard), ...increments(counters) }, { merge: true });
    const now = Date.now();
    for (const transition of todo) {
      tx.create(markRef(db, paymentId, transition), {
        paymentId,
        transition,
        shardId,
        at: Timestamp.fromMillis(now),
        expiresAt: Timestamp.fromMillis(now + MARK_TTL_MS),
      });
    }
    return todo.length;
  });
}

/** The settlement handler (payments/settlement.ts): every status change of every payment. */
export async function countStatusChange(db: Firestore, change: StatusChange): Promise<void> {
  await countPayment(db, change.paymentId, change.after);
}

function countersOf(shard: AnalyticsShard): AnalyticsCounters {
  return {
    attempts: shard.attempts,
    succeeded: shard.succeeded,
    failed: shard.failed,
    cancelled: shard.cancelled,
    expired: shard.expired,
    conflict: shard.conflict,
    revenue: shard.revenue,
    fees: shard.fees,
    settleBuckets: { ...shard.settleBuckets },
    settleMsTotal: shard.settleMsTotal,
  };
}

/** Equal counters, a bucket absent and a bucket at zero being the same. */
export function sameCounters(a: AnalyticsCounters, b: AnalyticsCounters): boolean {
  if (COUNTER_FIELDS.some((field) => a[field] !== b[field])) return false;
  const keys = new Set([...Object.keys(a.settleBuckets), ...Object.keys(b.settleBuckets)]);
  return [...keys].every((key) => (a.settleBuckets[key] ?? 0) === (b.settleBuckets[key] ?? 0));
}

/** A day's counters per shard id, from the payments as they are now (pure). */
export function recompute(payments: readonly { id: string; payment: PaymentRecord }[]): Map<string, AnalyticsShard> {
  const shards = new Map<string, AnalyticsShard>();
  for (const { id, payment } of payments) {
    const shardId = shardDocId(id, payment);
    const previous = shards.get(shardId);
    const counters = mergeAnalytics([
      ...(previous ? [countersOf(previous)] : []),
      ...countedTransitions(payment).map((t) => contribution(payment, t)),
    ]);
    shards.set(shardId, { ...identity(shardId, payment, shardOf(id)), ...counters });
  }
  return shards;
}

export interface RebuildResult {
  readonly date: string;
  readonly payments: number;
  readonly shards: number;
  /** Shard ids whose stored counters differed from the recomputation (now rewritten). */
  readonly differed: readonly string[];
}

/**
 * Recomputes a day's counters from its payments and writes them where they differ, in one
 * transaction that also reads the payments and their marks: a payment settling meanwhile waits
 * for it, and every transition counted is marked, so no later delivery counts it again.
 */
export async function rebuildAnalytics(db: Firestore, date: string): Promise<RebuildResult> {
  const { fromMs, toMs } = dayWindow(date, REPORT_TIME_ZONE);
  return db.runTransaction(async (tx) => {
    const [paymentDocs, storedDocs] = await Promise.all([
      tx.get(
        PAYMENTS.ref(db)
          .where("createdAt", ">=", Timestamp.fromMillis(fromMs))
          .where("createdAt", "<", Timestamp.fromMillis(toMs)),
      ),
      tx.get(ANALYTICS.ref(db).where("date", "==", date)),
    ]);
    const payments = paymentDocs.docs.map((doc) => ({ id: doc.id, payment: doc.data() }));
    const wanted = payments.flatMap(({ id, payment }) =>
      countedTransitions(payment).map((transition) => ({ id, payment, transition })),
    );
    const marks = await getAllTyped(
      db,
      wanted.map(({ id, transition }) => markRef(db, id, transition)),
    );
    const expected = recompute(payments);
    const stored = new Map(storedDocs.docs.map((doc) => [doc.id, doc.data()]));
    const differed: string[] = [];
    for (const shardId of [...new Set([...expected.keys(), ...stored.keys()])].sort()) {
      const want = expected.get(shardId);
      const have = stored.get(shardId);
      if (want && have && sameCounters(countersOf(want), countersOf(have))) continue;
      differed.push(shardId);
      const ref = ANALYTICS.ref(db).doc(shardId);
      if (want) tx.set(ref, want);
      else tx.delete(ref);
    }
    const now = Date.now();
    wanted.forEach(({ id, payment, transition }, i) => {
      if (marks[i]?.exists) return;
      tx.create(markRef(db, id, transition), {
        paymentId: id,
        transition,
        shardId: shardDocId(id, payment),
        at: Timestamp.fromMillis(now),
        expiresAt: Timestamp.fromMillis(now + MARK_TTL_MS),
      });
    });
    return { date, payments: payments.length, shards: expected.size, differed };
  });
}
