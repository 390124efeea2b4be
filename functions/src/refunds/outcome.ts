// What a provider's result does to a refund. The ledger moves first (commit or void the top-up's
// hold, or post the reversing entry: each keyed by the refund, so idempotent), then the refund,
// its payment's totals and the payment's refund summary record the outcome in one commit that
// never touches a settled refund, then the points are clawed back and the payer is mailed (both
// keyed by the refund). A crash between steps leaves the refund open; the next delivery or status
// answer repeats the steps and each finds its work done. The same result delivered many times at
// once moves the money once.
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { createOnce } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { accounts } from "../ledger/accounts.js";
import { JOURNAL } from "../ledger/collections.js";
import { commitHold, postEntry, voidHold } from "../ledger/journal.js";
import { mailRef } from "../notifications/payment-mail.js";
import { refundMail } from "../notifications/templates.js";
import { ALERTS, EVENTS } from "../payments/collections.js";
import { PAYMENTS } from "../payments/records.js";
import type { PayoutResult, PayoutStatus } from "../providers/payouts.js";
import { PROVIDER_LABELS } from "../shared/catalog.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney } from "../shared/money.js";
import {
  PAYMENT_REFUNDS,
  REFUND_EVENTS,
  REFUNDS,
  TERMINAL_REFUND_STATES,
  type RefundRecord,
  type RefundState,
} from "./collections.js";
import { clawbackFor, paymentPointsEntryId, refundMovement, refundPointsEntryId, summaryOf } from "./records.js";

export type RefundSource = "provider" | "requery" | "send";

const BUSY = "This refund is being updated right now.";

async function raiseAlert(db: Firestore, id: string, type: string, detail: Record<string, unknown>, now: number) {
  // Raised once: a repeat finds it there.
  await createOnce(ALERTS.ref(db).doc(id), {
    type,
    ...(typeof detail.paymentId === "string" ? { paymentId: detail.paymentId } : {}),
    detail,
    createdAt: Timestamp.fromMillis(now),
    resolved: false,
  });
}

/** The event a result leaves on the refund's trail: one per distinct provider event. */
function eventIdOf(source: RefundSource, status: PayoutStatus, eventKey?: string): string {
  return sha256Hex(
    `${source}|${eventKey ?? `${status.outcome}|${status.failureCode ?? ""}|${status.receipt ?? ""}`}`,
  ).slice(0, 20);
}

function differs(refund: RefundRecord, status: PayoutStatus): boolean {
  return (
    (status.amount !== undefined && status.amount !== refund.amount) ||
    (status.currency !== undefined && status.currency !== refund.currency)
  );
}

/**
 * Moves the ledger for a final outcome; false when the top-up's hold was already resolved the
 * other way (a success after the hold was released: an operator must look).
 */
async function moveLedger(
  db: Firestore,
  refund: RefundRecord,
  target: RefundState,
  now: () => number,
): Promise<boolean> {
  try {
    if (target === "succeeded") {
      if (refund.holdsWallet) await commitHold(db, refund.entryId, now);
      else await postEntry(db, refundMovement(refund), now);
    } else if (target === "failed" && refund.holdsWallet) {
      await voidHold(db, refund.entryId, now);
    }
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "failed-precondition") return false;
    throw error;
  }
}

/** Points the payment earned, if any entry awarded some (collections earn none today). */
async function pointsEarned(db: Firestore, refund: RefundRecord): Promise<number> {
  const entry = (await JOURNAL.ref(db).doc(paymentPointsEntryId(refund.paymentId, refund.purpose)).get()).data();
  if (entry?.status !== "posted") return 0;
  const points = accounts.points(refund.uid).id;
  return entry.postings.find((p) => p.accountId === points && p.side === "credit")?.amount ?? 0;
}

/** Records a result that changes nothing (pending, or about a settled refund) on the trail. */
async function noteEvent(
  db: Firestore,
  refundId: string,
  refund: RefundRecord,
  status: PayoutStatus,
  source: RefundSource,
  now: number,
  eventKey?: string,
): Promise<void> {
  await createOnce(REFUND_EVENTS.under(REFUNDS.ref(db).doc(refundId)).doc(eventIdOf(source, status, eventKey)), {
    at: Timestamp.fromMillis(now),
    type: `result-${status.outcome}`,
    from: refund.state,
    to: refund.state,
    by: source,
    detail: {
      outcome: status.outcome,
      ...(status.failureCode ? { failureCode: status.failureCode } : {}),
      ...(status.operatorMessage ? { operatorMessage: status.operatorMessage } : {}),
      ...(status.amount !== undefined ? { amount: status.amount } : {}),
      ...(status.receipt ? { receipt: status.receipt } : {}),
    },
  });
}

/** A result that disagrees with what was asked: nothing moves, the refund waits for an operator. */
async function holdInConflict(
  db: Firestore,
  refundId: string,
  refund: RefundRecord,
  status: PayoutStatus,
  source: RefundSource,
  now: () => number,
): Promise<void> {
  logger.error("refund result does not match what was asked; nothing moved", {
    refundId,
    asked: refund.amount,
    reported: status.amount,
    currency: status.currency,
  });
  await raiseAlert(
    db,
    `refund-mismatch:${refundId}`,
    "refund-amount-mismatch",
    {
      refundId,
      paymentId: refund.paymentId,
      asked: refund.amount,
      reported: status.amount ?? null,
      currency: refund.currency,
      reportedCurrency: status.currency ?? null,
      outcome: status.outcome,
    },
    now(),
  );
  const ref = REFUNDS.ref(db).doc(refundId);
  await commitOptimistically(async () => {
    const snapshot = await ref.get();
    const current = snapshot.data();
    const version = versionOf([snapshot]);
    if (
      !current ||
      !snapshot.updateTime ||
      current.state === "conflict" ||
      TERMINAL_REFUND_STATES.includes(current.state)
    ) {
      return { version, commit: () => Promise.resolve() };
    }
    const at = Timestamp.fromMillis(now());
    const batch = db.batch();
    batch.update(
      ref,
      {
        state: "conflict",
        nextCheckAt: null,
        operatorMessage: `The provider reported ${status.amount ?? "?"} ${status.currency ?? ""} for a refund of ${refund.amount} ${refund.currency}; an operator must decide.`,
        updatedAt: at,
      },
      { lastUpdateTime: snapshot.updateTime },
    );
    batch.set(REFUND_EVENTS.under(ref).doc(eventIdOf(source, status)), {
      at,
      type: "conflict",
      from: current.state,
      to: "conflict",
      by: source,
      detail: { asked: refund.amount, reported: status.amount ?? null, outcome: status.outcome },
    });
    return {
      version,
      commit: async () => {
        await batch.commit();
      },
    };
  }, BUSY);
}

/** The payer's email once the refund has succeeded, written once per refund. */
async function mailRefund(db: Firestore, refundId: string, refund: RefundRecord): Promise<void> {
  const payment = (await PAYMENTS.ref(db).doc(refund.paymentId).get()).data();
  const totals = (await PAYMENT_REFUNDS.ref(db).doc(refund.paymentId).get()).data();
  if (!payment?.email) return;
  const money = (minor: number) => formatMoney(minor, refund.currency);
  await createOnce(mailRef(db, refundId, "refund-completed"), {
    to: payment.email,
    kind: "refund",
    paymentId: refund.paymentId,
    uid: refund.uid,
    message: refundMail({
      name: payment.name,
      amount: money(refund.amount),
      refundedInAll: money(totals?.refunded ?? refund.amount),
      paid: money(refund.paymentAmount),
      provider: PROVIDER_LABELS[refund.provider],
      receipt: refund.receipt,
      paymentId: refund.paymentId,
      refundId,
      fromWallet: refund.holdsWallet,
    }),
    createdAt: FieldValue.serverTimestamp(),
  });
}

/**
 * Applies one provider status to refunds/{refundId}: pending changes nothing but the trail; a
 * result for another amount or currency holds the refund in conflict; succeeded and failed settle
 * it once, and a settled refund never changes (a contradicting result raises an alert instead).
 */
export async function settleRefund(
  db: Firestore,
  refundId: string,
  status: PayoutStatus,
  source: RefundSource,
  now: () => number,
  eventKey?: string,
): Promise<RefundRecord | undefined> {
  const ref = REFUNDS.ref(db).doc(refundId);
  const before = (await ref.get()).data();
  if (!before) {
    logger.error("a result for a refund Malipo does not have", { refundId, outcome: status.outcome });
    await raiseAlert(
      db,
      `refund-unknown:${refundId}`,
      "refund-result-unknown",
      { refundId, outcome: status.outcome },
      now(),
    );
    return undefined;
  }
  if (differs(before, status)) {
    await holdInConflict(db, refundId, before, status, source, now);
    return before;
  }
  if (status.outcome === "pending") {
    await noteEvent(db, refundId, before, status, source, now(), eventKey);
    return before;
  }
  const target: RefundState = status.outcome;
  if (TERMINAL_REFUND_STATES.includes(before.state) || before.state === "conflict") {
    await noteEvent(db, refundId, before, status, source, now(), eventKey);
    if (before.state !== target) {
      // A failure after a success (a late result, a network roll-back) or a success after the
      // money was released: never downgraded, never moved twice; an operator decides.
      logger.error("refund result contradicts its state", { refundId, state: before.state, outcome: status.outcome });
      await raiseAlert(
        db,
        `refund-contradiction:${refundId}`,
        "refund-contradiction",
        {
          refundId,
          paymentId: before.paymentId,
          was: before.state,
          now: status.outcome,
          failureCode: status.failureCode ?? null,
        },
        now(),
      );
    }
    return before;
  }
  if (!(await moveLedger(db, before, target, now))) {
    logger.error("refund hold already resolved the other way", { refundId, outcome: status.outcome });
    await raiseAlert(
      db,
      `refund-ledger:${refundId}`,
      "refund-ledger-mismatch",
      { refundId, paymentId: before.paymentId, outcome: status.outcome },
      now(),
    );
    return before;
  }
  const points = target === "succeeded" ? await pointsEarned(db, before) : 0;
  const paymentRef = PAYMENTS.ref(db).doc(before.paymentId);
  const totalsRef = PAYMENT_REFUNDS.ref(db).doc(before.paymentId);
  const after = await commitOptimistically(async () => {
    const [snapshot, totalsSnap, paymentSnap] = await Promise.all([ref.get(), totalsRef.get(), paymentRef.get()]);
    const refund = snapshot.data();
    const totals = totalsSnap.data();
    const version = versionOf([snapshot, totalsSnap, paymentSnap]);
    if (!refund || !snapshot.updateTime || !totals || !totalsSnap.updateTime || !paymentSnap.updateTime) {
      throw new Error(`refund ${refundId}: its record or its payment's totals are missing`);
    }
    if (TERMINAL_REFUND_STATES.includes(refund.state) || refund.state === "conflict") {
      return { version, commit: () => Promise.resolve(refund) };
    }
    const at = Timestamp.fromMillis(now());
    const succeeded = target === "succeeded";
    const clawback = succeeded ? clawbackFor(points, refund.paymentAmount, totals.refunded, refund.amount) : 0;
    const nextTotals = {
      reserved: totals.reserved - refund.amount,
      refunded: totals.refunded + (succeeded ? refund.amount : 0),
      updatedAt: at,
    };
    const update: Partial<RefundRecord> = {
      state: target,
      providerReference: refund.providerReference ?? (status.providerReference || null),
      receipt: status.receipt ?? null,
      failureCode: status.failureCode ?? null,
      // The providers' payout sentences speak of a withdrawal ("still in your Malipo wallet"); a
      // refund says what it means for the payment. The provider's own words stay on the trail.
      customerMessage: succeeded
        ? `${formatMoney(refund.amount, refund.currency)} has been refunded to your ${PROVIDER_LABELS[refund.provider]}.`
        : `The refund of ${formatMoney(refund.amount, refund.currency)} did not go through, so nothing was taken back or sent; we will look into it.`,
      operatorMessage: status.operatorMessage ?? null,
      nextCheckAt: null,
      pointsClawedBack: succeeded ? clawback : null,
      settledAt: at,
      updatedAt: at,
    };
    const batch = db.batch();
    batch.update(ref, update, { lastUpdateTime: snapshot.updateTime });
    batch.update(totalsRef, nextTotals, { lastUpdateTime: totalsSnap.updateTime });
    batch.update(
      paymentRef,
      { refund: summaryOf({ ...totals, ...nextTotals }) },
      { lastUpdateTime: paymentSnap.updateTime },
    );
    const detail = {
      refundId,
      amount: refund.amount,
      currency: refund.currency,
      ...(status.receipt ? { receipt: status.receipt } : {}),
      ...(status.failureCode ? { failureCode: status.failureCode } : {}),
      ...(clawback > 0 ? { pointsClawedBack: clawback } : {}),
    };
    batch.create(REFUND_EVENTS.under(ref).doc(target), {
      at,
      type: target,
      from: refund.state,
      to: target,
      by: source,
      detail: {
        ...detail,
        providerMessage: status.customerMessage,
        ...(status.operatorMessage ? { operatorMessage: status.operatorMessage } : {}),
      },
    });
    batch.create(EVENTS.under(paymentRef).doc(`${refundId}-${target}`), {
      type: succeeded ? "refund-succeeded" : "refund-failed",
      from: null,
      to: null,
      data: detail,
      at,
    });
    return { version, commit: async () => (await batch.commit(), { ...refund, ...update }) };
  }, BUSY);
  if (after.state === "succeeded") {
    if ((after.pointsClawedBack ?? 0) > 0) {
      // Below zero if the points were spent meanwhile: otherwise pay, earn, refund would be free points.
      await postEntry(
        db,
        {
          id: refundPointsEntryId(refundId),
          kind: "points-clawback",
          parent: refundId,
          allowNegative: true,
          postings: [
            { account: accounts.points(after.uid), side: "debit", amount: after.pointsClawedBack ?? 0 },
            { account: accounts.pointsLiability(), side: "credit", amount: after.pointsClawedBack ?? 0 },
          ],
        },
        now,
      );
    }
    await mailRefund(db, refundId, after);
  }
  return after;
}

/**
 * The entry point for the result-receiving functions (darajaResult for Daraja reversal, payout and
 * status results about `refund-…` ids; iotecCallback for `refund-…` disbursements): idempotent,
 * safe to call with the same result many times at once. Results are already authenticated and
 * parsed by the adapter's readResult.
 */
export async function applyRefundResult(db: Firestore, result: PayoutResult, now: () => number): Promise<void> {
  await settleRefund(db, result.subjectId, result.status, "provider", now, result.eventKey);
}
