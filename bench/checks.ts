// What the payment benchmarks send (one KES 100.00 wallet top-up per call) and check after a run, through
// the emulator path or the host: the payments' final documents, callback → succeeded latency, and
// whether anything was lost (created but not succeeded, or without its receipt) or duplicated (more
// than one payment per user, one provider push, one `succeeded` transition or one receipt per
// payment).
import type { DocumentSnapshot, Firestore, Timestamp } from "firebase-admin/firestore";

import type { RecordedRequest } from "../sandbox/src/faults.ts";
import { call, idempotencyKey, type CallResult } from "../tests/support/client.ts";
import { pool } from "../tests/support/pool.ts";

/** Unique Safaricom numbers ending 0000 (the simulator's success outcome). */
export const benchPhone = (index: number): string => `+2547${String(index % 10_000).padStart(4, "0")}0000`;

/** The benchmarks' payment: KES 100.00, a wallet top-up, a new idempotency key, payer number `index`. */
export function benchPayment(
  index: number,
  email: string,
  options: Parameters<typeof call>[2],
): Promise<CallResult<{ paymentId: string; status: string }>> {
  return call(
    "createPayment",
    {
      idempotencyKey: idempotencyKey(),
      purpose: "wallet-topup",
      amount: 100_00,
      currency: "KES",
      phone: benchPhone(index),
      email,
    },
    options,
  );
}

export async function paymentSnapshots(db: Firestore, ids: readonly string[]): Promise<DocumentSnapshot[]> {
  const snapshots: DocumentSnapshot[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    snapshots.push(...(await db.getAll(...ids.slice(i, i + 100).map((id) => db.collection("payments").doc(id)))));
  }
  return snapshots;
}

/** The simulator's callback-sent time to the transition's server timestamp, per payment. */
export function callbackToSucceeded(
  snapshots: readonly DocumentSnapshot[],
  requests: readonly RecordedRequest[],
): number[] {
  const sent = new Map<string, number>();
  for (const request of requests) {
    if (request.path === "callback-sent" && request.reference) sent.set(request.reference, Date.parse(request.at));
  }
  const latencies: number[] = [];
  for (const snapshot of snapshots) {
    const sentAt = sent.get(snapshot.get("providerReference") as string);
    const settledAt = snapshot.get("settledAt") as Timestamp | null | undefined;
    if (sentAt !== undefined && settledAt) latencies.push(settledAt.toMillis() - sentAt);
  }
  return latencies;
}

/** Receipt emails per payment, for the given users' payments. */
export async function receiptsPerPayment(db: Firestore, uids: ReadonlySet<string>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const docs = (await db.collection("mail").where("kind", "==", "receipt").get()).docs;
  for (const doc of docs) {
    if (!uids.has(doc.get("uid") as string)) continue;
    const id = doc.get("paymentId") as string;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export interface Tally {
  readonly succeeded: number;
  readonly receiptTotal: number;
  readonly receiptPayments: number;
  readonly lost: number;
  readonly duplicated: number;
}

export async function tally(options: {
  readonly db: Firestore;
  /** The payments createPayment answered with. */
  readonly ids: readonly string[];
  readonly uids: readonly string[];
  /** createPayment calls that failed. */
  readonly failures: number;
  readonly snapshots: readonly DocumentSnapshot[];
  /** The provider's accepted pushes for these payments' payers. */
  readonly pushes: number;
  /** How long to give the receipt trigger to catch up with the last payments. */
  readonly receiptWaitSeconds: number;
}): Promise<Tally> {
  const { db, ids, snapshots } = options;
  const succeeded = snapshots.filter((s) => s.get("status") === "succeeded").length;
  let paymentsForUsers = 0;
  for (let i = 0; i < options.uids.length; i += 30) {
    const batch = options.uids.slice(i, i + 30);
    paymentsForUsers += (await db.collection("payments").where("uid", "in", batch).count().get()).data().count;
  }
  const transitions = await pool(ids, 20, async (id) => {
    const events = await db
      .collection("payments")
      .doc(id)
      .collection("events")
      .where("to", "==", "succeeded")
      .count()
      .get();
    return events.data().count;
  });
  const uids = new Set(options.uids);
  let receipts = await receiptsPerPayment(db, uids);
  for (let waited = 0; receipts.size < succeeded && waited < options.receiptWaitSeconds; waited++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    receipts = await receiptsPerPayment(db, uids);
  }
  const receiptTotal = [...receipts.values()].reduce((sum, count) => sum + count, 0);
  return {
    succeeded,
    receiptTotal,
    receiptPayments: receipts.size,
    lost: ids.length - succeeded + options.failures + Math.max(0, succeeded - receipts.size),
    duplicated:
      Math.max(0, paymentsForUsers - ids.length) +
      transitions.filter((count) => count !== 1).length +
      Math.max(0, options.pushes - ids.length) +
      (receiptTotal - receipts.size),
  };
}
