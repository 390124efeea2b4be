// What a provider's answer does to a bill. The ledger moves first (commit or void the hold, both
// idempotent), then the bill records the outcome in a transaction that never touches a terminal
// bill, then the receipt is written: a crash between steps leaves the bill pending, the next
// re-query gives the same answer, and each step finds its work already done.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { raiseAlert } from "../operations/alerts.js";
import type { BillStatus } from "../providers/bills.js";
import { reverseEntry } from "../ledger/journal.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney } from "../shared/money.js";
import { completePurchase, failPurchase } from "../wallet/purchase.js";
import { BILL_EVENTS, BILLS, TERMINAL_BILL_STATUSES, type BillRecord, type BillStatusName } from "./collections.js";
import { mailBillReceipt } from "./receipt.js";
import { AFTER_ALERT_EVERY_MS, nextCheckAfter } from "./schedule.js";

export type BillSource = "pay" | "requery" | "webhook";

const RELEASING = new Set(["failed", "not-processed", "refused"]);

function targetOf(outcome: BillStatus["outcome"]): BillStatusName {
  if (outcome === "delivered") return "delivered";
  if (RELEASING.has(outcome)) return "failed";
  return "pending";
}

function eventId(billId: string, source: BillSource, status: BillStatus, to: BillStatusName): string {
  return sha256Hex(`${billId}|${source}|${status.providerCode}|${to}`).slice(0, 20);
}

/** Moves the ledger for a final answer; false when the hold was already resolved the other way. */
async function moveLedger(db: Firestore, bill: BillRecord, target: BillStatusName, now: () => number) {
  try {
    if (target === "delivered") await completePurchase(db, bill.entryId, now);
    else if (target === "failed") await failPurchase(db, bill.entryId, now);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "failed-precondition") return false;
    throw error;
  }
}

/** Applies one provider answer to bills/{billId}; the re-query schedule is moved on by requery.ts. */
export async function applyBillStatus(
  db: Firestore,
  billId: string,
  status: BillStatus,
  source: BillSource,
  now: () => number,
): Promise<BillRecord> {
  const ref = BILLS.ref(db).doc(billId);
  const before = (await ref.get()).data();
  if (!before) throw new Error(`bill ${billId} does not exist`);
  const target = targetOf(status.outcome);
  if (before.status === "delivered" && target === "failed") return refundReversed(db, billId, before, status, now);
  if (TERMINAL_BILL_STATUSES.includes(before.status)) {
    if (before.status !== target && target !== "pending") {
      // A failed bill the biller now calls delivered: its hold was released, so the customer has
      // the goods unpaid for; an operator decides, nothing moves by itself.
      logger.error("bill answer contradicts its final status", {
        billId,
        status: before.status,
        outcome: status.outcome,
      });
      await raiseAlert(
        db,
        `bill-contradiction:${billId}`,
        "bill-contradiction",
        { billId, was: before.status, now: status.outcome, providerCode: status.providerCode },
        now(),
      );
    }
    return before;
  }
  if (target !== "pending" && !(await moveLedger(db, before, target, now))) {
    await raiseAlert(db, `bill-ledger:${billId}`, "bill-ledger-mismatch", { billId, outcome: status.outcome }, now());
    logger.error("bill hold already resolved the other way", { billId, outcome: status.outcome });
    return before;
  }
  const after = await commitOptimistically(async () => {
    const snapshot = await ref.get();
    const bill = snapshot.data();
    const version = versionOf([snapshot]);
    if (!bill || !snapshot.updateTime) throw new Error(`bill ${billId} does not exist`);
    if (TERMINAL_BILL_STATUSES.includes(bill.status)) return { version, commit: () => Promise.resolve(bill) };
    const at = Timestamp.fromMillis(now());
    const final = target !== "pending";
    const next = final ? null : nextCheckAfter(bill.createdAt.toMillis(), bill.checks);
    const update: Partial<BillRecord> = {
      status: target,
      providerCode: status.providerCode,
      providerReference: status.providerReference ?? bill.providerReference,
      customerMessage: status.customerMessage,
      updatedAt: at,
      ...(final ? { settledAt: at, nextCheckAt: null } : {}),
      ...(!final && bill.nextCheckAt === null && next !== null ? { nextCheckAt: Timestamp.fromMillis(next) } : {}),
      ...(status.delivery ? { delivery: stripUndefined(status.delivery) } : {}),
    };
    const batch = db.batch();
    batch.update(ref, update, { lastUpdateTime: snapshot.updateTime });
    if (bill.status !== target || source !== "requery") {
      batch.set(BILL_EVENTS.under(ref).doc(eventId(billId, source, status, target)), {
        at,
        from: bill.status,
        to: target,
        source,
        providerCode: status.providerCode,
        detail: status.providerDescription.slice(0, 500),
      });
    }
    return { version, commit: async () => (await batch.commit(), { ...bill, ...update }) };
  }, "This bill is being updated right now.");
  if (after.status === "delivered") await mailBillReceipt(db, billId, after);
  return after;
}

function stripUndefined(delivery: NonNullable<BillStatus["delivery"]>): NonNullable<BillRecord["delivery"]> {
  return {
    ...(delivery.token ? { token: delivery.token } : {}),
    ...(delivery.units ? { units: delivery.units } : {}),
    ...(delivery.pins && delivery.pins.length > 0 ? { pins: [...delivery.pins] } : {}),
    ...(delivery.confirmation ? { confirmation: delivery.confirmation } : {}),
  };
}

/** After the schedule is used up: one alert, and a check every 6 hours from then on. */
export async function alertLongPending(db: Firestore, billId: string, bill: BillRecord, now: number): Promise<void> {
  await raiseAlert(
    db,
    `bill-pending:${billId}`,
    "bill-pending-24h",
    { billId, requestId: bill.requestId, serviceId: bill.serviceId, amount: bill.amount, currency: bill.currency },
    now,
  );
  await BILLS.ref(db)
    .doc(billId)
    .update({ alertedAt: Timestamp.fromMillis(now), nextCheckAt: Timestamp.fromMillis(now + AFTER_ALERT_EVERY_MS) });
}

/**
 * The biller reversed a bill it had delivered (it refunds Malipo): the purchase is reversed in the
 * ledger (reverse:{entryId}: the total back to the wallet, the earned points clawed back), once.
 * The bill stays delivered, as it was; `refundedAt` and its events say what followed.
 */
async function refundReversed(
  db: Firestore,
  billId: string,
  bill: BillRecord,
  status: BillStatus,
  now: () => number,
): Promise<BillRecord> {
  if (bill.refundedAt !== null) return bill;
  await reverseEntry(db, bill.entryId, { allowNegative: true }, now);
  const at = Timestamp.fromMillis(now());
  const ref = BILLS.ref(db).doc(billId);
  const customerMessage = `The biller reversed this purchase, so ${formatMoney(bill.total, bill.currency)} is back in your wallet.`;
  const batch = db.batch();
  batch.update(ref, { refundedAt: at, customerMessage, updatedAt: at });
  batch.set(BILL_EVENTS.under(ref).doc("refunded"), {
    at,
    from: "delivered",
    to: "delivered",
    source: "requery",
    providerCode: status.providerCode,
    detail: `reversed by the biller (${status.providerDescription.slice(0, 200)}); purchase refunded`,
  });
  await batch.commit();
  logger.warn("bill reversed by the biller; refunded", { billId });
  return { ...bill, refundedAt: at, customerMessage };
}
