// Checking a second factor: a current TOTP code or one recovery code, counted like the PIN
// (wallet/pin.ts): read twoFactor/{uid}, judge outside any transaction, then commit with an
// "unchanged since read" precondition; a lost race reads again and judges again.
//
// That precondition is what makes a code single-use. An accepted code's time step is written as
// lastStep in the same commit that accepts it, and a code is accepted only for a step after
// lastStep. Of 5 concurrent submissions of one code, all read the same lastStep and judge the code
// right, but only one commit lands (the others' preconditions fail: the document changed); the
// others read again, see lastStep = that step, and are refused as already used. The same holds for
// a recovery code (its usedAt) and for whatever the check writes with its acceptance (a step-up
// grant, the enrolment's activation): it lands in the same commit or not at all.
import {
  Timestamp,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
  type WriteBatch,
} from "firebase-admin/firestore";

import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { describeWait } from "../core/rate-limit.js";
import { constantTimeEqual } from "../shared/hashing.js";
import {
  afterWrongPin,
  currentLock,
  lockRemainingMs,
  MAX_WRONG_PINS,
  triesLeft,
  UNLOCKED,
  type PinLock,
} from "../wallet/pin-policy.js";
import { TWO_FACTOR, type TwoFactorRecord } from "./collections.js";
import { decryptSecret, hashRecoveryCode } from "./crypto.js";
import { matchedStep } from "./totp.js";

export type Factor = { readonly code: string } | { readonly recoveryCode: string };
export type FactorMethod = "totp" | "recovery-code";

const BUSY = "Your code is being checked by several requests at once. Please try again in a few seconds.";

export const twoFactorRef = (db: Firestore, uid: string): DocumentReference<TwoFactorRecord> =>
  TWO_FACTOR.ref(db).doc(uid);

export function lockOf(record: Pick<TwoFactorRecord, "wrongAttempts" | "lockedUntil">): PinLock {
  return { wrongAttempts: record.wrongAttempts, lockedUntil: record.lockedUntil?.toMillis() ?? null };
}

export function storedLock(lock: PinLock): Pick<TwoFactorRecord, "wrongAttempts" | "lockedUntil"> {
  return {
    wrongAttempts: lock.wrongAttempts,
    lockedUntil: lock.lockedUntil === null ? null : Timestamp.fromMillis(lock.lockedUntil),
  };
}

function locked(remainingMs: number): AppError {
  const retryAfterSeconds = Math.ceil(remainingMs / 1000);
  return new AppError(
    "resource-exhausted",
    `Two-step verification is locked after ${MAX_WRONG_PINS} wrong codes: try again in ${describeWait(retryAfterSeconds)}.`,
    { retryAfterSeconds },
  );
}

function wrongCode(field: string, lock: PinLock, now: number): AppError {
  const left = triesLeft(lock);
  const what = field === "recoveryCode" ? "that is not one of your recovery codes" : "that code is not right";
  if (left > 0) {
    return new AppError("invalid-argument", `${field}: ${what}. ${left} ${left === 1 ? "try" : "tries"} left.`, {
      triesLeft: left,
    });
  }
  const retryAfterSeconds = Math.ceil(lockRemainingMs(lock, now) / 1000);
  return new AppError(
    "invalid-argument",
    `${field}: ${what}, and that was the last try: two-step verification is locked, try again in ${describeWait(retryAfterSeconds)}.`,
    { triesLeft: 0, retryAfterSeconds },
  );
}

/** What the state of the factor must be for this check. */
export type Expected = "enabled" | "pending";

function notInState(expected: Expected, record: TwoFactorRecord | undefined): AppError {
  if (expected === "pending") {
    return record?.status === "enabled"
      ? new AppError("failed-precondition", "Two-step verification is already on.")
      : new AppError(
          "failed-precondition",
          "Start the enrolment first (startTwoFactorEnrolment), then confirm a code.",
        );
  }
  return new AppError("failed-precondition", "Two-step verification is not on for your account.");
}

/** What a right factor writes besides its own acceptance, in the same commit. */
export interface OnRight {
  /** Fields of twoFactor/{uid} to change (merged over lastStep, the recovery code and the cleared lock). */
  readonly changes?: Partial<TwoFactorRecord>;
  /** Delete twoFactor/{uid} instead (disabling). */
  readonly remove?: boolean;
  /** Other documents to write in the same batch (a step-up grant). */
  readonly also?: (batch: WriteBatch) => void;
}

export interface FactorCheck {
  readonly db: Firestore;
  readonly uid: string;
  readonly factor: Factor;
  readonly expected: Expected;
  /** epoch ms: the TOTP step is judged at this time. */
  readonly now: number;
  readonly onRight?: (record: TwoFactorRecord) => OnRight;
}

type Judged =
  | { readonly kind: "right"; readonly method: FactorMethod; readonly changes: Partial<TwoFactorRecord> }
  | { readonly kind: "wrong"; readonly lock: PinLock }
  | { readonly kind: "used"; readonly method: FactorMethod };

/** The verdict on the factor against the record as read (pure apart from the decryption). */
function judge(record: TwoFactorRecord, uid: string, factor: Factor, now: number, lock: PinLock): Judged {
  if ("code" in factor) {
    const step = matchedStep(decryptSecret(record.secret, uid), factor.code, now);
    if (step === null) return { kind: "wrong", lock: afterWrongPin(lock, now) };
    // A code of the last accepted step, or of an earlier one still in the window: already used.
    if (record.lastStep !== null && step <= record.lastStep) return { kind: "used", method: "totp" };
    return { kind: "right", method: "totp", changes: { lastStep: step } };
  }
  const hash = hashRecoveryCode(factor.recoveryCode);
  const index = record.recoveryCodes.findIndex((stored) => constantTimeEqual(stored.hash, hash));
  const found = record.recoveryCodes[index];
  if (!found) return { kind: "wrong", lock: afterWrongPin(lock, now) };
  if (found.usedAt !== null) return { kind: "used", method: "recovery-code" };
  const recoveryCodes = record.recoveryCodes.map((stored, i) =>
    i === index ? { hash: stored.hash, usedAt: Timestamp.fromMillis(now) } : stored,
  );
  return { kind: "right", method: "recovery-code", changes: { recoveryCodes } };
}

function usedRefusal(method: FactorMethod): AppError {
  return method === "totp"
    ? new AppError(
        "invalid-argument",
        "code: that code was already used. Wait for your authenticator app to show the next one (a new code every 30 seconds), then try again.",
      )
    : new AppError("invalid-argument", "recoveryCode: that recovery code was already used; each works once.");
}

/**
 * One try of a second factor, counted exactly: refused uncounted when the factor is not in the
 * expected state, is locked, or the code was already used; a wrong try is committed, then thrown;
 * a right one is accepted (its step or recovery code spent, the count cleared) together with
 * whatever onRight writes. Resolves with how the factor was shown.
 */
export async function checkFactor(check: FactorCheck): Promise<FactorMethod> {
  const { db, uid, now } = check;
  const ref = twoFactorRef(db, uid);
  const field = "code" in check.factor ? "code" : "recoveryCode";
  const outcome = await commitOptimistically<Judged>(async () => {
    const snapshot = await ref.get();
    const record = snapshot.data();
    if (record?.status !== check.expected) throw notInState(check.expected, record);
    const lock = currentLock(lockOf(record), now);
    const remainingMs = lockRemainingMs(lock, now);
    if (remainingMs > 0) throw locked(remainingMs);
    const version = versionOf([snapshot]);
    const judged = judge(record, uid, check.factor, now, lock);
    if (judged.kind === "used") return { version, commit: () => Promise.resolve(judged) };
    if (judged.kind === "wrong") {
      return { version, commit: () => write(db, snapshot, { changes: storedLock(judged.lock) }, judged) };
    }
    const extra = check.onRight?.(record) ?? {};
    const changes = { ...judged.changes, ...storedLock(UNLOCKED), ...extra.changes };
    return { version, commit: () => write(db, snapshot, { ...extra, changes }, judged) };
  }, BUSY);
  if (outcome.kind === "wrong") throw wrongCode(field, outcome.lock, now);
  if (outcome.kind === "used") throw usedRefusal(outcome.method);
  return outcome.method;
}

/** One batch: the factor's document changed (or deleted) only if unchanged since read, and the rest. */
async function write<T>(
  db: Firestore,
  read: DocumentSnapshot<TwoFactorRecord>,
  effect: OnRight,
  result: T,
): Promise<T> {
  if (!read.updateTime) throw new Error(`${read.ref.path} was read without an update time`);
  const batch = db.batch();
  if (effect.remove) batch.delete(read.ref, { lastUpdateTime: read.updateTime });
  else batch.update(read.ref, effect.changes ?? {}, { lastUpdateTime: read.updateTime });
  effect.also?.(batch);
  await batch.commit();
  return result;
}

/** For the wallet page: whether 2FA is on, since when, and how many recovery codes are left. */
export async function twoFactorStatus(
  db: Firestore,
  uid: string,
): Promise<{ enabled: boolean; enrolledAt: number | null; recoveryCodesLeft: number }> {
  const record = (await twoFactorRef(db, uid).get()).data();
  if (record?.status !== "enabled") return { enabled: false, enrolledAt: null, recoveryCodesLeft: 0 };
  return {
    enabled: true,
    enrolledAt: record.enrolledAt?.toMillis() ?? null,
    recoveryCodesLeft: record.recoveryCodes.filter((code) => code.usedAt === null).length,
  };
}

/** Whether the user has 2FA in force (a pending enrolment is not). */
export async function twoFactorEnabled(db: Firestore, uid: string): Promise<boolean> {
  return (await twoFactorRef(db, uid).get()).data()?.status === "enabled";
}
