// Turning two-step verification on and off. startTwoFactorEnrolment makes a new secret, keeps it
// encrypted in twoFactor/{uid} as `pending` and answers it once, as an otpauth:// URI and its QR
// code; confirmTwoFactorEnrolment proves the app holds it (a current code, which is spent like any
// other) and turns it on, answering the 10 recovery codes, the only time they are ever shown.
// disableTwoFactor needs a current code or a recovery code, never the PIN alone.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import QRCode from "qrcode";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { UNLOCKED } from "../wallet/pin-policy.js";
import type { TwoFactorRecord } from "./collections.js";
import { encryptSecret, hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from "./crypto.js";
import { checkFactor, lockOf, storedLock, twoFactorRef, type Factor } from "./factor.js";
import type { ConfirmTwoFactorEnrolmentInput, DisableTwoFactorInput, StartTwoFactorEnrolmentInput } from "./schemas.js";
import { newTotpSecret, otpauthUri, TOTP_DIGITS, TOTP_PERIOD_SECONDS } from "./totp.js";

export interface TwoFactorDeps {
  readonly db: Firestore;
  readonly now: () => number;
}

export interface Enrolment {
  /** otpauth://totp/Malipo:…?secret=…&issuer=Malipo&algorithm=SHA1&digits=6&period=30 */
  readonly otpauthUri: string;
  /** The same URI as a QR code: an SVG data URL, for an <img>. */
  readonly qrCode: string;
  /** The secret in base 32, for typing into an app that cannot scan. */
  readonly secret: string;
  readonly digits: number;
  readonly period: number;
}

const BUSY =
  "Your two-step verification is being changed by several requests at once. Please try again in a few seconds.";

/** The account name the app shows beside the code: the issuer and a short, stable part of the uid. */
function accountLabel(uid: string): string {
  return `wallet ${uid.slice(0, 6)}`;
}

export async function startTwoFactorEnrolment(
  _input: StartTwoFactorEnrolmentInput,
  caller: Caller,
  deps: TwoFactorDeps,
): Promise<Enrolment> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "startTwoFactorEnrolment", caller, now);
  const ref = twoFactorRef(db, caller.uid);
  const secret = newTotpSecret();
  const encrypted = encryptSecret(secret, caller.uid);
  await commitOptimistically(async () => {
    const snapshot = await ref.get();
    const before = snapshot.data();
    if (before?.status === "enabled") {
      throw new AppError(
        "failed-precondition",
        "Two-step verification is already on. Turn it off first (with a current code) to enrol another app.",
      );
    }
    // A new start replaces a pending secret (the app never confirmed it), but not its wrong tries:
    // starting again must not be a way around the lock.
    const record: TwoFactorRecord = {
      uid: caller.uid,
      status: "pending",
      secret: encrypted,
      lastStep: null,
      recoveryCodes: [],
      ...storedLock(before ? lockOf(before) : UNLOCKED),
      createdAt: Timestamp.fromMillis(now),
      enrolledAt: null,
    };
    const commit = async () => {
      // Every field is given, so the update replaces the pending document whole.
      if (snapshot.updateTime) await ref.update(record, { lastUpdateTime: snapshot.updateTime });
      else await ref.create(record);
    };
    return { version: versionOf([snapshot]), commit };
  }, BUSY);
  const uri = otpauthUri(secret, accountLabel(caller.uid));
  const svg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 1 });
  return {
    otpauthUri: uri,
    qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`,
    secret,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  };
}

export async function confirmTwoFactorEnrolment(
  input: ConfirmTwoFactorEnrolmentInput,
  caller: Caller,
  deps: TwoFactorDeps,
): Promise<{ enabled: true; recoveryCodes: string[] }> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "confirmTwoFactorEnrolment", caller, now);
  // Made once, before the check: a lost race commits the same codes, and the ones answered are
  // exactly the ones stored.
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  const hashes = recoveryCodes.map((code) => ({ hash: hashRecoveryCode(code), usedAt: null }));
  await checkFactor({
    db,
    uid: caller.uid,
    factor: { code: input.code },
    expected: "pending",
    now,
    onRight: () => ({
      changes: { status: "enabled", recoveryCodes: hashes, enrolledAt: Timestamp.fromMillis(now) },
    }),
  });
  return { enabled: true, recoveryCodes };
}

export function factorOf(input: { code?: string | undefined; recoveryCode?: string | undefined }): Factor {
  if (input.code !== undefined) return { code: input.code };
  if (input.recoveryCode !== undefined) return { recoveryCode: input.recoveryCode };
  // The schemas refuse this; a handler called without them still gets a sentence.
  throw new AppError("invalid-argument", "code: send the code your authenticator app shows, or a recovery code.");
}

export async function disableTwoFactor(
  input: DisableTwoFactorInput,
  caller: Caller,
  deps: TwoFactorDeps,
): Promise<{ enabled: false }> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "disableTwoFactor", caller, now);
  await checkFactor({
    db,
    uid: caller.uid,
    factor: factorOf(input),
    expected: "enabled",
    now,
    onRight: () => ({ remove: true }),
  });
  return { enabled: false };
}
