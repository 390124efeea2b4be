// The refunds feature's documents. Only functions write them; only operators read them
// (firestore.rules): they carry who asked and why and the providers' operator sentences. The payer
// sees a refund on the payment (payments/{id}.refund and the payment's events).
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { CURRENCY_CODES, PROVIDERS, PURPOSES } from "../shared/catalog.js";

const timestamp = z.instanceof(Timestamp);
const minor = z.number().int().min(0);

/**
 * sending: recorded (and the wallet held, for a top-up), the provider's answer to the request not
 * known yet; pending: the provider accepted it, its result is awaited; conflict: the provider's
 * result does not match what was asked (another amount or currency): nothing moves, an operator
 * decides; succeeded / failed: final.
 */
export const REFUND_STATES = ["sending", "pending", "conflict", "succeeded", "failed"] as const;
export type RefundState = (typeof REFUND_STATES)[number];
/** A terminal state never changes (money rule: terminal states are final). */
export const TERMINAL_REFUND_STATES: readonly RefundState[] = ["succeeded", "failed"];
/** States whose amount is still reserved against the payment (paymentRefunds.reserved). */
export const OPEN_REFUND_STATES: readonly RefundState[] = ["sending", "pending", "conflict"];

/**
 * How the money goes back: a Daraja Reversal of the M-Pesa payment (the whole payment, once), or a
 * payout (B2C, ioTec disbursement) to the number that paid, for partial refunds and providers
 * without reversals.
 */
export const REFUND_METHODS = ["reversal", "payout"] as const;
export type RefundMethod = (typeof REFUND_METHODS)[number];

/** refunds/{refundId}: one refund of a payment, from the operator's request to its outcome. */
export const REFUNDS = defineCollection(
  "refunds",
  z.object({
    paymentId: z.string(),
    /** The payer: the refund's owner. */
    uid: z.string(),
    /** The operator who asked for it, and why. */
    operatorUid: z.string(),
    reason: z.string(),
    requestHash: z.string(),
    purpose: z.enum(PURPOSES),
    provider: z.enum(PROVIDERS),
    method: z.enum(REFUND_METHODS),
    amount: minor,
    currency: z.enum(CURRENCY_CODES),
    /** What the payment was, for the proportional clawback and the messages. */
    paymentAmount: minor,
    /** Where a payout goes: the number that paid (E.164). */
    phone: z.string(),
    /** The receipt of the payment being reversed. */
    paymentReceipt: z.string().nullable(),
    /**
     * The ledger entry: a hold on the wallet for a top-up (posted on success, voided on failure),
     * else the reversing entry posted on success. Also the provider's idempotency key.
     */
    entryId: z.string(),
    holdsWallet: z.boolean(),
    /**
     * For a shop order: the merchant whose sale is refunded; its account pays the refund back
     * (the sale credited it). Absent on refunds recorded before orders were booked this way.
     */
    merchantId: z.string().nullable().optional(),
    state: z.enum(REFUND_STATES),
    providerReference: z.string().nullable(),
    receipt: z.string().nullable(),
    failureCode: z.string().nullable(),
    customerMessage: z.string(),
    operatorMessage: z.string().nullable(),
    /** Requests sent to the provider under entryId (payouts only are re-sent; reversals never). */
    sendCalls: z.number().int().min(0),
    /** Status requests made so far, and when the next is due (null once final or in conflict). */
    checks: z.number().int().min(0),
    nextCheckAt: timestamp.nullable(),
    /** When operators were told the refund has waited a day for its result. */
    alertedAt: timestamp.nullable(),
    /** Points taken back when it succeeded (points:{refundId}); null before. */
    pointsClawedBack: z.number().int().min(0).nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    settledAt: timestamp.nullable(),
  }),
);
export type RefundRecord = z.infer<(typeof REFUNDS)["schema"]>;

/** refunds/{refundId}/events/{eventId}: the audit trail: who asked, what each provider result said. */
export const REFUND_EVENTS = defineCollection(
  "refunds/{refundId}/events",
  z.object({
    at: timestamp,
    type: z.string(),
    from: z.enum(REFUND_STATES).nullable(),
    to: z.enum(REFUND_STATES),
    /** The operator for a request; "provider" or "requery" for results. */
    by: z.string(),
    detail: z.record(z.string(), z.unknown()),
  }),
);

/**
 * paymentRefunds/{paymentId}: what is reserved (open refunds) and refunded (succeeded) against one
 * payment. Every refund is created in the same commit that adds its amount to `reserved`, with an
 * "unchanged since read" precondition on this document, so however many operators refund at once,
 * reserved + refunded never passes `paid`.
 */
export const PAYMENT_REFUNDS = defineCollection(
  "paymentRefunds",
  z.object({
    uid: z.string(),
    currency: z.enum(CURRENCY_CODES),
    paid: minor,
    reserved: minor,
    refunded: minor,
    refundIds: z.array(z.string()),
    updatedAt: timestamp,
  }),
);
export type PaymentRefundsRecord = z.infer<(typeof PAYMENT_REFUNDS)["schema"]>;
