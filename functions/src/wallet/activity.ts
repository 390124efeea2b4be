// listWalletActivity: the caller's activity lines across all their accounts (wallets in every
// currency, points), newest first, a page at a time. One collection-group query on the lines'
// uid; equal times are ordered by document path, so a page boundary never drops or repeats a line.
// The composite indexes it needs are in firestore.indexes.json.
import { FieldPath, Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { ACTIVITY, type ActivityRecord } from "../ledger/collections.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type { ListWalletActivityInput } from "./schemas.js";

export interface ActivityLineView {
  /** Unique across the caller's accounts: an entry touching two of them has a line in each. */
  readonly id: string;
  readonly entryId: string;
  readonly kind: string;
  readonly stage: ActivityRecord["stage"];
  readonly side: ActivityRecord["side"];
  readonly amount: number;
  readonly currency: ActivityRecord["currency"];
  /** ISO 8601, UTC. */
  readonly at: string;
  /** The account's balance after this line, minor units (whole points). */
  readonly balanceAfter: number | null;
}

export interface ActivityPage {
  readonly lines: readonly ActivityLineView[];
  readonly nextCursor: string | null;
}

/** What a cursor is good for: this caller with these filters (the page size may change). */
function scopeOf(input: ListWalletActivityInput, uid: string): string {
  const { currency, kind, from, to } = input;
  return JSON.stringify([uid, currency ?? null, kind ?? null, from ?? null, to ?? null]);
}

export async function listWalletActivity(
  input: ListWalletActivityInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<ActivityPage> {
  const { db } = deps;
  const scope = scopeOf(input, caller.uid);
  const after = input.cursor === undefined ? undefined : decodeCursor(scope, input.cursor);
  await enforceRateLimits(db, "listWalletActivity", caller, deps.now());

  let query = ACTIVITY.group(db).where("uid", "==", caller.uid);
  if (input.currency) query = query.where("currency", "==", input.currency);
  if (input.kind) query = query.where("kind", "==", input.kind);
  if (input.from) query = query.where("at", ">=", Timestamp.fromMillis(input.from.millis));
  if (input.to) query = query.where("at", input.to.inclusive ? "<=" : "<", Timestamp.fromMillis(input.to.millis));
  query = query.orderBy("at", "desc").orderBy(FieldPath.documentId(), "desc");
  if (after) query = query.startAfter(new Timestamp(after.seconds, after.nanoseconds), after.path);
  // One more than a page says whether another page exists without a second query.
  const snapshot = await query.limit(input.pageSize + 1).get();

  const page = snapshot.docs.slice(0, input.pageSize).map((doc) => ({ doc, line: doc.data() }));
  const last = page.at(-1);
  const more = snapshot.docs.length > input.pageSize && last !== undefined;
  return {
    lines: page.map(({ doc, line }) => ({
      id: `${doc.ref.parent.parent?.id ?? ""}/${doc.id}`,
      entryId: line.entryId,
      kind: line.kind,
      stage: line.stage,
      side: line.side,
      amount: line.amount,
      currency: line.currency,
      at: line.at.toDate().toISOString(),
      balanceAfter: line.balanceAfter ?? null,
    })),
    nextCursor: more
      ? encodeCursor(scope, {
          seconds: last.line.at.seconds,
          nanoseconds: last.line.at.nanoseconds,
          path: last.doc.ref.path,
        })
      : null,
  };
}
