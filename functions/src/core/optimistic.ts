// Optimistic commits: read, decide, then commit one batch whose preconditions say "unchanged since
// read" (or "still absent"); whoever loses a race reads again. Nobody holds a lock, so a burst on
// one document cannot deadlock (the Firestore emulator breaks lock conflicts between concurrent
// transactions only by timeout, and a hot document queues on its lock in production too). The
// rate limiter and the ledger both commit this way.
import type { DocumentSnapshot } from "firebase-admin/firestore";

import { AppError, FIRESTORE_STATUS, firestoreStatus } from "./errors.js";

/** Lost races in a row, with nothing read changing in between, before the caller is asked to retry. */
const STALLED_ATTEMPTS = 10;

/** A precondition refused (someone else committed first) or an abort under contention. */
function lostRace(error: unknown): boolean {
  const code = firestoreStatus(error);
  return (
    code === FIRESTORE_STATUS.ALREADY_EXISTS ||
    code === FIRESTORE_STATUS.FAILED_PRECONDITION ||
    code === FIRESTORE_STATUS.ABORTED
  );
}

/** How the documents stood when read: their update times, or "absent". */
export function versionOf(snapshots: readonly DocumentSnapshot[]): string {
  return snapshots.map((snapshot) => snapshot.updateTime?.toMillis() ?? "absent").join(",");
}

export interface Attempt<T> {
  /** versionOf what the attempt read. */
  readonly version: string;
  readonly commit: () => Promise<T>;
}

/**
 * Runs `attempt` (read and decide, which may throw to refuse) and its commit until the commit
 * lands. A lost race means something it read changed, which is someone else's progress, and
 * progress is bounded by what the documents allow (a limit, a balance); races lost while nothing
 * changed (aborts) end after STALLED_ATTEMPTS with `unavailable`: nothing written, safe to retry.
 */
export async function commitOptimistically<T>(attempt: () => Promise<Attempt<T>>, busyMessage: string): Promise<T> {
  let previous: string | undefined;
  let stalled = 0;
  for (let round = 1; ; round++) {
    const { version, commit } = await attempt();
    stalled = version === previous ? stalled + 1 : 0;
    previous = version;
    if (stalled >= STALLED_ATTEMPTS) throw new AppError("unavailable", busyMessage);
    try {
      return await commit();
    } catch (error) {
      if (!lostRace(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * Math.min(round, 5)));
    }
  }
}
