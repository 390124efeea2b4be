// The payment document and its Firestore converter: every read goes through the schema.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { CURRENCY_CODES, PAYMENT_STATUSES, PROVIDERS, PURPOSES, type Purpose } from "../shared/catalog.js";

export { PROVIDERS, PURPOSES, type Purpose };

const timestamp = z.instanceof(Timestamp);

/**
 * What has been refunded of a succeeded payment (refunds/): written by the refunds feature next to
 * the payment's status, which never changes. `pending`: a refund is asked for and none has
 * completed yet; `partially-refunded` / `refunded`: by what the provider confirmed.
 */
export const PAYMENT_REFUND_STATES = ["pending", "partially-refunded", "refunded"] as const;
export const paymentRefundSummarySchema = z.object({
  state: z.enum(PAYMENT_REFUND_STATES),
  /** Minor units the provider confirmed back to the payer. */
  refundedAmount: z.number().int().min(0),
  /** Minor units of refunds asked for and not yet settled. */
  pendingAmount: z.number().int().min(0),
});
export type PaymentRefundSummary = z.infer<typeof paymentRefundSummarySchema>;

export const paymentSchema = z.object({
  uid: z.string(),
  purpose: z.enum(PURPOSES),
  provider: z.enum(PROVIDERS),
  amount: z.number().int(),
  currency: z.enum(CURRENCY_CODES),
  phone: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  reference: z.string().nullable(),
  /** The checkout an order payment pays (commerce/checkout.ts); absent on other payments. */
  checkoutId: z.string().optional(),
  /** The competition an entry pays for (entries/); absent or null for other purposes. */
  competitionId: z.string().nullable().optional(),
  status: z.enum(PAYMENT_STATUSES),
  providerReference: z.string().nullable(),
  /** The provider's hosted page the payer pays on (Paystack); absent for phone prompts. */
  checkoutUrl: z.string().nullable().optional(),
  receipt: z.string().nullable(),
  failureCode: z.string().nullable(),
  customerMessage: z.string(),
  idempotencyKey: z.string(),
  verified: z.boolean(),
  /** When createPayment finished talking to the provider (accepted, refused or timed out). */
  initiatedAt: timestamp.nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
  settledAt: timestamp.nullable(),
  /** Absent or null until a refund is asked for (refunds/). */
  refund: paymentRefundSummarySchema.nullable().optional(),
});
export type PaymentRecord = z.infer<typeof paymentSchema>;

export const PAYMENTS = defineCollection("payments", paymentSchema);

/** The answer for a payment id that does not exist or is not the caller's: the same, on purpose. */
export function noSuchPayment(): AppError {
  return new AppError("not-found", "paymentId: there is no such payment for you.");
}

export function paymentsCollection(db: Firestore) {
  return PAYMENTS.ref(db);
}

/** What callers of createPayment see. */
export interface PaymentView {
  readonly paymentId: string;
  readonly status: PaymentRecord["status"];
  readonly customerMessage: string;
  /** Open this to pay, when the provider takes the payment on its own page. */
  readonly checkoutUrl?: string;
}
