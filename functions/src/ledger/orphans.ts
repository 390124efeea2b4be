// A feature that spends from a wallet places its hold before it records what the hold pays for
// (a bill, a withdrawal), so a call whose instance stops in between leaves money held with nothing
// to deliver. After ORPHAN_HOLD_AFTER_MS (far beyond a callable's 60-second timeout, so the call
// cannot still be about to record it) such a hold is released. A hold whose record exists is never
// touched here, however old: its own outcome moves it.
import { Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { AppError } from "../core/errors.js";
import { eachConcurrently } from "../core/workers.js";
import { JOURNAL, type EntryRecord } from "./collections.js";
import { voidHold } from "./journal.js";

export const ORPHAN_HOLD_AFTER_MS = 10 * 60_000;

export interface OrphanSweep {
  readonly db: Firestore;
  readonly now: () => number;
  /** The holds' journal kind. */
  readonly kind: string;
  /** The record a hold pays for, or undefined for a hold of this kind that is not the feature's. */
  readonly recordOf: (entryId: string, entry: EntryRecord) => DocumentReference | undefined;
  readonly limit?: number;
}

/** Releases the old pending holds of one kind whose record was never written; returns how many. */
export async function releaseOrphanedHolds(sweep: OrphanSweep): Promise<number> {
  const held = await JOURNAL.ref(sweep.db)
    .where("kind", "==", sweep.kind)
    .where("status", "==", "pending")
    .where("createdAt", "<=", Timestamp.fromMillis(sweep.now() - ORPHAN_HOLD_AFTER_MS))
    .limit(sweep.limit ?? 100)
    .get();
  let released = 0;
  await eachConcurrently(held.docs, 5, async (doc) => {
    const record = sweep.recordOf(doc.id, doc.data());
    if (record === undefined || (await record.get()).exists) return;
    try {
      await voidHold(sweep.db, doc.id, sweep.now);
      released += 1;
      logger.warn("hold without its record released", { entryId: doc.id, kind: sweep.kind });
    } catch (error) {
      // Moved by its own outcome meanwhile: nothing to release.
      if (!(error instanceof AppError && error.code === "failed-precondition")) throw error;
    }
  });
  return released;
}
