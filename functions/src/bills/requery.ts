// Pending bills are asked about again on a schedule (schedule.ts) and whenever the provider's
// webhook hints at news. A re-query's answer is applied like the pay call's; a provider that has
// never seen the request id is sent the pay request again under the same id (it refuses a second
// use of an id, so this can never buy twice).
import { Timestamp } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { eachConcurrently } from "../core/workers.js";
import { releaseOrphanedHolds } from "../ledger/orphans.js";
import type { BillStatus } from "../providers/bills.js";
import { BILLS, TERMINAL_BILL_STATUSES, type BillRecord } from "./collections.js";
import type { BillsDeps } from "./deps.js";
import { alertLongPending, applyBillStatus, type BillSource } from "./outcome.js";
import { sendBill } from "./pay.js";
import { ALERT_AFTER_MS, nextCheckFrom } from "./schedule.js";

type Deps = Pick<BillsDeps, "db" | "provider" | "now">;

/** Takes the due check: moves nextCheckAt on, so an overlapping run skips this bill. */
async function claimCheck(deps: Deps, billId: string): Promise<BillRecord | undefined> {
  const ref = BILLS.ref(deps.db).doc(billId);
  return commitOptimistically(async () => {
    const snapshot = await ref.get();
    const bill = snapshot.data();
    const version = versionOf([snapshot]);
    const now = deps.now();
    const skip = { version, commit: () => Promise.resolve(undefined) };
    if (!bill || !snapshot.updateTime || TERMINAL_BILL_STATUSES.includes(bill.status)) return skip;
    if (bill.nextCheckAt === null || bill.nextCheckAt.toMillis() > now) return skip;
    const checks = bill.checks + 1;
    const nextCheckAt = Timestamp.fromMillis(nextCheckFrom(bill.createdAt.toMillis(), now));
    const readAt = snapshot.updateTime;
    const commit = async () => {
      await ref.update({ checks, nextCheckAt, updatedAt: Timestamp.fromMillis(now) }, { lastUpdateTime: readAt });
      return { ...bill, checks, nextCheckAt };
    };
    return { version, commit };
  }, "This bill is being checked right now.");
}

async function askProvider(deps: Deps, bill: BillRecord): Promise<BillStatus> {
  try {
    return await deps.provider().requery(bill.requestId);
  } catch (error) {
    return {
      outcome: "pending",
      requestId: bill.requestId,
      providerCode: "no-answer",
      providerDescription: String(error).slice(0, 200),
      customerMessage: bill.customerMessage,
    };
  }
}

/** One re-query of one bill, and what follows from its answer. */
export async function recheckBill(
  deps: Deps,
  billId: string,
  bill: BillRecord,
  source: BillSource,
): Promise<BillRecord> {
  const status = await askProvider(deps, bill);
  if (status.outcome === "unknown") {
    logger.warn("provider has no record of a bill; sending it again under the same request id", {
      billId,
      requestId: bill.requestId,
    });
    await BILLS.ref(deps.db)
      .doc(billId)
      .update({ payCalls: bill.payCalls + 1 });
    return sendBill(deps, billId, { ...bill, payCalls: bill.payCalls + 1 }, source);
  }
  return applyBillStatus(deps.db, billId, status, source, deps.now);
}

export interface RequeryReport {
  readonly checked: number;
  readonly delivered: number;
  readonly failed: number;
  readonly pending: number;
  readonly alerted: number;
}

/** Every bill whose check is due, a few at a time (the scheduled function calls this each minute). */
export async function requeryDueBills(deps: Deps, limit = 100): Promise<RequeryReport> {
  const due = await BILLS.ref(deps.db)
    .where("nextCheckAt", "<=", Timestamp.fromMillis(deps.now()))
    .orderBy("nextCheckAt")
    .limit(limit)
    .get();
  const counts = { checked: 0, delivered: 0, failed: 0, pending: 0, alerted: 0 };
  await eachConcurrently(due.docs, 5, async (doc) => {
    try {
      const bill = await claimCheck(deps, doc.id);
      if (!bill) return;
      counts.checked += 1;
      const after = await recheckBill(deps, doc.id, bill, "requery");
      if (after.status === "delivered") counts.delivered += 1;
      else if (after.status === "failed") counts.failed += 1;
      else {
        counts.pending += 1;
        if (deps.now() - after.createdAt.toMillis() >= ALERT_AFTER_MS && after.alertedAt === null) {
          await alertLongPending(deps.db, doc.id, after, deps.now());
          counts.alerted += 1;
        }
      }
    } catch (error) {
      logger.error("bill re-query failed; it stays due", { billId: doc.id, error: String(error) });
    }
  });
  return counts;
}

/**
 * Purchase holds placed by payBill whose bill was never recorded (ledger/orphans.ts): the call
 * stopped between its hold and its bill, so nothing was sent. Holds of other purchases carry no
 * billId and are not touched.
 */
export function releaseOrphanBillHolds(deps: Pick<BillsDeps, "db" | "now">, limit = 100): Promise<number> {
  return releaseOrphanedHolds({
    ...deps,
    kind: "purchase",
    limit,
    recordOf: (_entryId, entry) => {
      const billId = entry.meta?.billId;
      return typeof billId === "string" ? BILLS.ref(deps.db).doc(billId) : undefined;
    },
  });
}
