// Changing the account's email (docs/accounts.md, "Changing the email"): the sign-in address is
// also where receipts, codes and new-device warnings go, so taking it over is taking the account.
//
// requestEmailChange asks for a step-up grant from a user with two-step verification (the
// `changeContact` operation), then creates emailChanges/{changeId} with a hashed 6-digit code,
// mails the code to the new address and a warning to the current one, in one commit. The change
// happens only when confirmEmailChange shows that code: the new address is proven to be the
// user's before Auth is told. accountEmails/{uid} keeps the address Malipo confirmed; the session
// check (session.ts) pauses money and account changes while Auth's email differs from it (a change
// made with the client SDK, around this flow).
import { randomBytes } from "node:crypto";

import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { message } from "../notifications/templates.js";
import { constantTimeEqual, hashCode, newMailedCode } from "../shared/hashing.js";
import { requireStepUp } from "../twofactor/step-up.js";
import { confirmedEmail, normalizeEmail } from "./account-email.js";
import type { AccountUser } from "./devices.js";
import { ACCOUNT_EMAILS, EMAIL_CHANGES, type EmailChangeRecord } from "./collections.js";
import type { ConfirmEmailChangeInput, RequestEmailChangeInput } from "./schemas.js";

export const EMAIL_CHANGE_MINUTES = 30;
export const EMAIL_CHANGE_MAX_ATTEMPTS = 5;

export interface EmailChangeDeps {
  readonly db: Firestore;
  readonly now: () => number;
  /** The caller's Auth email and whether they sign in with a password (Admin SDK getUser). */
  readonly lookupUser: (uid: string) => Promise<AccountUser | undefined>;
  /** The uid of the Auth account using this email, if any (Admin SDK getUserByEmail). */
  readonly uidOfEmail: (email: string) => Promise<string | undefined>;
  /** Sets the Auth account's email, verified (Admin SDK updateUser); rejects if another account has it. */
  readonly setAuthEmail: (uid: string, email: string) => Promise<void>;
}

export interface EmailChangeView {
  readonly changeId: string;
  readonly status: EmailChangeRecord["status"];
  /** The new address, as the code was mailed to it. */
  readonly email: string;
  /** epoch ms */
  readonly expiresAt: number;
}

export async function requestEmailChange(
  input: RequestEmailChangeInput,
  caller: Caller,
  deps: EmailChangeDeps,
): Promise<EmailChangeView> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "requestEmailChange", caller, now);
  const user = await deps.lookupUser(caller.uid);
  if (!user?.email || !user.password) {
    throw new AppError(
      "failed-precondition",
      "Your account has no email yet: keep your wallet with an email and a password first (Your account, Keep my wallet).",
    );
  }
  const current = await confirmedEmail(db, caller.uid, user.email);
  const email = normalizeEmail(input.newEmail);
  if (email === current && normalizeEmail(user.email) === current) {
    throw new AppError("invalid-argument", "newEmail: that is already your account's email. Enter the new one.");
  }
  const holder = await deps.uidOfEmail(email);
  if (holder !== undefined && holder !== caller.uid) {
    throw new AppError("already-exists", "newEmail: another Malipo account signs in with that email. Choose another.");
  }
  const changeId = randomBytes(16).toString("hex");
  // A user with two-step verification shows a fresh code first: a stolen session alone cannot
  // move the account to an address the thief reads.
  await requireStepUp(db, {
    uid: caller.uid,
    operation: "changeContact",
    grantId: input.stepUpGrant,
    claim: `changeContact:${changeId}`,
    now,
  });
  const { code, salt, hash } = newMailedCode();
  const record: EmailChangeRecord = {
    uid: caller.uid,
    from: current,
    to: email,
    status: "pending",
    hash,
    salt,
    attempts: 0,
    createdAt: Timestamp.fromMillis(now),
    expiresAt: Timestamp.fromMillis(now + EMAIL_CHANGE_MINUTES * 60_000),
    confirmedAt: null,
  };
  const { MAIL } = await import("../notifications/send.js");
  const batch = db.batch();
  batch.create(EMAIL_CHANGES.ref(db).doc(changeId), record);
  batch.create(MAIL.ref(db).doc(`email-change-${changeId}-code`), {
    to: email,
    kind: "email-change-code",
    uid: caller.uid,
    message: message(`Your Malipo code: ${code}`, "Confirm your new email", [
      `Your code is ${code}. Enter it in your wallet, under Your account, to make ${email} your Malipo account's email. It works for ${EMAIL_CHANGE_MINUTES} minutes.`,
      "If you did not ask for this, ignore this email: nothing changes without the code.",
    ]),
    createdAt: FieldValue.serverTimestamp(),
  });
  batch.create(MAIL.ref(db).doc(`email-change-${changeId}-notice`), {
    to: record.from,
    kind: "email-change-requested",
    uid: caller.uid,
    message: message("Someone asked to change your Malipo email", "A change of your account's email was asked for", [
      `Your Malipo account asked to use ${email} instead of this address. It changes only when the code we mailed there is entered within ${EMAIL_CHANGE_MINUTES} minutes.`,
      "If this was not you, open your wallet, choose Sign out everywhere and change your password: whoever asked is signed in to your account.",
    ]),
    createdAt: FieldValue.serverTimestamp(),
  });
  await batch.commit();
  return { changeId, status: record.status, email, expiresAt: record.expiresAt.toMillis() };
}

const noSuchChange = () =>
  new AppError("not-found", "changeId: there is no such email change on your account. Ask for a new code.");

/**
 * Checks the code in a transaction (a wrong one counts, and the 5th wrong one ends the change),
 * marks the change `applying`, then, outside the transaction, sets Auth's email (which signs the
 * account out everywhere) and finishes: `confirmed`, the address recorded, the old address told. A confirmation that stopped after
 * `applying` is finished by the next one with the same code; a confirmed change answers as such.
 */
export async function confirmEmailChange(
  input: ConfirmEmailChangeInput,
  caller: Caller,
  deps: EmailChangeDeps,
): Promise<EmailChangeView> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "confirmEmailChange", caller, now);
  const ref = EMAIL_CHANGES.ref(db).doc(input.changeId);
  const outcome = await db.runTransaction(async (tx) => {
    const change = (await tx.get(ref)).data();
    if (change?.uid !== caller.uid) throw noSuchChange();
    if (change.status === "cancelled") {
      throw new AppError(
        "failed-precondition",
        "changeId: this email change ended after too many wrong codes, or because the address was taken. Ask for a new code.",
      );
    }
    const right = constantTimeEqual(hashCode(input.code, change.salt), change.hash);
    if (!right) {
      // Once the right code was shown (applying, confirmed), a wrong one changes nothing.
      if (change.status !== "pending") return { wrong: true, change } as const;
      const attempts = change.attempts + 1;
      tx.update(ref, { attempts, ...(attempts >= EMAIL_CHANGE_MAX_ATTEMPTS ? { status: "cancelled" } : {}) });
      return { wrong: true, change: { ...change, attempts } } as const;
    }
    if (change.status === "pending") {
      if (change.expiresAt.toMillis() <= now) {
        throw new AppError(
          "failed-precondition",
          `code: this code has expired (each works for ${EMAIL_CHANGE_MINUTES} minutes). Ask for a new one.`,
        );
      }
      tx.update(ref, { status: "applying" });
    }
    return { wrong: false, change } as const;
  });
  const { change } = outcome;
  if (outcome.wrong) {
    const left = EMAIL_CHANGE_MAX_ATTEMPTS - change.attempts;
    const wrong = `code: that is not the code we mailed to ${change.to}.`;
    throw new AppError(
      "invalid-argument",
      change.status !== "pending"
        ? wrong
        : left > 0
          ? `${wrong} ${left} ${left === 1 ? "try" : "tries"} left.`
          : `${wrong} This email change has ended: ask for a new code.`,
    );
  }
  const view: EmailChangeView = {
    changeId: input.changeId,
    status: "confirmed",
    email: change.to,
    expiresAt: change.expiresAt.toMillis(),
  };
  if (change.status === "confirmed") return view;
  try {
    // Firebase Auth ends every session of an account whose email changes (a "major account
    // change"): not asked when Auth already has this address (a change made around the flow).
    const user = await deps.lookupUser(caller.uid);
    if (user?.email === undefined || normalizeEmail(user.email) !== change.to) {
      await deps.setAuthEmail(caller.uid, change.to);
    }
  } catch (error) {
    if ((error as { code?: unknown }).code !== "auth/email-already-exists") throw error;
    await ref.update({ status: "cancelled" });
    throw new AppError(
      "already-exists",
      `Another Malipo account has started using ${change.to} meanwhile, so your email was not changed. Choose another.`,
    );
  }
  const { MAIL } = await import("../notifications/send.js");
  const batch = db.batch();
  batch.update(ref, { status: "confirmed", confirmedAt: Timestamp.fromMillis(now) });
  batch.set(ACCOUNT_EMAILS.ref(db).doc(caller.uid), {
    email: change.to,
    confirmedAt: Timestamp.fromMillis(now),
    via: "email-change",
  });
  batch.set(MAIL.ref(db).doc(`email-change-${input.changeId}-done`), {
    to: change.from,
    kind: "email-changed",
    uid: caller.uid,
    message: message("Your Malipo email was changed", "Your account's email was changed", [
      `From now on your Malipo account signs in with ${change.to}, and its mail goes there, not to this address.`,
      "If this was not you, contact Malipo support at once and say which account: this address can no longer sign in to it.",
    ]),
    createdAt: FieldValue.serverTimestamp(),
  });
  await batch.commit();
  return view;
}
