// What follows a payment's status change: a receipt, a verification code for paid entries, or a
// failure notice. Each is written under a deterministic id inside a transaction that first checks
// it is not there yet, so a trigger delivered twice (or for two events) has one effect.
import { createHash, createHmac, randomBytes, randomInt } from "node:crypto";

import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";

import { codeMail, failureMail, receiptMail } from "../mail/templates.js";
import { formatMoney } from "./money.js";
import type { PaymentRecord } from "./records.js";

export const CODE_TTL_MINUTES = 15;
export const CODE_MAX_ATTEMPTS = 5;
const PROVIDER_LABEL: Readonly<Record<PaymentRecord["provider"], string>> = { mpesa: "M-Pesa", iotec: "mobile money" };

export function hashCode(code: string, salt: string): string {
  return createHmac("sha256", salt).update(code).digest("hex");
}

function mailId(paymentId: string, kind: string): string {
  return createHash("sha256").update(`${paymentId}|${kind}`).digest("hex").slice(0, 32);
}

export async function onPaymentStatusChange(
  db: Firestore,
  paymentId: string,
  before: PaymentRecord | undefined,
  after: PaymentRecord | undefined,
  eventId: string,
  now: () => number = Date.now,
): Promise<void> {
  if (!after || before?.status === after.status) return;
  const amount = formatMoney(after.amount, after.currency);
  const provider = PROVIDER_LABEL[after.provider];
  if (after.status === "succeeded") {
    await db.runTransaction(async (tx) => {
      const receiptRef = db.collection("mail").doc(mailId(paymentId, "receipt"));
      const codeRef = db.collection("paymentCodes").doc(paymentId);
      const [receipt, code] = await Promise.all([tx.get(receiptRef), tx.get(codeRef)]);
      if (after.email && !receipt.exists) {
        const paidAt = (after.settledAt ?? after.updatedAt).toDate().toISOString().replace("T", " ").slice(0, 16);
        tx.create(receiptRef, {
          to: after.email,
          kind: "receipt",
          paymentId,
          uid: after.uid,
          eventId,
          message: receiptMail({
            name: after.name,
            amount,
            provider,
            receipt: after.receipt,
            paymentId,
            paidAt: `${paidAt} UTC`,
          }),
          createdAt: FieldValue.serverTimestamp(),
        });
      }
      if (after.purpose === "entry" && after.email && !code.exists) {
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
        tx.create(db.collection("mail").doc(mailId(paymentId, "code")), {
          to: after.email,
          kind: "verification-code",
          paymentId,
          uid: after.uid,
          eventId,
          message: codeMail({ code: secret, minutes: CODE_TTL_MINUTES, paymentId }),
          createdAt: FieldValue.serverTimestamp(),
        });
      }
    });
    return;
  }
  if ((after.status === "failed" || after.status === "cancelled" || after.status === "expired") && after.email) {
    const ref = db.collection("mail").doc(mailId(paymentId, "failure"));
    await db.runTransaction(async (tx) => {
      if ((await tx.get(ref)).exists) return;
      tx.create(ref, {
        to: after.email,
        kind: "failure-notice",
        paymentId,
        uid: after.uid,
        eventId,
        message: failureMail({ amount, provider, customerMessage: after.customerMessage, paymentId }),
        createdAt: FieldValue.serverTimestamp(),
      });
    });
  }
}
