// What a provider's word does to a withdrawal. The ledger moves first (commit the hold on a
// success, void it on a definite failure; both idempotent), then the withdrawal records the outcome
// in one optimistic commit that never touches a final withdrawal and, when it ends, frees the
// user's in-flight lock and gives a failed amount back to the day's limit. A crash between the two
// leaves the withdrawal open; the next result or status answer finds the ledger already moved.
// Pending never releases anything. A success for a different amount is a conflict: the hold stays
// and operators are alerted.
import { Timestamp, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { commitHold, voidHold } from "../ledger/journal.js";
import { raiseAlert } from "../operations/alerts.js";
import { OPS_READINGS } from "../operations/collections.js";
import type { PayoutStatus } from "../providers/payouts.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney } from "../shared/money.js";
import {
  TERMINAL_WITHDRAWAL_STATUSES,
  WITHDRAWAL_DAYS,
  WITHDRAWAL_EVENTS,
  WITHDRAWAL_LOCKS,
  WITHDRAWALS,
  type WithdrawalDayRecord,
  type WithdrawalLockRecord,
  type WithdrawalRecord,
  type WithdrawalStatus,
} from "./collections.js";
import type { OutcomeDeps } from "./deps.js";

/** send: the provider's reply to the request; result: its result post; status: a status answer. */
export type OutcomeSource = "send" | "result" | "status" | "requery";

export function dayRef(db: Firestore, withdrawal: Pick<WithdrawalRecord, "uid" | "currency" | "day">) {
  return WITHDRAWAL_DAYS.ref(db).doc(`${withdrawal.uid}_${withdrawal.currency}_${withdrawal.day}`);
}

export function lockRef(db: Firestore, uid: string) {
  return WITHDRAWAL_LOCKS.ref(db).doc(uid);
}

function amountDiffers(withdrawal: WithdrawalRecord, status: PayoutStatus): boolean {
  return (
    (status.amount !== undefined && status.amount !== withdrawal.amount) ||
    (status.currency !== undefined && status.currency !== withdrawal.currency)
  );
}

function targetOf(withdrawal: WithdrawalRecord, status: PayoutStatus): WithdrawalStatus {
  if (status.outcome === "succeeded") return amountDiffers(withdrawal, status) ? "conflict" : "succeeded";
  if (status.outcome === "failed") return "failed";
  return "pending";
}

function messageFor(withdrawal: WithdrawalRecord, target: WithdrawalStatus, status: PayoutStatus): string {
  const amount = formatMoney(withdrawal.amount, withdrawal.currency);
  if (target === "succeeded") return `${amount} was sent to ${withdrawal.phone}.`;
  if (target === "failed") {
    return `${status.customerMessage} Nothing was taken: ${formatMoney(withdrawal.total, withdrawal.currency)} is back in your wallet.`;
  }
  if (target === "conflict") {
    return `We are checking this withdrawal of ${amount} with the provider; the money stays reserved until it is settled.`;
  }
  return status.customerMessage;
}

async function noteFloat(deps: OutcomeDeps, withdrawal: WithdrawalRecord, status: PayoutStatus): Promise<void> {
  if (status.availableFunds === undefined) return;
  // Every report is a reading for the payout-float-low alert rule (operations/alert-rules.ts),
  // which opens and resolves by the latest one; the alert below is the day's one-off notice.
  await OPS_READINGS.ref(deps.db)
    .doc(`payout-float:${withdrawal.provider}:${withdrawal.currency}:${withdrawal.payoutId}`)
    .set({
      kind: "payout-float",
      provider: withdrawal.provider,
      currency: withdrawal.currency,
      amount: status.availableFunds,
      source: withdrawal.payoutId,
      reportedAt: Timestamp.fromMillis(deps.now()),
    });
  const threshold = deps.floatLow()[withdrawal.currency];
  if (threshold === undefined || status.availableFunds >= threshold) return;
  const day = new Date(deps.now()).toISOString().slice(0, 10);
  const raised = await raiseAlert(
    deps.db,
    `payout-float-low:${withdrawal.provider}:${withdrawal.currency}:${day}`,
    "payout-float-low",
    {
      provider: withdrawal.provider,
      currency: withdrawal.currency,
      availableFunds: status.availableFunds,
      threshold,
      message: `The ${withdrawal.provider} payout account holds ${formatMoney(status.availableFunds, withdrawal.currency)}, below ${formatMoney(threshold, withdrawal.currency)}: top it up before withdrawals fail.`,
    },
    deps.now(),
  );
  if (raised) logger.warn("payout float low", { provider: withdrawal.provider, availableFunds: status.availableFunds });
}

/** Moves the ledger for a final answer; false when the hold was already resolved the other way. */
async function moveLedger(db: Firestore, withdrawal: WithdrawalRecord, target: WithdrawalStatus, now: () => number) {
  try {
    if (target === "succeeded") await commitHold(db, withdrawal.payoutId, now);
    else if (target === "failed") await voidHold(db, withdrawal.payoutId, now);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "failed-precondition") return false;
    throw error;
  }
}

function eventId(source: OutcomeSource, eventKey: string | null, status: PayoutStatus, to: WithdrawalStatus): string {
  return sha256Hex(`${source}|${eventKey ?? status.outcome}|${status.failureCode ?? ""}|${to}`).slice(0, 20);
}

/** What the provider said, for the events and alerts. */
function describeStatus(status: PayoutStatus): string {
  const parts = [
    `outcome ${status.outcome}`,
    status.receipt ? `receipt ${status.receipt}` : "",
    status.amount !== undefined ? `amount ${status.amount}` : "",
    status.failureCode ? `code ${status.failureCode}` : "",
    status.operatorMessage ?? "",
  ];
  return parts.filter(Boolean).join("; ").slice(0, 500);
}

/** The same word about a final withdrawal changes nothing; a different one goes to operators. */
async function afterFinal(
  deps: OutcomeDeps,
  withdrawalId: string,
  withdrawal: WithdrawalRecord,
  target: WithdrawalStatus,
  status: PayoutStatus,
): Promise<WithdrawalRecord> {
  if (target !== "pending" && target !== withdrawal.status) {
    // A failure after a success (a late M-Pesa result, an ioTec roll-back), or a success after the
    // hold was released: money may have moved twice or not at all; a person decides.
    logger.error("payout result contradicts the withdrawal's final status", {
      withdrawalId,
      status: withdrawal.status,
      outcome: status.outcome,
    });
    await raiseAlert(
      deps.db,
      `payout-contradiction:${withdrawalId}:${target}`,
      "payout-contradiction",
      {
        withdrawalId,
        payoutId: withdrawal.payoutId,
        was: withdrawal.status,
        now: target,
        said: describeStatus(status),
      },
      deps.now(),
    );
  }
  return withdrawal;
}

/** Applies one provider answer about withdrawals/{withdrawalId}. */
export async function applyPayoutStatus(
  deps: OutcomeDeps,
  withdrawalId: string,
  status: PayoutStatus,
  source: OutcomeSource,
  eventKey: string | null,
): Promise<WithdrawalRecord> {
  const { db, now } = deps;
  const ref = WITHDRAWALS.ref(db).doc(withdrawalId);
  const before = (await ref.get()).data();
  if (!before) throw new AppError("not-found", `withdrawal ${withdrawalId} does not exist`);
  await noteFloat(deps, before, status);
  const target = targetOf(before, status);
  if (TERMINAL_WITHDRAWAL_STATUSES.includes(before.status))
    return afterFinal(deps, withdrawalId, before, target, status);
  if (before.status === "conflict") {
    logger.warn("payout result for a withdrawal in conflict; an operator decides", { withdrawalId, target });
    return before;
  }
  if (target === "conflict") {
    await raiseAlert(
      db,
      `payout-amount:${withdrawalId}`,
      "payout-amount-mismatch",
      {
        withdrawalId,
        payoutId: before.payoutId,
        asked: before.amount,
        paid: status.amount ?? null,
        currency: status.currency ?? before.currency,
        said: describeStatus(status),
      },
      now(),
    );
  }
  if (!(await moveLedger(db, before, target, now))) {
    await raiseAlert(db, `payout-ledger:${withdrawalId}`, "payout-ledger-mismatch", { withdrawalId, target }, now());
    logger.error("withdrawal hold already resolved the other way", { withdrawalId, target });
    return before;
  }
  const lock = lockRef(db, before.uid);
  const day = dayRef(db, before);
  return commitOptimistically(async () => {
    const [snapshot, lockSnap, daySnap] = (await db.getAll(ref, lock, day)) as [
      DocumentSnapshot<WithdrawalRecord>,
      DocumentSnapshot<WithdrawalLockRecord>,
      DocumentSnapshot<WithdrawalDayRecord>,
    ];
    const withdrawal = snapshot.data();
    const version = versionOf([snapshot, lockSnap, daySnap]);
    if (!withdrawal || !snapshot.updateTime) throw new Error(`withdrawal ${withdrawalId} does not exist`);
    if (TERMINAL_WITHDRAWAL_STATUSES.includes(withdrawal.status) || withdrawal.status === "conflict") {
      return { version, commit: () => Promise.resolve(withdrawal) };
    }
    const at = Timestamp.fromMillis(now());
    const final = TERMINAL_WITHDRAWAL_STATUSES.includes(target);
    const update: Partial<WithdrawalRecord> = {
      status: target,
      providerReference: status.providerReference || withdrawal.providerReference,
      receipt: status.receipt ?? withdrawal.receipt,
      failureCode: status.failureCode ?? withdrawal.failureCode,
      customerMessage: messageFor(withdrawal, target, status),
      updatedAt: at,
      ...(final ? { settledAt: at, nextCheckAt: null } : {}),
      ...(target === "conflict" ? { nextCheckAt: null } : {}),
      // A pending result (a queue timeout, a code not known yet) asks for the status at once.
      ...(target === "pending" && source === "result" ? { nextCheckAt: at } : {}),
    };
    const batch = db.batch();
    batch.update(ref, update, { lastUpdateTime: snapshot.updateTime });
    if (final && lockSnap.updateTime && lockSnap.data()?.withdrawalId === withdrawalId) {
      batch.delete(lock, { lastUpdateTime: lockSnap.updateTime });
    }
    const dayTotal = daySnap.data();
    if (target === "failed" && daySnap.updateTime && dayTotal?.withdrawals.includes(withdrawalId)) {
      // A failed withdrawal paid nothing: it no longer counts against the day's limit.
      batch.update(
        day,
        {
          total: Math.max(0, dayTotal.total - withdrawal.amount),
          withdrawals: dayTotal.withdrawals.filter((id) => id !== withdrawalId),
        },
        { lastUpdateTime: daySnap.updateTime },
      );
    }
    if (withdrawal.status !== target || source !== "requery") {
      batch.set(WITHDRAWAL_EVENTS.under(ref).doc(eventId(source, eventKey, status, target)), {
        at,
        from: withdrawal.status,
        to: target,
        source,
        eventKey,
        detail: describeStatus(status),
      });
    }
    return { version, commit: async () => (await batch.commit(), { ...withdrawal, ...update }) };
  }, "This withdrawal is being updated right now.");
}

/** After the schedule is used up: one alert, and a status request every 6 hours from then on. */
export async function alertOldHold(
  db: Firestore,
  withdrawalId: string,
  withdrawal: WithdrawalRecord,
  now: number,
): Promise<void> {
  await raiseAlert(
    db,
    `payout-hold:${withdrawalId}`,
    "payout-hold-24h",
    {
      withdrawalId,
      payoutId: withdrawal.payoutId,
      provider: withdrawal.provider,
      amount: withdrawal.amount,
      currency: withdrawal.currency,
      phone: withdrawal.phone,
      message: `A withdrawal of ${formatMoney(withdrawal.amount, withdrawal.currency)} has had no final answer from ${withdrawal.provider} for a day; its money stays held. Check it on the provider's portal.`,
    },
    now,
  );
  await WITHDRAWALS.ref(db)
    .doc(withdrawalId)
    .update({ alertedAt: Timestamp.fromMillis(now) });
}
