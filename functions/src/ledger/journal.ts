// The journal: every movement of money is one entry (journal/{id}) whose id is the movement's
// idempotency key, derived from its source (topup:{paymentId}, reverse:{entryId}, ...). An entry,
// every account it touches and one activity line per account are written in one atomic commit,
// so a movement happens entirely or not at all.
//
// Concurrency is optimistic: the user accounts are read, the new balances computed and checked,
// then one batch is committed whose preconditions say "these accounts are unchanged since read"
// and "this entry does not exist yet". Whoever loses a race reads again. No lock is held (the
// Firestore emulator breaks lock conflicts between concurrent transactions only by timeout, and a
// hot wallet would queue on its lock in production too), so 50 concurrent debits of one wallet
// admit exactly what the balance covers. Platform accounts are not read at all: each movement adds
// to one random shard with an increment, so they never contend.
import { createHash, randomInt } from "node:crypto";

import {
  FieldValue,
  Timestamp,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
  type WriteBatch,
} from "firebase-admin/firestore";

import { getAllOf } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { POINTS } from "../shared/catalog.js";
import { formatMoney } from "../shared/money.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { availableOf, balanceOf, isPlatform, PLATFORM_SHARDS, ZERO, type Account, type Balances } from "./accounts.js";
import {
  ACTIVITY,
  JOURNAL,
  LEDGER_ACCOUNTS,
  LEDGER_EVENTS,
  SHARDS,
  type AccountRecord,
  type ActivityRecord,
  type EntryRecord,
  type EntryStatus,
} from "./collections.js";
import { applyStage, checkPostings, type Posting, type Side, type Stage } from "./postings.js";

export type { EntryStatus };

export interface JournalEntry {
  readonly id: string;
  readonly kind: string;
  readonly status: EntryStatus;
  readonly postings: readonly Posting[];
  readonly reference: string | null;
  readonly parent: string | null;
  readonly announce: boolean;
}

export interface Movement {
  /** The idempotency key: the same id again returns the first entry and changes nothing. */
  readonly id: string;
  /** What the movement is: "topup", "purchase", "reversal", ... */
  readonly kind: string;
  readonly postings: readonly Posting[];
  /** Place the entry as a hold (pending) to commit or void later, instead of posting it. */
  readonly hold?: boolean;
  /** The outside reference, such as the provider's receipt. */
  readonly reference?: string;
  /** The entry this one corrects. */
  readonly parent?: string;
  /** Let user accounts go below zero (a points clawback); never for spending. */
  readonly allowNegative?: boolean;
  /** Facts for the features that follow the entry (rewards/award.ts reads uid and pointsEarned). */
  readonly meta?: Readonly<Record<string, string | number>>;
  /** Announce the entry in ledgerEvents/{id} when it is posted (and its reversal, when reversed). */
  readonly announce?: boolean;
}

const BUSY = "The ledger is busy with this account. Please try again in a few seconds.";

const journal = (db: Firestore) => JOURNAL.ref(db);
const accountRef = (db: Firestore, id: string) => LEDGER_ACCOUNTS.ref(db).doc(id);

function toEntry(id: string, snapshot: DocumentSnapshot<EntryRecord>): JournalEntry {
  const data = snapshot.data();
  if (!data) throw new AppError("not-found", `journal entry ${id}: no such entry.`);
  return {
    id,
    kind: data.kind,
    status: data.status,
    reference: data.reference,
    parent: data.parent,
    announce: data.announce ?? false,
    postings: data.postings.map((p) => ({
      account: {
        id: p.accountId,
        kind: p.kind,
        owner: p.owner,
        currency: p.currency,
      },
      side: p.side,
      amount: p.amount,
    })),
  };
}

function hashOf(movement: Movement): string {
  const canonical = JSON.stringify({
    kind: movement.kind,
    hold: movement.hold ?? false,
    reference: movement.reference ?? null,
    parent: movement.parent ?? null,
    allowNegative: movement.allowNegative ?? false,
    meta: movement.meta ?? null,
    announce: movement.announce ?? false,
    postings: movement.postings.map((p) => [p.account.id, p.side, p.amount]),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

function balancesIn(snapshot: DocumentSnapshot<AccountRecord>): Balances {
  const data = snapshot.data();
  if (!data) return ZERO;
  const { debits, credits, pendingDebits, pendingCredits } = data;
  return { debits, credits, pendingDebits, pendingCredits };
}

function nameOf(account: Account): string {
  if (account.kind === "wallet") return `your ${account.currency} wallet`;
  if (account.kind === "points") return "your points";
  return account.id;
}

function describe(account: Account, amount: number): string {
  return account.currency === POINTS ? `${amount} points` : formatMoney(amount, account.currency);
}

/**
 * Adds the effect of `postings` at `stage` to the batch: user accounts compare-and-set from what
 * was read (refusing to go below zero unless allowed), platform accounts incremented on a shard,
 * and an activity line for every account.
 */
function stageWrites(
  db: Firestore,
  batch: WriteBatch,
  entryId: string,
  postings: readonly Posting[],
  stage: Stage,
  read: ReadonlyMap<string, DocumentSnapshot<AccountRecord>>,
  options: { kind: string; allowNegative: boolean; at: Timestamp },
): void {
  for (const { account, side, amount } of postings) {
    const ref = accountRef(db, account.id);
    const line: ActivityRecord = {
      entryId,
      kind: options.kind,
      stage,
      side,
      amount,
      currency: account.currency,
      at: options.at,
    };
    const activity = ACTIVITY.under(ref).doc(stage === "post" || stage === "hold" ? entryId : `${entryId}:${stage}`);
    if (isPlatform(account)) {
      const delta = applyStage(ZERO, side, amount, stage);
      const shard = SHARDS.under(ref).doc(String(randomInt(PLATFORM_SHARDS)));
      batch.set(
        shard,
        {
          debits: FieldValue.increment(delta.debits),
          credits: FieldValue.increment(delta.credits),
          pendingDebits: FieldValue.increment(delta.pendingDebits),
          pendingCredits: FieldValue.increment(delta.pendingCredits),
        },
        { merge: true },
      );
      batch.create(activity, line);
      continue;
    }
    const snapshot = read.get(account.id);
    if (!snapshot) throw new Error(`ledger: account ${account.id} was not read before its movement`);
    const next = applyStage(balancesIn(snapshot), side, amount, stage);
    if (!options.allowNegative && availableOf(next) < 0) {
      const available = availableOf(balancesIn(snapshot));
      throw new AppError(
        "failed-precondition",
        `Insufficient funds: ${describe(account, available)} available in ${nameOf(account)}, ${describe(account, amount)} needed.`,
        { account: account.id, available, needed: amount },
      );
    }
    const data: AccountRecord = {
      ...next,
      uid: account.owner,
      owner: account.owner,
      kind: account.kind,
      currency: account.currency,
      updatedAt: options.at,
    };
    if (snapshot.updateTime) batch.update(ref, data, { lastUpdateTime: snapshot.updateTime });
    else batch.create(ref, data);
    batch.create(activity, {
      ...line,
      uid: account.owner,
      balanceAfter: balanceOf(next),
      availableAfter: availableOf(next),
    });
  }
}

/**
 * The entry and the user accounts it touches, read at one consistent time (one getAll), so a
 * balance is never judged against an entry read before a concurrent movement committed.
 */
async function readForMovement(
  db: Firestore,
  entryRef: DocumentReference<EntryRecord>,
  postings: readonly Posting[],
): Promise<{ entry: DocumentSnapshot<EntryRecord>; read: Map<string, DocumentSnapshot<AccountRecord>> }> {
  const users = postings.filter(({ account }) => !isPlatform(account)).map(({ account }) => account.id);
  const [entry, accountSnapshots] = await getAllOf(
    db,
    entryRef,
    users.map((id) => accountRef(db, id)),
  );
  return { entry, read: new Map(accountSnapshots.map((snapshot) => [snapshot.id, snapshot])) };
}

function existingOrConflict(id: string, snapshot: DocumentSnapshot<EntryRecord>, requestHash: string): JournalEntry {
  if (snapshot.data()?.requestHash !== requestHash) {
    throw new AppError(
      "already-exists",
      `journal entry ${id} already records a different movement; a new movement needs a new id.`,
    );
  }
  return toEntry(id, snapshot);
}

/**
 * One movement read and decided but not committed: what it read (for the caller's "unchanged
 * since read" version), the entry if the same movement was committed before, and `stage`, which
 * adds its writes to a batch, refusing (AppError) when a user account would go below zero. A
 * feature whose own documents must change in the same commit as a movement (a refund reserving
 * its amount while it holds the wallet) plans it, stages it into its batch and commits both.
 */
export interface PlannedMovement {
  readonly snapshots: readonly DocumentSnapshot[];
  readonly existing: JournalEntry | undefined;
  stage(batch: WriteBatch): JournalEntry;
}

export async function planMovement(
  db: Firestore,
  movement: Movement,
  now: () => number = Date.now,
): Promise<PlannedMovement> {
  checkPostings(movement.postings);
  const requestHash = hashOf(movement);
  const entryRef = journal(db).doc(movement.id);
  const { entry, read } = await readForMovement(db, entryRef, movement.postings);
  const snapshots = [entry, ...read.values()];
  if (entry.exists) {
    const existing = existingOrConflict(movement.id, entry, requestHash);
    return {
      snapshots,
      existing,
      stage: () => existing,
    };
  }
  return {
    snapshots,
    existing: undefined,
    stage(batch) {
      const at = Timestamp.fromMillis(now());
      const status: EntryStatus = movement.hold ? "pending" : "posted";
      const allowNegative = movement.allowNegative ?? false;
      stageWrites(db, batch, movement.id, movement.postings, movement.hold ? "hold" : "post", read, {
        kind: movement.kind,
        allowNegative,
        at,
      });
      batch.create(entryRef, {
        kind: movement.kind,
        status,
        postings: movement.postings.map(({ account, side, amount }) => ({
          accountId: account.id,
          kind: account.kind,
          owner: account.owner,
          currency: account.currency,
          side,
          amount,
        })),
        requestHash,
        reference: movement.reference ?? null,
        parent: movement.parent ?? null,
        allowNegative,
        meta: movement.meta ?? null,
        announce: movement.announce ?? false,
        createdAt: at,
        updatedAt: at,
      });
      const created: JournalEntry = {
        id: movement.id,
        kind: movement.kind,
        status,
        postings: movement.postings,
        reference: movement.reference ?? null,
        parent: movement.parent ?? null,
        announce: movement.announce ?? false,
      };
      if (status === "posted" && created.announce) announce(db, batch, movement.id, movement.kind, at);
      return created;
    },
  };
}

/** Posts (or holds) one movement exactly once. */
export async function postEntry(
  db: Firestore,
  movement: Movement,
  now: () => number = Date.now,
): Promise<JournalEntry> {
  checkPostings(movement.postings);
  return commitOptimistically(async () => {
    const plan = await planMovement(db, movement, now);
    const version = versionOf(plan.snapshots);
    const { existing } = plan;
    if (existing) return { version, commit: () => Promise.resolve(existing) };
    const batch = db.batch();
    const created = plan.stage(batch);
    return { version, commit: async () => (await batch.commit(), created) };
  }, BUSY);
}

/** Resolves a hold exactly once: commit posts it, void releases it; the other way round is refused. */
async function resolveHold(
  db: Firestore,
  id: string,
  stage: "commit" | "void",
  now: () => number,
): Promise<JournalEntry> {
  const target: EntryStatus = stage === "commit" ? "posted" : "voided";
  const entryRef = journal(db).doc(id);
  return commitOptimistically(async () => {
    const first = await entryRef.get();
    if (!first.exists) throw new AppError("not-found", `journal entry ${id}: no such hold.`);
    const { entry: snapshot, read } = await readForMovement(db, entryRef, toEntry(id, first).postings);
    const { updateTime } = snapshot;
    if (!updateTime) throw new AppError("not-found", `journal entry ${id}: no such hold.`);
    const entry = toEntry(id, snapshot);
    const version = versionOf([snapshot, ...read.values()]);
    if (entry.status === target) return { version, commit: () => Promise.resolve(entry) };
    if (entry.status !== "pending") {
      throw new AppError(
        "failed-precondition",
        `journal entry ${id} is ${entry.status}; a hold that is ${entry.status} cannot be ${stage === "commit" ? "committed" : "voided"}.`,
      );
    }
    const at = Timestamp.fromMillis(now());
    const batch = db.batch();
    // Committing or voiding never lowers what is available, so no balance check can refuse it.
    stageWrites(db, batch, id, entry.postings, stage, read, { kind: entry.kind, allowNegative: true, at });
    batch.update(entryRef, { status: target, updatedAt: at }, { lastUpdateTime: updateTime });
    if (target === "posted" && entry.announce) announce(db, batch, id, entry.kind, at);
    const resolved: JournalEntry = { ...entry, status: target };
    return { version, commit: async () => (await batch.commit(), resolved) };
  }, BUSY);
}

export function commitHold(db: Firestore, id: string, now: () => number = Date.now): Promise<JournalEntry> {
  return resolveHold(db, id, "commit", now);
}

export function voidHold(db: Firestore, id: string, now: () => number = Date.now): Promise<JournalEntry> {
  return resolveHold(db, id, "void", now);
}

function announce(db: Firestore, batch: WriteBatch, entryId: string, kind: string, at: Timestamp): void {
  batch.create(LEDGER_EVENTS.ref(db).doc(entryId), { entryId, kind, at });
}

const OPPOSITE: Readonly<Record<Side, Side>> = { debit: "credit", credit: "debit" };

/**
 * Corrects a posted entry with a new one that mirrors it (reverse:{id}); the original is never
 * edited. Reversing twice returns the first reversal.
 */
export async function reverseEntry(
  db: Firestore,
  id: string,
  options: { allowNegative?: boolean } = {},
  now: () => number = Date.now,
): Promise<JournalEntry> {
  const snapshot = await journal(db).doc(id).get();
  if (!snapshot.exists) throw new AppError("not-found", `journal entry ${id}: nothing to reverse.`);
  const entry = toEntry(id, snapshot);
  if (entry.status !== "posted") {
    throw new AppError(
      "failed-precondition",
      `journal entry ${id} is ${entry.status}: only posted entries are reversed (void a hold).`,
    );
  }
  return postEntry(
    db,
    {
      id: `reverse:${id}`,
      kind: "reversal",
      parent: id,
      postings: entry.postings.map((p) => ({ ...p, side: OPPOSITE[p.side] })),
      ...(options.allowNegative ? { allowNegative: true } : {}),
      ...(entry.announce ? { announce: true } : {}),
    },
    now,
  );
}

/** An account's balances now: its document for a user account, the sum of its shards for a platform one. */
export async function readBalances(db: Firestore, account: Account): Promise<Balances> {
  const ref = accountRef(db, account.id);
  if (!isPlatform(account)) return balancesIn(await ref.get());
  const shards = await SHARDS.under(ref).get();
  return shards.docs.reduce<Balances>((sum, doc) => {
    const shard = doc.data();
    return {
      debits: sum.debits + (shard.debits ?? 0),
      credits: sum.credits + (shard.credits ?? 0),
      pendingDebits: sum.pendingDebits + (shard.pendingDebits ?? 0),
      pendingCredits: sum.pendingCredits + (shard.pendingCredits ?? 0),
    };
  }, ZERO);
}

/** A journal entry as stored, if there is one. */
export async function readEntry(db: Firestore, id: string): Promise<EntryRecord | undefined> {
  return (await journal(db).doc(id).get()).data();
}
