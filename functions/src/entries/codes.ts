// The verification code of a paid entry: when an `entry` payment succeeds, a 6-digit code is
// stored hashed (paymentCodes/{paymentId}) and mailed to the payer, once. The code document and
// its mail are created in one transaction that first checks the code is not there yet, so a
// settlement delivered twice (or for two events) issues one code.
import { createHmac, randomBytes, randomInt } from "node:crypto";

import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";

import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { codeMail } from "../notifications/templates.js";
import { mailRef } from "../notifications/payment-mail.js";
import type { StatusChange } from "../payments/settlement.js";

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

export function hashCode(code: string, salt: string): string {
  return createHmac("sha256", salt).update(code).digest("hex");
}

export async function issueEntryCode(db: Firestore, change: StatusChange, now: () => number = Date.now): Promise<void> {
  const { after, paymentId, eventId } = change;
  if (after.purpose !== "entry" || after.status !== "succeeded" || !after.email) return;
  const to = after.email;
  const codeRef = PAYMENT_CODES.ref(db).doc(paymentId);
  await db.runTransaction(async (tx) => {
    if ((await tx.get(codeRef)).exists) return;
    const secret = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const salt = randomBytes(16).toString("hex");
    tx.create(codeRef, {
      uid: after.uid,
      hash: hashCode(secret, salt),
      salt,
      attempts: 0,
      expiresAt: Timestamp.fromMillis(now() + CODE_TTL_MINUTES * 60_000),
      verifiedAt: null,
      eventId,
    });
    tx.create(mailRef(db, paymentId, "code"), {
      to,
      kind: "verification-code",
      paymentId,
      uid: after.uid,
      eventId,
      message: codeMail({ code: secret, minutes: CODE_TTL_MINUTES, paymentId }),
      createdAt: FieldValue.serverTimestamp(),
    });
  });
}
