// Withdrawals without a final answer are asked about on their schedule (schedule.ts): a request
// that never got an answer is sent again under its payout id (the provider refuses a second use
// of it, so this can never pay twice); an accepted one gets a status request. ioTec answers at
// once; Daraja answers at its status result URL, which results.ts reads like any result.
import { Timestamp } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { eachConcurrently } from "../core/workers.js";
import { releaseOrphanedHolds } from "../ledger/orphans.js";
import { WITHDRAWALS, type WithdrawalRecord } from "./collections.js";
import type { PayoutsDeps } from "./deps.js";
import { alertOldHold, applyPayoutStatus } from "./outcome.js";
import { ALERT_AFTER_MS, nextCheckFrom } from "./schedule.js";
import { sendPayout, withdrawalIdOf } from "./withdraw.js";

type Deps = Pick<PayoutsDeps, "db" | "provider" | "now" | "floatLow">;

/** Takes the due check: moves nextCheckAt on, so an overlapping run skips this withdrawal. */
async function claimCheck(deps: Deps, withdrawalId: string): Promise<WithdrawalRecord | undefined> {
  const ref = WITHDRAWALS.ref(deps.db).doc(withdrawalId);
  return commitOptimistically(async () => {
    const snapshot = await ref.get();
    const withdrawal = snapshot.data();
    const version = versionOf([snapshot]);
    const now = deps.now();
    const skip = { version, commit: () => Promise.resolve(undefined) };
    if (!withdrawal || !snapshot.updateTime) return skip;
    if (withdrawal.status !== "sending" && withdrawal.status !== "pending") return skip;
    if (withdrawal.nextCheckAt === null || withdrawal.nextCheckAt.toMillis() > now) return skip;
    const checks = withdrawal.checks + 1;
    const nextCheckAt = Timestamp.fromMillis(nextCheckFrom(withdrawal.provider, withdrawal.createdAt.toMillis(), now));
    const readAt = snapshot.updateTime;
    const commit = async () => {
      await ref.update({ checks, nextCheckAt, updatedAt: Timestamp.fromMillis(now) }, { lastUpdateTime: readAt });
      return { ...withdrawal, checks, nextCheckAt };
    };
    return { version, commit };
  }, "This withdrawal is being checked right now.");
}

/** One check of one withdrawal: the request again if it never got through, else its status. */
export async function recheckWithdrawal(
  deps: Deps,
  withdrawalId: string,
  withdrawal: WithdrawalRecord,
): Promise<WithdrawalRecord> {
  if (withdrawal.status === "sending") {
    logger.warn("withdrawal request never answered; sending it again under its payout id", { withdrawalId });
    return sendPayout(deps, withdrawalId, withdrawal);
  }
  const status = await deps.provider(withdrawal.provider).query({
    payoutId: withdrawal.payoutId,
    providerReference: withdrawal.providerReference ?? undefined,
  });
  return applyPayoutStatus(deps, withdrawalId, status, "requery", null);
}

export interface RequeryReport {
  readonly checked: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly open: number;
  readonly alerted: number;
}

/** Every withdrawal whose check is due, a few at a time (the scheduled function calls this each minute). */
export async function requeryDueWithdrawals(deps: Deps, limit = 100): Promise<RequeryReport> {
  const due = await WITHDRAWALS.ref(deps.db)
    .where("nextCheckAt", "<=", Timestamp.fromMillis(deps.now()))
    .orderBy("nextCheckAt")
    .limit(limit)
    .get();
  const counts = { checked: 0, succeeded: 0, failed: 0, open: 0, alerted: 0 };
  await eachConcurrently(due.docs, 5, async (doc) => {
    try {
      const withdrawal = await claimCheck(deps, doc.id);
      if (!withdrawal) return;
      counts.checked += 1;
      const after = await recheckWithdrawal(deps, doc.id, withdrawal);
      if (after.status === "succeeded") counts.succeeded += 1;
      else if (after.status === "failed") counts.failed += 1;
      else {
        counts.open += 1;
        if (deps.now() - after.createdAt.toMillis() >= ALERT_AFTER_MS && after.alertedAt === null) {
          await alertOldHold(deps.db, doc.id, after, deps.now());
          counts.alerted += 1;
        }
      }
    } catch (error) {
      logger.error("withdrawal check failed; it stays due", { withdrawalId: doc.id, error: String(error) });
    }
  });
  return counts;
}

/** Withdrawal holds whose withdrawal was never recorded (ledger/orphans.ts). */
export function releaseOrphanHolds(deps: Pick<PayoutsDeps, "db" | "now">, limit = 100): Promise<number> {
  return releaseOrphanedHolds({
    ...deps,
    kind: "withdrawal",
    limit,
    recordOf: (entryId) => {
      const withdrawalId = withdrawalIdOf(entryId);
      return withdrawalId === undefined ? undefined : WITHDRAWALS.ref(deps.db).doc(withdrawalId);
    },
  });
}
