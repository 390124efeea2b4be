// Reward points, a ledger currency of their own (PTS). A purchase that is posted earns the points
// its quote promised (rewards/earn.ts: on the cash-paid purchase amount only, never on the fee,
// a top-up or the part paid with points), credited by the journal trigger with the entry
// points:{purchaseEntryId}, so a trigger delivered twice awards once. Purchases ask the ledger to
// announce them (ledgerEvents/{entryId}); the trigger follows those, not every journal write. A reversal of a purchase
// claws back the same share of those points, with points:{reversalEntryId}, even below zero:
// otherwise buy, earn, refund could be repeated for free points.
import type { Firestore } from "firebase-admin/firestore";

import { accounts } from "../ledger/accounts.js";
import type { EntryRecord } from "../ledger/collections.js";
import { postEntry, readEntry } from "../ledger/journal.js";

export function pointsEntryId(sourceEntryId: string): string {
  return `points:${sourceEntryId}`;
}

/** The points a posted entry earns, when it is a purchase that promised some. */
function earned(entry: EntryRecord): { uid: string; points: number } | undefined {
  const { uid, pointsEarned } = entry.meta ?? {};
  if (entry.kind !== "purchase" || entry.status !== "posted") return undefined;
  if (typeof uid !== "string" || typeof pointsEarned !== "number" || pointsEarned <= 0) return undefined;
  return { uid, points: pointsEarned };
}

/** The amount on the purchase's payee leg, on the given side (the base of a proportional clawback). */
function payeeLeg(entry: EntryRecord, payee: string | number | undefined, side: "credit" | "debit"): number {
  return entry.postings.find((p) => p.accountId === payee && p.side === side)?.amount ?? 0;
}

/**
 * Follows an announced entry (ledgerEvents/{entryId}, written when it was posted). Awards points for
 * a posted purchase; claws them back for a reversal of one, in proportion to what the reversal
 * returns (all of them for a full reversal), rounded up so a refund never leaves a point that was
 * not earned. Both are entries keyed by their source, so running twice awards once.
 */
export async function followPostedEntry(db: Firestore, entryId: string): Promise<void> {
  const entry = await readEntry(db, entryId);
  if (entry?.status !== "posted") return;
  const award = earned(entry);
  if (award) {
    await postEntry(db, {
      id: pointsEntryId(entryId),
      kind: "points-earned",
      parent: entryId,
      postings: [
        { account: accounts.pointsLiability(), side: "debit", amount: award.points },
        { account: accounts.points(award.uid), side: "credit", amount: award.points },
      ],
    });
    return;
  }
  if (entry.kind !== "reversal" || !entry.parent) return;
  const original = await readEntry(db, entry.parent);
  const promised = original && earned(original);
  if (!original || !promised) return;
  const payee = original.meta?.payee;
  const paid = payeeLeg(original, payee, "credit");
  const returned = payeeLeg(entry, payee, "debit");
  if (paid <= 0 || returned <= 0) return;
  const points = Math.min(promised.points, Math.ceil((promised.points * returned) / paid));
  await postEntry(db, {
    id: pointsEntryId(entryId),
    kind: "points-clawback",
    parent: entryId,
    allowNegative: true,
    postings: [
      { account: accounts.points(promised.uid), side: "debit", amount: points },
      { account: accounts.pointsLiability(), side: "credit", amount: points },
    ],
  });
}
