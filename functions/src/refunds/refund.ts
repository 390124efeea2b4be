// refundPayment: an operator gives back all or part of a succeeded payment. The refund is recorded
// first, in one commit that also reserves its amount against the payment (paymentRefunds), holds
// the payer's wallet for a top-up and writes the audit events; only then is the provider asked
// (a Daraja Reversal of the whole M-Pesa payment, or a payout to the number that paid), outside any
// transaction. The provider's result (outcome.ts) moves the money; a refund whose result does not
// come is asked about again (requery.ts) and never released by time.
import { Timestamp, type Firestore, type WriteBatch } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { CHECKOUTS } from "../commerce/collections.js";
import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { planMovement, type PlannedMovement } from "../ledger/journal.js";
import { EVENTS } from "../payments/collections.js";
import { PAYMENTS, type PaymentRecord } from "../payments/records.js";
import {
  ProviderAuthError,
  ProviderDeclinedError,
  ProviderError,
  ProviderInvalidRequestError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from "../providers/errors.js";
import { PROVIDER_LABELS } from "../shared/catalog.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney } from "../shared/money.js";
import { nextCheckAfter } from "../bills/schedule.js";
import {
  PAYMENT_REFUNDS,
  REFUND_EVENTS,
  REFUNDS,
  type PaymentRefundsRecord,
  type RefundMethod,
  type RefundRecord,
} from "./collections.js";
import { settleRefund } from "./outcome.js";
import { refundIdFor, refundMovement, summaryOf, viewOf, type RefundDeps, type RefundView } from "./records.js";
import type { RefundPaymentInput } from "./schemas.js";

const BUSY = "This payment is being refunded by someone else right now. Please try again in a few seconds.";
const ASKED = "We have asked for your refund; it is on its way.";

function requestHashOf(input: RefundPaymentInput): string {
  return sha256Hex(JSON.stringify({ paymentId: input.paymentId, amount: input.amount, reason: input.reason }));
}

/** How this refund goes back, or a sentence saying why it cannot. */
function chooseMethod(
  payment: PaymentRecord,
  amount: number,
  totals: Pick<PaymentRefundsRecord, "reserved" | "refunded">,
  deps: RefundDeps,
): RefundMethod {
  const money = (minor: number) => formatMoney(minor, payment.currency);
  if (payment.provider === "paystack") {
    throw new AppError(
      "failed-precondition",
      "paymentId: Paystack payments cannot be refunded from Malipo yet; refund it on the Paystack dashboard.",
    );
  }
  if (payment.provider === "mpesa") {
    if (amount % 100 !== 0) {
      throw new AppError(
        "invalid-argument",
        `amount: M-Pesa refunds are in whole shillings (a multiple of 100 cents); ${money(amount)} is not.`,
      );
    }
    // Daraja reverses a transaction once, whole: the first refund of the whole payment is a
    // Reversal; any partial refund (and any after one) is a B2C payout to the number that paid.
    if (amount === payment.amount && totals.reserved === 0 && totals.refunded === 0 && payment.receipt) {
      return "reversal";
    }
  }
  const { limits } = deps.payouts(payment.provider);
  if (amount < limits.min || amount > limits.max) {
    throw new AppError(
      "invalid-argument",
      `amount: a partial refund goes back as a ${PROVIDER_LABELS[payment.provider]} payout, which must be between ${money(limits.min)} and ${money(limits.max)}; ${money(amount)} is not.`,
    );
  }
  return "payout";
}

/** The refund the commit creates, from the payment and the operator's request. */
function newRefund(
  input: RefundPaymentInput,
  caller: Caller,
  refundId: string,
  payment: PaymentRecord,
  method: RefundMethod,
  at: Timestamp,
  merchantId: string | null,
): RefundRecord {
  return {
    paymentId: input.paymentId,
    uid: payment.uid,
    operatorUid: caller.uid,
    reason: input.reason,
    requestHash: requestHashOf(input),
    purpose: payment.purpose,
    provider: payment.provider,
    method,
    amount: input.amount,
    currency: payment.currency,
    paymentAmount: payment.amount,
    phone: payment.phone,
    paymentReceipt: payment.receipt,
    entryId: refundId,
    holdsWallet: payment.purpose === "wallet-topup",
    merchantId,
    state: "sending",
    providerReference: null,
    receipt: null,
    failureCode: null,
    customerMessage: ASKED,
    operatorMessage: null,
    // The first request is claimed here, before it is sent: a crash after the provider got it but
    // before its reply was recorded must not make a follow-up send a reversal twice.
    sendCalls: 1,
    checks: 0,
    // Due from the start, so a refund whose request never went out (a crash right after this
    // commit) is still followed up.
    nextCheckAt: Timestamp.fromMillis(nextCheckAfter(at.toMillis(), 0) ?? at.toMillis()),
    alertedAt: null,
    pointsClawedBack: null,
    createdAt: at,
    updatedAt: at,
    settledAt: null,
  };
}

/** Stages the wallet hold of a top-up's refund, saying plainly when the wallet no longer has it. */
function stageHold(plan: PlannedMovement, batch: WriteBatch, refund: RefundRecord): void {
  try {
    plan.stage(batch);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "failed-precondition") throw error;
    const available = typeof error.details?.available === "number" ? error.details.available : 0;
    throw new AppError(
      "failed-precondition",
      `amount: the payer's ${refund.currency} wallet no longer holds ${formatMoney(refund.amount, refund.currency)} to refund (${formatMoney(available, refund.currency)} available): a top-up's refund takes the money back out of the wallet it credited.`,
      { available },
    );
  }
}

/** The shop a payment bought from: its checkout's merchant, for a shop order; else null. */
async function merchantOf(db: Firestore, payment: PaymentRecord): Promise<string | null> {
  if (payment.purpose !== "order" || payment.checkoutId === undefined) return null;
  return (await CHECKOUTS.ref(db).doc(payment.checkoutId).get()).data()?.merchantId ?? null;
}

interface Recorded {
  readonly refund: RefundRecord;
  readonly created: boolean;
}

/**
 * Creates the refund and reserves its amount against the payment in one commit, whose
 * preconditions say that the payment, its refund totals and (for a top-up) the payer's wallet are
 * unchanged since read and that the refund does not exist: two refunds that together pass what was
 * paid cannot both commit, and the loser reads again and is refused with what is left.
 */
async function recordRefund(
  input: RefundPaymentInput,
  caller: Caller,
  refundId: string,
  deps: RefundDeps,
): Promise<Recorded> {
  const { db, now } = deps;
  const refundRef = REFUNDS.ref(db).doc(refundId);
  const paymentRef = PAYMENTS.ref(db).doc(input.paymentId);
  const totalsRef = PAYMENT_REFUNDS.ref(db).doc(input.paymentId);
  return commitOptimistically<Recorded>(async () => {
    const [refundSnap, paymentSnap, totalsSnap] = await Promise.all([
      refundRef.get(),
      paymentRef.get(),
      totalsRef.get(),
    ]);
    const existing = refundSnap.data();
    const payment = paymentSnap.data();
    const base = [refundSnap, paymentSnap, totalsSnap];
    if (existing) {
      if (existing.requestHash !== requestHashOf(input)) {
        throw new AppError(
          "already-exists",
          "idempotencyKey: this key was already used for a different refund; use a new key for a new refund.",
        );
      }
      return { version: versionOf(base), commit: () => Promise.resolve({ refund: existing, created: false }) };
    }
    if (!payment || !paymentSnap.updateTime) throw new AppError("not-found", "paymentId: there is no such payment.");
    if (payment.status !== "succeeded") {
      throw new AppError(
        "failed-precondition",
        `paymentId: only a succeeded payment can be refunded; this one is ${payment.status}.`,
      );
    }
    const money = (minor: number) => formatMoney(minor, payment.currency);
    const totals = totalsSnap.data() ?? { reserved: 0, refunded: 0, refundIds: [] };
    const left = payment.amount - totals.reserved - totals.refunded;
    if (input.amount > left) {
      throw new AppError(
        "failed-precondition",
        `amount: only ${money(Math.max(left, 0))} is left refundable on this payment (${money(payment.amount)} paid, ${money(totals.refunded)} refunded, ${money(totals.reserved)} being refunded); ${money(input.amount)} was asked.`,
        { refundable: Math.max(left, 0) },
      );
    }
    const method = chooseMethod(payment, input.amount, totals, deps);
    const at = Timestamp.fromMillis(now());
    const refund = newRefund(input, caller, refundId, payment, method, at, await merchantOf(db, payment));
    const plan = refund.holdsWallet ? await planMovement(db, refundMovement(refund), now) : undefined;
    const version = versionOf([...base, ...(plan?.snapshots ?? [])]);
    const batch = db.batch();
    if (plan) stageHold(plan, batch, refund);
    const next: PaymentRefundsRecord = {
      uid: payment.uid,
      currency: payment.currency,
      paid: payment.amount,
      reserved: totals.reserved + input.amount,
      refunded: totals.refunded,
      refundIds: [...totals.refundIds, refundId],
      updatedAt: at,
    };
    batch.create(refundRef, refund);
    if (totalsSnap.updateTime) batch.update(totalsRef, next, { lastUpdateTime: totalsSnap.updateTime });
    else batch.create(totalsRef, next);
    batch.update(paymentRef, { refund: summaryOf(next) }, { lastUpdateTime: paymentSnap.updateTime });
    const audit = {
      refundId,
      amount: input.amount,
      currency: payment.currency,
      method,
      reason: input.reason,
      operatorUid: caller.uid,
    };
    batch.create(REFUND_EVENTS.under(refundRef).doc("requested"), {
      at,
      type: "requested",
      from: null,
      to: "sending",
      by: caller.uid,
      detail: audit,
    });
    // The payer reads the payment's events: the refund and its reason, not which operator asked.
    const { operatorUid: _operator, ...forPayer } = audit;
    batch.create(EVENTS.under(paymentRef).doc(`${refundId}-requested`), {
      type: "refund-requested",
      from: null,
      to: null,
      data: forPayer,
      at,
    });
    return { version, commit: async () => (await batch.commit(), { refund, created: true }) };
  }, BUSY);
}

/** A failure of the request itself that certainly did not move money (refused before processing). */
function refusedBeforeProcessing(error: unknown): boolean {
  return (
    error instanceof ProviderDeclinedError ||
    error instanceof ProviderAuthError ||
    (error instanceof ProviderInvalidRequestError && !error.message.includes("unexpected reply"))
  );
}

/** A request that did not reach the provider, so sending it again cannot pay twice. */
function notSent(error: unknown): boolean {
  return error instanceof ProviderRateLimitedError || (error instanceof ProviderUnavailableError && error.notProcessed);
}

/**
 * Sends the refund's one request to the provider (a payout may be sent again under the same id,
 * which the provider answers as a duplicate; a reversal is sent again only when it certainly never
 * arrived) and records what the reply says. A refusal is a definite failure; a timeout leaves the
 * refund waiting for its result or a status request.
 */
export async function sendRefund(deps: RefundDeps, refundId: string, refund: RefundRecord): Promise<void> {
  const { db, now } = deps;
  const remarks = `Refund of Malipo payment ${refund.paymentId}`;
  try {
    const providerReference =
      refund.method === "reversal"
        ? (
            await deps.reversals().reverse({
              reversalId: refundId,
              receipt: refund.paymentReceipt ?? "",
              amount: refund.amount,
              currency: refund.currency,
              remarks,
            })
          ).providerReference
        : (
            await deps.payouts(refund.provider === "iotec" ? "iotec" : "mpesa").send({
              payoutId: refundId,
              amount: refund.amount,
              currency: refund.currency,
              phone: refund.phone,
              remarks,
            })
          ).providerReference;
    await markSent(deps, refundId, { providerReference, reached: true });
  } catch (error) {
    if (refusedBeforeProcessing(error)) {
      const failure = error as ProviderError;
      logger.warn("refund refused by the provider", { refundId, error: failure.message });
      await settleRefund(
        db,
        refundId,
        {
          outcome: "failed",
          providerReference: "",
          failureCode: `${refund.provider}:refused`,
          customerMessage: failure.customerMessage || "The refund could not be sent. Please contact us.",
          operatorMessage: failure.message,
        },
        "send",
        now,
      );
      return;
    }
    logger.warn("refund request unanswered; its result or a status request will settle it", {
      refundId,
      error: String(error),
    });
    await markSent(deps, refundId, { providerReference: null, reached: !notSent(error) });
    if (!(error instanceof ProviderError)) throw error;
  }
}

/** Records what a request's reply said: the provider's reference, or that it never arrived. Never touches a settled refund. */
async function markSent(
  deps: RefundDeps,
  refundId: string,
  sent: { providerReference: string | null; reached: boolean },
): Promise<void> {
  const ref = REFUNDS.ref(deps.db).doc(refundId);
  await commitOptimistically(async () => {
    const snapshot = await ref.get();
    const refund = snapshot.data();
    const version = versionOf([snapshot]);
    if (!refund || !snapshot.updateTime || refund.state === "succeeded" || refund.state === "failed") {
      return { version, commit: () => Promise.resolve() };
    }
    const at = Timestamp.fromMillis(deps.now());
    const accepted = sent.providerReference !== null;
    const update: Partial<RefundRecord> = {
      ...(accepted && refund.state === "sending" ? { state: "pending" as const } : {}),
      ...(sent.providerReference ? { providerReference: refund.providerReference ?? sent.providerReference } : {}),
      // The attempt certainly never reached the provider: it does not count, so a reversal may be
      // sent again.
      ...(sent.reached ? {} : { sendCalls: Math.max(0, refund.sendCalls - 1) }),
      updatedAt: at,
    };
    const readAt = snapshot.updateTime;
    const batch = deps.db.batch();
    batch.update(ref, update, { lastUpdateTime: readAt });
    if (accepted && refund.state === "sending") {
      batch.set(REFUND_EVENTS.under(ref).doc("accepted"), {
        at,
        type: "accepted",
        from: "sending",
        to: "pending",
        by: "provider",
        detail: { providerReference: sent.providerReference },
      });
    }
    return {
      version,
      commit: async () => {
        await batch.commit();
      },
    };
  }, BUSY);
}

/** refundPayment (operators only): records the refund, asks the provider, answers what is known. */
export async function refundPayment(input: RefundPaymentInput, caller: Caller, deps: RefundDeps): Promise<RefundView> {
  if (caller.admin !== true) {
    throw new AppError(
      "permission-denied",
      "Only operators can refund payments: sign in with an operator account (npm run admin -- grant <email>).",
    );
  }
  await enforceRateLimits(deps.db, "refundPayment", caller, deps.now());
  const refundId = refundIdFor(caller.uid, input.idempotencyKey);
  const { refund, created } = await recordRefund(input, caller, refundId, deps);
  // The provider is asked after the refund is recorded, never inside a transaction; a repeated
  // request returns the refund as it stands and asks nothing again (requery.ts follows it up).
  if (created) await sendRefund(deps, refundId, refund);
  const [latest, totals] = await Promise.all([
    REFUNDS.ref(deps.db).doc(refundId).get(),
    PAYMENT_REFUNDS.ref(deps.db).doc(refund.paymentId).get(),
  ]);
  const totalsData = totals.data();
  return viewOf(refundId, latest.data() ?? refund, totalsData ? summaryOf(totalsData) : null);
}
