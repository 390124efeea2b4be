// getPaymentStatus: a payment's current state for its owner, for clients that poll instead of
// listening to Firestore (server-side integrations, USSD and point-of-sale front ends). Reads only;
// counted as a frequent operation.
import type { Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { noSuchPayment, paymentsCollection, type PaymentRecord, type PaymentRefundSummary } from "./records.js";
import type { GetPaymentStatusInput } from "./schemas.js";

export interface PaymentStatusView {
  readonly paymentId: string;
  readonly status: PaymentRecord["status"];
  readonly customerMessage: string;
  readonly purpose: PaymentRecord["purpose"];
  readonly provider: PaymentRecord["provider"];
  readonly amount: number;
  readonly currency: PaymentRecord["currency"];
  readonly receipt: string | null;
  readonly verified: boolean;
  readonly createdAt: string;
  readonly settledAt: string | null;
  /** What has been refunded (the status stays `succeeded`); null when no refund was asked for. */
  readonly refund: PaymentRefundSummary | null;
}

export async function getPaymentStatus(
  input: GetPaymentStatusInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<PaymentStatusView> {
  const { db } = deps;
  const ref = paymentsCollection(db).doc(input.paymentId);
  await enforceRateLimits(db, "getPaymentStatus", caller, deps.now());
  const payment = (await ref.get()).data();
  if (payment?.uid !== caller.uid) throw noSuchPayment();
  return {
    paymentId: ref.id,
    status: payment.status,
    customerMessage: payment.customerMessage,
    purpose: payment.purpose,
    provider: payment.provider,
    amount: payment.amount,
    currency: payment.currency,
    receipt: payment.receipt,
    verified: payment.verified,
    createdAt: payment.createdAt.toDate().toISOString(),
    settledAt: payment.settledAt?.toDate().toISOString() ?? null,
    refund: payment.refund ?? null,
  };
}
