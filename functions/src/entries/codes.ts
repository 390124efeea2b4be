// The verification code of a paid entry: when an `entry` payment succeeds, a 6-digit code is
// stored hashed (paymentCodes/{paymentId}) and mailed to the payer, once. The code document and
// its mail are created in one transaction that first checks the code is not there yet, so a
// settlement delivered twice (or for two events) issues one code. Codes expire by their own check
// (expiresAt) and are deleted by Firestore's TTL policy on that field (firestore.indexes.json),
// so a settlement delivered again after the deletion also checks for the code's mail. The payer
// may ask for a new code at most CODE_MAX_RESENDS times (resendPaymentCode).
import { FieldValue, Timestamp, type Firestore, type Transaction } from "firebase-admin/firestore";

import { z } from "zod";

import type { Caller } from "../core/callable.js";
import { params } from "../core/config.js";
import { defineCollection } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { noSuchPayment, paymentsCollection } from "../payments/records.js";
import { appendEvent } from "../payments/transitions.js";
import { codeMail } from "../notifications/templates.js";
import { mailRef } from "../notifications/payment-mail.js";
import type { StatusChange } from "../payments/settlement.js";
import { newMailedCode } from "../shared/hashing.js";

/** paymentCodes/{paymentId}: the hashed code, never readable by clients. */
export const PAYMENT_CODES = defineCollection(
  "paymentCodes",
  z.object({
    uid: z.string(),
    hash: z.string(),
    salt: z.string(),
    attempts: z.number().int(),
    expiresAt: z.instanceof(Timestamp),
    verifiedAt: z.instanceof(Timestamp).nullable(),
    eventId: z.string(),
  }),
);

export const CODE_TTL_MINUTES = 15;
export const CODE_MAX_ATTEMPTS = 5;
export const CODE_MAX_RESENDS = 3;

export async function issueEntryCode(db: Firestore, change: StatusChange, now: () => number = Date.now): Promise<void> {
  const { after, paymentId, eventId } = change;
  if (after.purpose !== "entry" || after.status !== "succeeded" || !after.email) return;
  const to = after.email;
  const codeRef = PAYMENT_CODES.ref(db).doc(paymentId);
  const mail = mailRef(db, paymentId, "code");
  await db.runTransaction(async (tx) => {
    const [code, sent] = await Promise.all([tx.get(codeRef), tx.get(mail)]);
    if (code.exists || sent.exists) return;
    writeCode(tx, db, { paymentId, uid: after.uid, to, eventId, attempts: 0, mail }, now());
  });
}

/**
 * The join page at this payment's code step: the first of ALLOWED_ORIGINS is the page's origin
 * (docs/contests.md). Without one (a test calling the handler directly) the mail has no link.
 */
function entryLink(paymentId: string): { link?: string } {
  let origin: string | undefined;
  try {
    origin = params.allowedOrigins.value()[0];
  } catch {
    origin = undefined;
  }
  return origin ? { link: `${origin.replace(/\/$/, "")}/?payment=${paymentId}` } : {};
}

/** A new code (hashed) and its mail, in the caller's transaction. */
function writeCode(
  tx: Transaction,
  db: Firestore,
  details: {
    paymentId: string;
    uid: string;
    to: string;
    eventId: string;
    attempts: number;
    mail: ReturnType<typeof mailRef>;
  },
  now: number,
): void {
  const { code: secret, salt, hash } = newMailedCode();
  tx.set(PAYMENT_CODES.ref(db).doc(details.paymentId), {
    uid: details.uid,
    hash,
    salt,
    attempts: details.attempts,
    expiresAt: Timestamp.fromMillis(now + CODE_TTL_MINUTES * 60_000),
    verifiedAt: null,
    eventId: details.eventId,
  });
  tx.create(details.mail, {
    to: details.to,
    kind: "verification-code",
    paymentId: details.paymentId,
    uid: details.uid,
    eventId: details.eventId,
    message: codeMail({
      code: secret,
      minutes: CODE_TTL_MINUTES,
      paymentId: details.paymentId,
      ...entryLink(details.paymentId),
    }),
    createdAt: FieldValue.serverTimestamp(),
  });
}

/**
 * resendPaymentCode: a new code for a paid, unconfirmed entry, replacing the old one (which stops
 * working). Each re-send has its own mail document, resend|1 to resend|CODE_MAX_RESENDS: those
 * documents are the count, so the limit holds even after the TTL policy deleted the code. Wrong
 * tries carry over to the new code: a re-send is not a way to get more guesses.
 */
export async function resendPaymentCode(
  input: { readonly paymentId: string },
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<{ paymentId: string; resent: number; resendsLeft: number }> {
  const { db } = deps;
  await enforceRateLimits(db, "resendPaymentCode", caller, deps.now());
  const paymentRef = paymentsCollection(db).doc(input.paymentId);
  const codeRef = PAYMENT_CODES.ref(db).doc(input.paymentId);
  const slots = Array.from({ length: CODE_MAX_RESENDS }, (_, i) =>
    mailRef(db, input.paymentId, `code|resend|${i + 1}`),
  );
  return db.runTransaction(async (tx) => {
    const [paymentSnap, codeSnap, ...sent] = await Promise.all([
      tx.get(paymentRef),
      tx.get(codeRef),
      ...slots.map((slot) => tx.get(slot)),
    ]);
    const payment = paymentSnap.data();
    if (payment?.uid !== caller.uid) throw noSuchPayment();
    if (payment.purpose !== "entry" || payment.status !== "succeeded" || !payment.email) {
      throw new AppError("failed-precondition", "paymentId: only a paid entry has a code to re-send.");
    }
    if (payment.verified) {
      throw new AppError("failed-precondition", "paymentId: this entry is already confirmed; no code is needed.");
    }
    const attempts = codeSnap.data()?.attempts ?? 0;
    if (attempts >= CODE_MAX_ATTEMPTS) {
      throw new AppError("resource-exhausted", "Too many wrong codes. Contact us to verify this entry.");
    }
    const next = sent.findIndex((snap) => !snap.exists);
    const slot = slots[next];
    if (next === -1 || !slot) {
      throw new AppError(
        "resource-exhausted",
        `The code was already re-sent ${CODE_MAX_RESENDS} times. Contact us to verify this entry.`,
      );
    }
    writeCode(
      tx,
      db,
      {
        paymentId: input.paymentId,
        uid: caller.uid,
        to: payment.email,
        eventId: `resend-${next + 1}`,
        attempts,
        mail: slot,
      },
      deps.now(),
    );
    appendEvent(tx, paymentRef, { type: "code-resent", data: { resend: next + 1 } });
    return { paymentId: input.paymentId, resent: next + 1, resendsLeft: CODE_MAX_RESENDS - next - 1 };
  });
}
