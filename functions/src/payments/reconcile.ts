// Stuck payments: every few minutes, non-terminal payments older than MIN_AGE are re-queried at
// their provider (outside any transaction) and the answer applied like a callback; those still
// unknown after EXPIRE_AFTER become `expired`. Money rules 17 and 18 (docs/money-rules.md).
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import type { CollectionProvider, CollectionStatus, ProviderName } from "../providers/collections.js";
import { applyEarlyCallbacks, findOrphanCallback, readOrphanCallback } from "./callbacks.js";
import { paymentsCollection } from "./records.js";
import { isTerminal } from "./status.js";
import { applyProviderStatus, appendEvent, transition } from "./transitions.js";

export const RECONCILE_MIN_AGE_MS = 2 * 60_000;
export const EXPIRE_AFTER_MS = 30 * 60_000;
const BATCH = 200;

export interface ReconcileDeps {
  readonly db: Firestore;
  readonly provider: (name: ProviderName) => CollectionProvider;
  readonly now: () => number;
}

export interface ReconcileReport {
  readonly checked: number;
  readonly changed: number;
  readonly expired: number;
  readonly errors: number;
}

export interface ReconcileOptions {
  readonly minAgeMs?: number;
  readonly expireAfterMs?: number;
  /** Re-check just these payments (an operator's "check now"), whatever their age. */
  readonly paymentIds?: readonly string[];
}

async function stuckPayments(deps: ReconcileDeps, options: ReconcileOptions, now: number) {
  const payments = paymentsCollection(deps.db);
  if (options.paymentIds) {
    const snapshots = await Promise.all(options.paymentIds.map((id) => payments.doc(id).get()));
    return snapshots.flatMap((snapshot) => {
      const status = snapshot.data()?.status;
      return status === "pending" || status === "processing" ? [snapshot] : [];
    });
  }
  const minAgeMs = options.minAgeMs ?? RECONCILE_MIN_AGE_MS;
  const query = await payments
    .where("status", "in", ["pending", "processing"])
    .where("createdAt", "<=", Timestamp.fromMillis(now - minAgeMs))
    .orderBy("createdAt")
    .limit(BATCH)
    .get();
  return query.docs;
}

export async function reconcileStuckPayments(
  deps: ReconcileDeps,
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const expireAfterMs = options.expireAfterMs ?? EXPIRE_AFTER_MS;
  const now = deps.now();
  const stuck = await stuckPayments(deps, options, now);
  let changed = 0;
  let expired = 0;
  let errors = 0;
  for (const doc of stuck) {
    const payment = doc.data();
    if (!payment) continue;
    let status: CollectionStatus | undefined;
    try {
      status = await deps.provider(payment.provider).queryStatus({
        paymentId: doc.id,
        providerReference: payment.providerReference ?? undefined,
      });
    } catch (error) {
      errors++;
      logger.warn("re-query failed; will retry next run", {
        paymentId: doc.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    const old = now - payment.createdAt.toMillis() >= expireAfterMs;
    const orphanRef = payment.providerReference === null ? await findOrphanCallback(deps.db, payment) : undefined;
    const result = await deps.db.runTransaction(async (tx) => {
      const current = (await tx.get(doc.ref)).data();
      const orphan = orphanRef ? await readOrphanCallback(tx, orphanRef) : undefined;
      if (!current || isTerminal(current.status)) return "unchanged";
      if (orphan && current.providerReference === null) {
        applyEarlyCallbacks(
          deps.db,
          tx,
          doc.ref,
          current,
          current.provider,
          orphan.status.providerReference,
          [orphan],
          {},
        );
        return "changed";
      }
      if (status && status.outcome !== "pending") {
        applyProviderStatus(deps.db, tx, doc.ref, current, status, { type: "requery" });
        return "changed";
      }
      if (old) {
        transition(
          tx,
          doc.ref,
          current,
          "expired",
          {
            failureCode: `${current.provider}:no-final-status`,
            customerMessage:
              "We did not get a confirmation in time, so this payment was closed. If money left your account, contact us with your receipt.",
          },
          { type: "expired", data: { ageMs: now - current.createdAt.toMillis() } },
        );
        return "expired";
      }
      if (status) appendEvent(tx, doc.ref, { type: "requery", data: { outcome: status.outcome } });
      return "unchanged";
    });
    if (result === "changed") changed++;
    if (result === "expired") expired++;
  }
  const report = { checked: stuck.length, changed, expired, errors };
  logger.info("reconciled stuck payments", report);
  return report;
}
