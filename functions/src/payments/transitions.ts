// Applying status changes: always inside a transaction, always checked against the state machine,
// always with an audit event appended to payments/{id}/events.
import { FieldValue, type DocumentReference, type Firestore, type Transaction } from "firebase-admin/firestore";

import type { CollectionStatus } from "../providers/collections.js";
import { ALERTS, EVENTS } from "./collections.js";
import type { PaymentRecord } from "./records.js";
import { canTransition, isTerminal, type PaymentStatus } from "./status.js";

export interface PaymentEvent {
  readonly type: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export function appendEvent(
  tx: Transaction,
  ref: DocumentReference,
  event: PaymentEvent & { from?: PaymentStatus; to?: PaymentStatus },
): void {
  tx.create(EVENTS.under(ref).doc(), {
    type: event.type,
    from: event.from ?? null,
    to: event.to ?? null,
    data: event.data ?? {},
    at: FieldValue.serverTimestamp(),
  });
}

/** Moves the payment to `to`; refuses transitions the state machine does not allow. */
export type PaymentChanges = Partial<
  Pick<PaymentRecord, "providerReference" | "receipt" | "failureCode" | "customerMessage">
>;

/**
 * Moves the payment to `to`; refuses transitions the state machine does not allow. `extra` holds
 * other fields for the same write (a document is written once per transaction).
 */
export function transition(
  tx: Transaction,
  ref: DocumentReference<PaymentRecord>,
  current: PaymentRecord,
  to: PaymentStatus,
  changes: PaymentChanges,
  event: PaymentEvent,
  extra: Readonly<Record<string, unknown>> = {},
): void {
  if (!canTransition(current.status, to)) {
    throw new Error(`payment ${ref.id}: ${current.status} → ${to} is not an allowed transition`);
  }
  tx.update(ref, {
    ...extra,
    ...changes,
    status: to,
    updatedAt: FieldValue.serverTimestamp(),
    ...(isTerminal(to) ? { settledAt: FieldValue.serverTimestamp() } : {}),
  });
  appendEvent(tx, ref, { ...event, from: current.status, to });
}

export function raiseAlert(
  db: Firestore,
  tx: Transaction,
  alert: { type: string; paymentId: string; detail: Record<string, unknown> },
): void {
  tx.create(ALERTS.ref(db).doc(), { ...alert, createdAt: FieldValue.serverTimestamp(), resolved: false });
}

/** Differences between what we asked for and what the provider reports (only fields it reports). */
export function mismatches(payment: PaymentRecord, status: CollectionStatus): string[] {
  const found: string[] = [];
  if (status.amount !== undefined && status.amount !== payment.amount) found.push("amount");
  if (status.currency !== undefined && status.currency !== payment.currency) found.push("currency");
  if (status.phone !== undefined && status.phone !== payment.phone) found.push("phone");
  return found;
}

/**
 * Applies what a provider says about a payment (callback, re-query or initiation): terminal
 * payments never change (a late report is only recorded), a mismatch in amount, currency or
 * payer is a conflict with an alert, anything else follows the provider's outcome.
 */
export function applyProviderStatus(
  db: Firestore,
  tx: Transaction,
  ref: DocumentReference<PaymentRecord>,
  payment: PaymentRecord,
  status: CollectionStatus,
  source: { type: "callback" | "requery"; raw?: unknown },
  extra: Readonly<Record<string, unknown>> = {},
): PaymentStatus {
  // What the provider reported, amounts included, so the daily report (operations/reports/) can
  // compare a re-query's answer with the payment as it does a callback's.
  const data = {
    outcome: status.outcome,
    providerReference: status.providerReference,
    amount: status.amount ?? null,
    currency: status.currency ?? null,
    phone: status.phone ?? null,
    raw: source.raw ?? null,
  };
  if (isTerminal(payment.status)) {
    if (Object.keys(extra).length > 0) tx.update(ref, extra);
    appendEvent(tx, ref, { type: `${source.type}-after-final`, data });
    if (status.outcome === "succeeded" && payment.status !== "succeeded") {
      // Money arrived for a payment we had already closed: someone must refund or complete it.
      raiseAlert(db, tx, {
        type: "success-after-final",
        paymentId: ref.id,
        detail: {
          finalStatus: payment.status,
          providerReference: status.providerReference,
          receipt: status.receipt ?? null,
        },
      });
    }
    return payment.status;
  }
  const reference = payment.providerReference ?? (status.providerReference || null);
  const different = status.outcome === "succeeded" ? mismatches(payment, status) : [];
  if (different.length > 0) {
    transition(
      tx,
      ref,
      payment,
      "conflict",
      {
        providerReference: reference,
        receipt: status.receipt ?? null,
        failureCode: `mismatch:${different.join(",")}`,
        customerMessage: "We received your payment but its details differ from the request. Our team will contact you.",
      },
      { type: source.type, data: { ...data, mismatched: different } },
      extra,
    );
    raiseAlert(db, tx, {
      type: "payment-conflict",
      paymentId: ref.id,
      detail: {
        mismatched: different,
        expected: { amount: payment.amount, currency: payment.currency, phone: payment.phone },
        reported: { amount: status.amount ?? null, currency: status.currency ?? null, phone: status.phone ?? null },
      },
    });
    return "conflict";
  }
  if (status.outcome === "pending") {
    if (payment.status === "pending" && reference) {
      transition(
        tx,
        ref,
        payment,
        "processing",
        { providerReference: reference, customerMessage: status.customerMessage },
        { type: source.type, data },
        extra,
      );
      return "processing";
    }
    if (Object.keys(extra).length > 0) tx.update(ref, extra);
    appendEvent(tx, ref, { type: source.type, data });
    return payment.status;
  }
  transition(
    tx,
    ref,
    payment,
    status.outcome,
    {
      providerReference: reference,
      receipt: status.receipt ?? null,
      failureCode: status.failureCode ?? null,
      customerMessage: status.customerMessage,
    },
    { type: source.type, data },
    extra,
  );
  return status.outcome;
}
