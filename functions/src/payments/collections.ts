// The payment feature's documents besides the payment itself (payments/records.ts): its audit
// trail, idempotency keys, duplicate guards, provider callbacks as received, the reference index,
// unanswered provider requests, and operator alerts.
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { CURRENCY_CODES, PAYMENT_STATUSES, PROVIDERS } from "../shared/catalog.js";

const timestamp = z.instanceof(Timestamp);

/** payments/{id}/events: every change of a payment, in order. */
export const EVENTS = defineCollection(
  "payments/{paymentId}/events",
  z.object({
    type: z.string(),
    from: z.enum(PAYMENT_STATUSES).nullable(),
    to: z.enum(PAYMENT_STATUSES).nullable(),
    data: z.record(z.string(), z.unknown()),
    at: timestamp,
  }),
);

/** idempotencyKeys/{sha256(uid|key)}: the payment a caller's key created, and what it asked. */
export const IDEMPOTENCY_KEYS = defineCollection(
  "idempotencyKeys",
  z.object({ uid: z.string(), paymentId: z.string(), requestHash: z.string(), createdAt: timestamp }),
);

/** paymentGuards/{sha256(uid|phone|amount|currency|purpose)}: the open payment a duplicate returns. */
export const PAYMENT_GUARDS = defineCollection("paymentGuards", z.object({ paymentId: z.string(), until: timestamp }));

/** A provider's report as stored: Malipo's normalised shape, never the wire format. */
export const storedStatusSchema = z.object({
  outcome: z.enum(["pending", "succeeded", "failed", "cancelled", "expired"]),
  providerReference: z.string(),
  customerMessage: z.string(),
  receipt: z.string().optional(),
  amount: z.number().optional(),
  currency: z.enum(CURRENCY_CODES).optional(),
  phone: z.string().optional(),
  failureCode: z.string().optional(),
});

/** providerEvents/{provider}_{hash(eventKey)}: each callback once, matched or kept for later. */
export const PROVIDER_EVENTS = defineCollection(
  "providerEvents",
  z.object({
    provider: z.enum(PROVIDERS),
    eventKey: z.string(),
    providerReference: z.string(),
    outcome: storedStatusSchema.shape.outcome,
    status: storedStatusSchema,
    raw: z.unknown(),
    receivedAt: timestamp,
    matched: z.boolean(),
    paymentId: z.string().nullable(),
  }),
);

/** providerRefs/{provider}_{hash(reference)}: the payment a provider reference belongs to. */
export const PROVIDER_REFS = defineCollection(
  "providerRefs",
  z.object({
    provider: z.enum(PROVIDERS),
    providerReference: z.string(),
    paymentId: z.string().nullable().optional(),
    unmatchedEvents: z.array(z.string()).optional(),
  }),
);

/**
 * unansweredRequests/{provider}_{hash(phone|amount)}: payments whose request to the provider got
 * no answer (it may have acted on it), by payer and amount. A success callback naming a reference
 * we never learnt finds its payment here by key, without a query; only the rare unanswered
 * request writes one.
 */
export const UNANSWERED_REQUESTS = defineCollection(
  "unansweredRequests",
  z.object({
    provider: z.enum(PROVIDERS),
    phone: z.string(),
    amount: z.number().int(),
    paymentIds: z.array(z.string()),
  }),
);

/**
 * alerts/{id}: something an operator must look at. Two kinds share the collection: one-off alerts
 * about one thing (a conflict, a ledger difference; `resolved` stays false until someone acts),
 * and rule alerts (operations/evaluate-alerts.ts, id `rule:{rule}:{scope}`) that open and resolve
 * by themselves as their condition holds or clears, with a timeline of their transitions.
 */
export const ALERTS = defineCollection(
  "alerts",
  z.object({
    type: z.string(),
    paymentId: z.string().optional(),
    detail: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
    resolved: z.boolean(),
    // Rule alerts only:
    rule: z.string().optional(),
    scope: z.string().optional(),
    state: z.enum(["open", "resolved"]).optional(),
    message: z.string().optional(),
    openedAt: timestamp.optional(),
    resolvedAt: timestamp.nullable().optional(),
    updatedAt: timestamp.optional(),
    /** Transitions so far: the last timeline entry's number. */
    transitions: z.number().int().optional(),
  }),
);
