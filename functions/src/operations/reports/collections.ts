// The operations reports' documents: the daily reconciliation report and the payment analytics
// counters. Only functions write them; operators (the admin claim) read them in the console.
// docs/operations.md describes every field; the console (another feature) reads these shapes only.
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../../core/collections.js";
import { RECONCILIATION_KINDS } from "../../shared/analytics.js";
import { CURRENCY_CODES, PAYMENT_STATUSES, PROVIDERS, PURPOSES } from "../../shared/catalog.js";

const timestamp = z.instanceof(Timestamp);
const minor = z.number().int();
const count = z.number().int().min(0);

/** What the report is about: a collection (payment), a bill, a withdrawal, or a provider record alone. */
export const RECONCILIATION_SUBJECTS = ["payment", "bill", "withdrawal", "provider-record"] as const;

/** One line an operator can act on. Amounts in minor units; null where that side has nothing. */
export const reconciliationLineSchema = z.object({
  kind: z.enum(RECONCILIATION_KINDS),
  subject: z.enum(RECONCILIATION_SUBJECTS),
  /** The payment, bill or withdrawal id; null for a provider record no local document claims. */
  id: z.string().nullable(),
  provider: z.string(),
  providerReference: z.string().nullable(),
  /** The local document's status, and what the provider's records say (its best outcome). */
  localStatus: z.string().nullable(),
  providerOutcome: z.string().nullable(),
  localAmount: minor.nullable(),
  localCurrency: z.string().nullable(),
  providerAmount: minor.nullable(),
  providerCurrency: z.string().nullable(),
  /** The fields that differ (amount, currency, phone) on an amount-mismatch; empty otherwise. */
  mismatched: z.array(z.string()),
  /** When the local document was created (or the provider record received), ISO 8601 UTC. */
  at: z.string(),
  /** One sentence: what happened and what the operator should do. */
  action: z.string(),
});
export type ReconciliationLine = z.infer<typeof reconciliationLineSchema>;

/** The ledger's nightly check (ledger/check.ts) as the report carries it. */
export const reportLedgerSchema = z.object({
  /** The ledgerChecks document used: the first check after the day ended (the next day's, 02:00). */
  checkDate: z.string(),
  status: z.enum(["balanced", "differences", "not-run"]),
  entriesChecked: count,
  accountsChecked: count,
  unbalancedEntries: count,
  accountDifferences: count,
  malformed: count,
  /** Per currency, posted debits and credits (equal when balanced); sorted by currency. */
  currencies: z.array(z.object({ currency: z.string(), debits: minor, credits: minor })),
});

/**
 * reconciliationReports/{date}: one Nairobi calendar day (YYYY-MM-DD). Every field but lastRunAt
 * is a function of the day's records, so running the report again over unchanged records writes
 * the same document (money rule 21); `digest` is the SHA-256 of those fields.
 */
export const RECONCILIATION_REPORTS = defineCollection(
  "reconciliationReports",
  z.object({
    date: z.string(),
    timeZone: z.string(),
    /** The day's window, [from, to), as ISO 8601 UTC instants. */
    from: z.string(),
    to: z.string(),
    /** How many of each input the report read. */
    inputs: z.object({ payments: count, providerRecords: count, bills: count, withdrawals: count }),
    /** Lines per kind (matched included); the exceptions are every kind but matched. */
    counts: z.record(z.enum(RECONCILIATION_KINDS), count),
    /** Payments that are neither matched nor an exception: closed without money, or still within their limit. */
    unexceptional: z.object({ closed: count, inFlight: count }),
    /** Matched money per currency, sorted by currency. */
    matchedTotals: z.array(z.object({ currency: z.string(), count, amount: minor })),
    /** The exception lines, sorted by kind, then time, then id; at most REPORT_MAX_LINES. */
    exceptions: z.array(reconciliationLineSchema),
    /** How many exception lines were left out past REPORT_MAX_LINES (counts has them all). */
    exceptionsLeftOut: count,
    ledger: reportLedgerSchema,
    /** No exception and a balanced ledger. */
    ok: z.boolean(),
    digest: z.string(),
    /** The only field that changes between runs over the same records. */
    lastRunAt: timestamp,
  }),
);
export type ReconciliationReport = z.infer<typeof RECONCILIATION_REPORTS.schema>;

/**
 * analytics/{date}_{provider}_{currency}_{purpose}_{shard}: one shard of one day's payment
 * counters (day = the payment's creation day in Nairobi). A key's counters are the sum of its
 * shards (shared/analytics.ts mergeAnalytics, then summarise for rate and percentiles). Counters
 * only ever add, so any set of shards, days or providers merges by summing.
 */
export const ANALYTICS = defineCollection(
  "analytics",
  z.object({
    date: z.string(),
    provider: z.enum(PROVIDERS),
    currency: z.enum(CURRENCY_CODES),
    purpose: z.enum(PURPOSES),
    shard: z.number().int().min(0),
    /** Payments created. */
    attempts: count.default(0),
    succeeded: count.default(0),
    failed: count.default(0),
    cancelled: count.default(0),
    expired: count.default(0),
    conflict: count.default(0),
    /** Sum of succeeded payments' amounts, minor units. */
    revenue: minor.default(0),
    /** Sum of the fees Malipo charged on succeeded payments, minor units (payments carry none today). */
    fees: minor.default(0),
    /**
     * Succeeded payments by creation→settlement time, a fixed histogram: settleBuckets[bucketKey(i)]
     * counts those above ANALYTICS_BUCKETS_MS[i-1] and at most ANALYTICS_BUCKETS_MS[i]; the last
     * key counts everything slower. Keys never seen are absent (zero).
     */
    settleBuckets: z.record(z.string().regex(/^b\d{2}$/), count).default({}),
    /** Sum of those times, ms (for a mean). */
    settleMsTotal: z.number().int().min(0).default(0),
  }),
);
export type AnalyticsShard = z.infer<typeof ANALYTICS.schema>;

/**
 * analyticsMarks/{paymentId}_{transition}: a payment's transition (created, or the final status)
 * was counted. Written in the same transaction as the counters, so a trigger delivered twice
 * counts once. expiresAt lets a TTL policy remove it long after any redelivery.
 */
export const ANALYTICS_MARKS = defineCollection(
  "analyticsMarks",
  z.object({
    paymentId: z.string(),
    transition: z.union([z.literal("created"), z.enum(PAYMENT_STATUSES)]),
    shardId: z.string(),
    at: timestamp,
    expiresAt: timestamp,
  }),
);
