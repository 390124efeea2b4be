// The transaction PIN that every movement of money out of a wallet asks for. pins/{uid} holds its
// salted, peppered scrypt hash (pin-hash.ts) and the count of wrong tries (pin-policy.ts); no
// client reads or writes it.
//
// Wrong tries are counted exactly however many arrive at once, without a transaction: a try reads
// the document, computes scrypt outside any transaction (50+ ms that would otherwise hold a lock
// and make concurrent tries deadlock on it in the emulator), then commits its effect with an
// "unchanged since read" precondition. A try that loses the race reads again and judges again,
// without hashing again unless the PIN itself changed. So with 7 wrong tries at once, 5 are
// counted one after another, the 5th sets the lock, and the other 2 read the lock and are refused
// as locked, uncounted.
import { randomUUID } from "node:crypto";

import { Timestamp, type DocumentReference, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";

import type { Caller } from "../core/callable.js";
import { defineCollection } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { describeWait, enforceRateLimits } from "../core/rate-limit.js";
import { consumeStepUp, stepUpNeeded } from "../twofactor/step-up.js";
import { hashPin, pinMatches, pinPepper, type StoredHash } from "./pin-hash.js";
import {
  afterWrongPin,
  currentLock,
  lockRemainingMs,
  MAX_WRONG_PINS,
  triesLeft,
  UNLOCKED,
  type PinLock,
} from "./pin-policy.js";
import type { ChangePinInput, SetPinInput } from "./pin-schemas.js";

const timestamp = z.instanceof(Timestamp);

export const pinSchema = z.object({
  uid: z.string(),
  hash: z.string(),
  salt: z.string(),
  kdf: z.object({
    name: z.literal("scrypt"),
    N: z.number().int(),
    r: z.number().int(),
    p: z.number().int(),
    keyLength: z.number().int(),
  }),
  wrongAttempts: z.number().int().nonnegative(),
  lockedUntil: timestamp.nullable(),
  /** When this PIN was set or last changed. */
  setAt: timestamp,
});
export type PinRecord = z.infer<typeof pinSchema>;

export const PINS = defineCollection("pins", pinSchema);

const BUSY = "Your PIN is being checked by several requests at once. Please try again in a few seconds.";

const pinRef = (db: Firestore, uid: string) => PINS.ref(db).doc(uid);

function lockOf(record: PinRecord): PinLock {
  return { wrongAttempts: record.wrongAttempts, lockedUntil: record.lockedUntil?.toMillis() ?? null };
}

function storedLock(lock: PinLock): Pick<PinRecord, "wrongAttempts" | "lockedUntil"> {
  return {
    wrongAttempts: lock.wrongAttempts,
    lockedUntil: lock.lockedUntil === null ? null : Timestamp.fromMillis(lock.lockedUntil),
  };
}

function noPin(): AppError {
  return new AppError("failed-precondition", "Set a transaction PIN first (setPin), then try again.");
}

function locked(remainingMs: number): AppError {
  const retryAfterSeconds = Math.ceil(remainingMs / 1000);
  return new AppError(
    "resource-exhausted",
    `Your PIN is locked after ${MAX_WRONG_PINS} wrong tries: try again in ${describeWait(retryAfterSeconds)}.`,
    { retryAfterSeconds },
  );
}

function wrongPin(field: string, lock: PinLock, now: number): AppError {
  const left = triesLeft(lock);
  if (left > 0) {
    const message = `${field}: that PIN is not right. ${left} ${left === 1 ? "try" : "tries"} left.`;
    return new AppError("invalid-argument", message, { triesLeft: left });
  }
  const retryAfterSeconds = Math.ceil(lockRemainingMs(lock, now) / 1000);
  return new AppError(
    "invalid-argument",
    `${field}: that PIN is not right, and that was the last try: your PIN is locked, try again in ${describeWait(retryAfterSeconds)}.`,
    { triesLeft: 0, retryAfterSeconds },
  );
}

/** Remembers the verdict on the PIN as last read, so a lost race re-hashes only if the PIN changed. */
function verdicts(pin: string, pepper: string): (stored: StoredHash) => Promise<boolean> {
  let last: { key: string; right: Promise<boolean> } | undefined;
  return (stored) => {
    const key = JSON.stringify([stored.hash, stored.salt, stored.kdf]);
    if (last?.key !== key) last = { key, right: pinMatches(pin, stored, pepper) };
    return last.right;
  };
}

interface Check {
  readonly db: Firestore;
  readonly uid: string;
  readonly pin: string;
  /** The input field the PIN came in, named in the wrong-PIN message. */
  readonly field: string;
  readonly now: number;
  /** What a right PIN changes besides clearing the count (changePin: the new hash). */
  readonly onRight?: () => Promise<Partial<PinRecord>>;
}

/**
 * One try of a PIN, counted exactly: refused uncounted when there is no PIN or it is locked;
 * a wrong try is committed, then thrown; a right one clears the count (and applies onRight).
 */
async function checkPin(check: Check): Promise<void> {
  const { db, uid, now } = check;
  const ref = pinRef(db, uid);
  const judge = verdicts(check.pin, pinPepper());
  const outcome = await commitOptimistically(async () => {
    const snapshot = await ref.get();
    const record = snapshot.data();
    if (!record) throw noPin();
    const lock = currentLock(lockOf(record), now);
    const remainingMs = lockRemainingMs(lock, now);
    if (remainingMs > 0) throw locked(remainingMs);
    const version = versionOf([snapshot]);
    if (await judge(record)) {
      const changes = check.onRight ? await check.onRight() : {};
      const unchanged = Object.keys(changes).length === 0 && record.wrongAttempts === 0 && record.lockedUntil === null;
      if (unchanged) return { version, commit: () => Promise.resolve(undefined) };
      return { version, commit: () => update(ref, snapshot, { ...changes, ...storedLock(UNLOCKED) }, undefined) };
    }
    const next = afterWrongPin(lock, now);
    return { version, commit: () => update(ref, snapshot, storedLock(next), next) };
  }, BUSY);
  if (outcome) throw wrongPin(check.field, outcome, now);
}

async function update<T>(
  ref: DocumentReference<PinRecord>,
  read: DocumentSnapshot<PinRecord>,
  changes: Partial<PinRecord>,
  result: T,
): Promise<T> {
  if (!read.updateTime) throw new Error(`${ref.path} was read without an update time`);
  await ref.update(changes, { lastUpdateTime: read.updateTime });
  return result;
}

/**
 * Resolves when `pin` is the user's transaction PIN (and clears their wrong tries); otherwise
 * throws: no PIN (failed-precondition), wrong (invalid-argument, counted), locked
 * (resource-exhausted with details.retryAfterSeconds). The function must list PIN_SECRETS.
 */
export async function verifyPin(db: Firestore, uid: string, pin: string, now: number): Promise<void> {
  await checkPin({ db, uid, pin, field: "pin", now });
}

/** For the wallet page: whether a PIN is set, and until when (epoch ms) it is locked. */
export async function pinStatus(
  db: Firestore,
  uid: string,
  now: number,
): Promise<{ set: boolean; lockedUntil: number | null }> {
  const record = (await pinRef(db, uid).get()).data();
  if (!record) return { set: false, lockedUntil: null };
  return { set: true, lockedUntil: lockRemainingMs(lockOf(record), now) > 0 ? lockOf(record).lockedUntil : null };
}

interface PinDeps {
  readonly db: Firestore;
  readonly now: () => number;
}

/** Hashes once, on first need, however many times a lost race asks. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

function newRecord(uid: string, stored: StoredHash, now: number): PinRecord {
  return { uid, ...stored, ...storedLock(UNLOCKED), setAt: Timestamp.fromMillis(now) };
}

export async function setPin(input: SetPinInput, caller: Caller, deps: PinDeps): Promise<{ pinSet: true }> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "setPin", caller, now);
  const ref = pinRef(db, caller.uid);
  const pepper = pinPepper();
  const hashed = once(() => hashPin(input.pin, pepper));
  await commitOptimistically(async () => {
    const snapshot = await ref.get();
    if (snapshot.exists) {
      throw new AppError("failed-precondition", "You already have a transaction PIN: use changePin to change it.");
    }
    const record = newRecord(caller.uid, await hashed(), now);
    return { version: versionOf([snapshot]), commit: () => ref.create(record) };
  }, BUSY);
  return { pinSet: true };
}

export async function changePin(input: ChangePinInput, caller: Caller, deps: PinDeps): Promise<{ pinSet: true }> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "changePin", caller, now);
  // Users with two-step verification also present a grant for a PIN change: refused up front when
  // there is none; used up only once the current PIN proved right (so a mistyped PIN does not cost
  // the code), before the new PIN is written. A lost race presents it again under the same claim.
  const need = { uid: caller.uid, operation: "changePin" as const, grantId: input.stepUpGrant };
  const grantNeeded = await stepUpNeeded(db, need);
  const claim = `changePin:${randomUUID()}`;
  const pepper = pinPepper();
  const hashed = once(() => hashPin(input.newPin, pepper));
  await checkPin({
    db,
    uid: caller.uid,
    pin: input.currentPin,
    field: "currentPin",
    now,
    onRight: async () => {
      if (grantNeeded) await consumeStepUp(db, { ...need, grantId: input.stepUpGrant ?? "", claim, now });
      return { ...(await hashed()), setAt: Timestamp.fromMillis(now) };
    },
  });
  return { pinSet: true };
}
