// The operations feature's documents besides alerts/{id} (payments/collections.ts declares it, with
// the rule alerts' fields): each rule alert's timeline, the per-minute counters the callables'
// edge keeps of unexpected errors and slow answers, and readings of balances Malipo does not hold
// itself (a payout account's float as the provider reports it).
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";

const timestamp = z.instanceof(Timestamp);

/** alerts/{id}/timeline/{n}: the n-th transition of a rule alert (1 opened, 2 resolved, 3 opened...). */
export const ALERT_TIMELINE = defineCollection(
  "alerts/{alertId}/timeline",
  z.object({
    kind: z.enum(["opened", "resolved"]),
    /** The transition's number: also the id, and part of its mails' ids. */
    seq: z.number().int().positive(),
    message: z.string(),
    detail: z.record(z.string(), z.unknown()),
    at: timestamp,
  }),
);

/**
 * opsCounters/{kind}:{yyyyMMddHHmm}: how many callable answers of a kind (`error`: an unexpected
 * error answered as `internal`; `slow`: an answer that took more than 5 s) fell in that UTC
 * minute, in all and by callable. Incremented without a read; the alert rules read a few minutes.
 */
export const OPS_COUNTERS = defineCollection(
  "opsCounters",
  z.object({
    kind: z.enum(["error", "slow"]),
    minute: timestamp,
    count: z.number().int(),
    byName: z.record(z.string(), z.number().int()),
  }),
);

/**
 * opsReadings/{kind}:{provider}:{currency}:{source}: a balance a provider reported (the payout
 * account's float after a payout), one document per report so that readings never overwrite one
 * another; the alert rules take the latest per provider and currency.
 */
export const OPS_READINGS = defineCollection(
  "opsReadings",
  z.object({
    kind: z.literal("payout-float"),
    provider: z.string(),
    currency: z.string(),
    /** Minor units. */
    amount: z.number().int(),
    source: z.string(),
    reportedAt: timestamp,
  }),
);
