// Ids, ledger movements and views shared by the refund request (refund.ts), its results
// (outcome.ts) and its re-queries (requery.ts).
import type { Firestore } from "firebase-admin/firestore";

import { ENTRY_REVENUE } from "../entries/fees.js";
import { accounts, type Account } from "../ledger/accounts.js";
import type { Movement } from "../ledger/journal.js";
import type { PaymentRefundSummary } from "../payments/records.js";
import type { PayoutProvider, ReversalProvider } from "../providers/payouts.js";
import { pointsEntryId } from "../rewards/award.js";
import { sha256Hex } from "../shared/hashing.js";
import { topUpEntryId } from "../wallet/top-up.js";
import type { PaymentRefundsRecord, RefundRecord, RefundState } from "./collections.js";

export interface RefundDeps {
  readonly db: Firestore;
  readonly now: () => number;
  /** Payouts to the payer's number (registry.ts payoutProvider). */
  readonly payouts: (name: "mpesa" | "iotec") => PayoutProvider;
  /** Daraja Reversals (registry.ts reversalProvider). */
  readonly reversals: () => ReversalProvider;
}

/**
 * The refund's id, its ledger entry's id and the provider's idempotency key (Daraja
 * OriginatorConversationID / ReversalID in the result URL, ioTec externalId) in one: derived from
 * the operator and their key, so a repeated request is the same refund. No colons: the id goes
 * into result URL paths.
 */
export function refundIdFor(operatorUid: string, idempotencyKey: string): string {
  return `refund-${sha256Hex(`refund|${operatorUid}|${idempotencyKey}`).slice(0, 32)}`;
}

export function isRefundId(id: string): boolean {
  return /^refund-[0-9a-f]{32}$/.test(id);
}

/**
 * Where a payment's money sits for a purpose that is not booked in the ledger when it is
 * collected (a till's mobile-money sale, and orders and entries paid before they were booked): a
 * refund of one credits the provider's clearing account against this, so the provider's side of
 * the ledger stays right.
 */
export const SALES_COUNTERPARTY = "sales";

type RefundedFrom = Pick<RefundRecord, "holdsWallet" | "merchantId" | "purpose" | "uid" | "currency">;

/**
 * The account a refund takes the money back from: the one its payment credited. A top-up's
 * wallet; a shop order's merchant account (its sale, `sale:{paymentId}`); an entry's revenue
 * account (`entry-fee:{paymentId}`); else the sales account.
 */
function refundedFrom(refund: RefundedFrom): Account {
  if (refund.holdsWallet) return accounts.wallet(refund.uid, refund.currency);
  if (refund.merchantId) return accounts.merchant(refund.merchantId, refund.currency);
  if (refund.purpose === "entry") return accounts.revenue(ENTRY_REVENUE, refund.currency);
  return accounts.clearing(SALES_COUNTERPARTY, refund.currency);
}

/**
 * The refund's ledger movement. A top-up's refund holds the payer's wallet (the money the top-up
 * credited goes back out): posted when the provider confirms, voided on a definite failure. Any
 * other purpose posts the same shape on confirmation only, from the account the payment credited
 * (refundedFrom). A merchant's account may go below zero by it, the merchant then owing Malipo
 * (an order refunded before its sale was booked): the provider already sent the money back.
 */
export function refundMovement(
  refund: RefundedFrom & Pick<RefundRecord, "entryId" | "paymentId" | "provider" | "amount">,
): Movement {
  const from = refundedFrom(refund);
  const merchant = from.kind === "merchant" ? (refund.merchantId ?? null) : null;
  return {
    id: refund.entryId,
    kind: "refund",
    ...(refund.holdsWallet ? { hold: true, parent: topUpEntryId(refund.paymentId) } : {}),
    ...(merchant !== null ? { allowNegative: true } : {}),
    // The payment, not the provider's receipt: every caller must build the identical movement (its
    // id's idempotency compares them), and a status answer may name another receipt than the result.
    reference: refund.paymentId,
    meta: { uid: refund.uid, paymentId: refund.paymentId, ...(merchant !== null ? { merchantId: merchant } : {}) },
    postings: [
      { account: from, side: "debit", amount: refund.amount },
      { account: accounts.clearing(refund.provider, refund.currency), side: "credit", amount: refund.amount },
    ],
  };
}

/**
 * The journal entry that would have awarded points for the payment: points:{topup:{paymentId}} for
 * a top-up, points:{payment:{paymentId}} otherwise (rewards/award.ts keys points by their source).
 * Collections earn no points today; a refund claws back whatever such an entry awarded.
 */
export function paymentPointsEntryId(paymentId: string, purpose: RefundRecord["purpose"]): string {
  return pointsEntryId(purpose === "wallet-topup" ? topUpEntryId(paymentId) : `payment:${paymentId}`);
}

/** The clawback of a refund's points: points:{refundId}. */
export function refundPointsEntryId(refundId: string): string {
  return pointsEntryId(refundId);
}

/**
 * Points to take back when `amount` more of `paid` is refunded after `refundedBefore`: the
 * difference of the cumulative shares, each rounded up, so the refunds of one payment together
 * take back exactly ceil(points x refunded / paid) and never more than was earned.
 */
export function clawbackFor(points: number, paid: number, refundedBefore: number, amount: number): number {
  if (points <= 0 || paid <= 0) return 0;
  const share = (refunded: number) => Math.min(points, Math.ceil((points * refunded) / paid));
  return share(refundedBefore + amount) - share(refundedBefore);
}

/** What the payment shows next to its status. */
export function summaryOf(
  totals: Pick<PaymentRefundsRecord, "paid" | "reserved" | "refunded">,
): PaymentRefundSummary | null {
  if (totals.refunded === 0 && totals.reserved === 0) return null;
  const state = totals.refunded >= totals.paid ? "refunded" : totals.refunded > 0 ? "partially-refunded" : "pending";
  return { state, refundedAmount: totals.refunded, pendingAmount: totals.reserved };
}

export interface RefundView {
  readonly refundId: string;
  readonly paymentId: string;
  readonly state: RefundState;
  readonly method: RefundRecord["method"];
  readonly amount: number;
  readonly currency: RefundRecord["currency"];
  readonly reason: string;
  readonly customerMessage: string;
  readonly receipt: string | null;
  readonly createdAt: string;
  readonly settledAt: string | null;
  /** The payment's refund totals after this request. */
  readonly payment: PaymentRefundSummary | null;
}

export function viewOf(refundId: string, refund: RefundRecord, payment: PaymentRefundSummary | null): RefundView {
  return {
    refundId,
    paymentId: refund.paymentId,
    state: refund.state,
    method: refund.method,
    amount: refund.amount,
    currency: refund.currency,
    reason: refund.reason,
    customerMessage: refund.customerMessage,
    receipt: refund.receipt,
    createdAt: refund.createdAt.toDate().toISOString(),
    settledAt: refund.settledAt?.toDate().toISOString() ?? null,
    payment,
  };
}
