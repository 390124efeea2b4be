// Refunds without a result are asked about again on the bills' schedule (bills/schedule.ts: 30 s,
// 2, 5, 15, 60 minutes, then hourly to a day, then an operator alert and every 6 hours). Never
// released by time: the provider may have paid, and only its answer decides. A payout whose
// request went unanswered is sent again under the same id (the provider answers a repeat as a
// duplicate, so this cannot pay twice); a reversal is sent again only when it certainly never
// reached Daraja, else its status is asked for. Daraja answers status requests at the result URL
// (outcome.ts through darajaResult); ioTec answers at once.
import { Timestamp } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { createOnce } from "../core/collections.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { ALERTS } from "../payments/collections.js";
import { ALERT_AFTER_MS, AFTER_ALERT_EVERY_MS, nextCheckFrom } from "../bills/schedule.js";
import { REFUNDS, TERMINAL_REFUND_STATES, type RefundRecord } from "./collections.js";
import { settleRefund } from "./outcome.js";
import type { RefundDeps } from "./records.js";
import { sendRefund } from "./refund.js";

/** Takes the due check: moves nextCheckAt on, so an overlapping run skips this refund. */
async function claimCheck(deps: RefundDeps, refundId: string): Promise<RefundRecord | undefined> {
  const ref = REFUNDS.ref(deps.db).doc(refundId);
  return commitOptimistically(async () => {
    const snapshot = await ref.get();
    const refund = snapshot.data();
    const version = versionOf([snapshot]);
    const now = deps.now();
    const skip = { version, commit: () => Promise.resolve(undefined) };
    if (!refund || !snapshot.updateTime || TERMINAL_REFUND_STATES.includes(refund.state)) return skip;
    if (refund.state === "conflict" || refund.nextCheckAt === null || refund.nextCheckAt.toMillis() > now) return skip;
    const checks = refund.checks + 1;
    const nextCheckAt = Timestamp.fromMillis(nextCheckFrom(refund.createdAt.toMillis(), now));
    const readAt = snapshot.updateTime;
    const commit = async () => {
      await ref.update({ checks, nextCheckAt, updatedAt: Timestamp.fromMillis(now) }, { lastUpdateTime: readAt });
      return { ...refund, checks, nextCheckAt };
    };
    return { version, commit };
  }, "This refund is being checked right now.");
}

/** One follow-up of one open refund. */
export async function recheckRefund(deps: RefundDeps, refundId: string, refund: RefundRecord): Promise<void> {
  const resend = refund.method === "payout" ? refund.state === "sending" : refund.sendCalls === 0;
  if (resend) {
    // Claimed before it is sent, as the first request was (refund.ts).
    await REFUNDS.ref(deps.db)
      .doc(refundId)
      .update({ sendCalls: refund.sendCalls + 1, updatedAt: Timestamp.fromMillis(deps.now()) });
    await sendRefund(deps, refundId, { ...refund, sendCalls: refund.sendCalls + 1 });
    return;
  }
  const provider = deps.payouts(refund.provider === "iotec" ? "iotec" : "mpesa");
  try {
    const status = await provider.query({
      payoutId: refundId,
      ...(refund.providerReference ? { providerReference: refund.providerReference } : {}),
    });
    // Daraja's query answers "pending" and posts the real answer later; ioTec's is the answer.
    await settleRefund(deps.db, refundId, status, "requery", deps.now);
  } catch (error) {
    logger.warn("refund status request failed; asked again at the next check", { refundId, error: String(error) });
  }
}

export interface RefundRequeryReport {
  readonly checked: number;
  readonly alerted: number;
}

async function alertLongPending(deps: RefundDeps, refundId: string, refund: RefundRecord): Promise<void> {
  const now = deps.now();
  await createOnce(ALERTS.ref(deps.db).doc(`refund-pending:${refundId}`), {
    type: "refund-pending-24h",
    paymentId: refund.paymentId,
    detail: { refundId, amount: refund.amount, currency: refund.currency, method: refund.method, state: refund.state },
    createdAt: Timestamp.fromMillis(now),
    resolved: false,
  });
  await REFUNDS.ref(deps.db)
    .doc(refundId)
    .update({ alertedAt: Timestamp.fromMillis(now), nextCheckAt: Timestamp.fromMillis(now + AFTER_ALERT_EVERY_MS) });
}

/** Every refund whose check is due, a few at a time (the scheduled function calls this each minute). */
export async function requeryDueRefunds(deps: RefundDeps, limit = 100): Promise<RefundRequeryReport> {
  const due = await REFUNDS.ref(deps.db)
    .where("nextCheckAt", "<=", Timestamp.fromMillis(deps.now()))
    .orderBy("nextCheckAt")
    .limit(limit)
    .get();
  const counts = { checked: 0, alerted: 0 };
  const queue = [...due.docs];
  const worker = async () => {
    for (let doc = queue.shift(); doc; doc = queue.shift()) {
      try {
        const refund = await claimCheck(deps, doc.id);
        if (!refund) continue;
        counts.checked += 1;
        await recheckRefund(deps, doc.id, refund);
        const after = (await REFUNDS.ref(deps.db).doc(doc.id).get()).data();
        if (
          after &&
          !TERMINAL_REFUND_STATES.includes(after.state) &&
          after.alertedAt === null &&
          deps.now() - after.createdAt.toMillis() >= ALERT_AFTER_MS
        ) {
          await alertLongPending(deps, doc.id, after);
          counts.alerted += 1;
        }
      } catch (error) {
        logger.error("refund re-query failed; it stays due", { refundId: doc.id, error: String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: 5 }, worker));
  return counts;
}
