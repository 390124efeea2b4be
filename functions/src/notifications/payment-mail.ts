// The mail a payment's settlement sends its payer: a receipt when it succeeds, a notice when it
// fails, is cancelled or expires. Each is created under a deterministic id with an "absent"
// precondition (one write, no transaction), so a settlement delivered twice has one effect; the
// sendMail trigger then delivers it.
import { FieldValue, type Firestore } from "firebase-admin/firestore";

import { createOnce } from "../core/collections.js";
import type { StatusChange } from "../payments/settlement.js";
import { PROVIDER_LABELS } from "../shared/catalog.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney } from "../shared/money.js";
import { MAIL } from "./send.js";
import { failureMail, receiptMail, type MailMessage } from "./templates.js";

/** The mail document for one (payment, kind): its id is derived, so it is written at most once. */
export function mailRef(db: Firestore, paymentId: string, kind: string) {
  const id = sha256Hex(`${paymentId}|${kind}`).slice(0, 32);
  return MAIL.ref(db).doc(id);
}

export async function mailPayer(db: Firestore, change: StatusChange): Promise<void> {
  const { after, paymentId, eventId } = change;
  if (!after.email) return;
  const amount = formatMoney(after.amount, after.currency);
  const provider = PROVIDER_LABELS[after.provider];
  let kind: string;
  let message: MailMessage;
  if (after.status === "succeeded") {
    const paidAt = (after.settledAt ?? after.updatedAt).toDate().toISOString().replace("T", " ").slice(0, 16);
    kind = "receipt";
    message = receiptMail({
      name: after.name,
      amount,
      provider,
      receipt: after.receipt,
      paymentId,
      paidAt: `${paidAt} UTC`,
    });
  } else if (after.status === "failed" || after.status === "cancelled" || after.status === "expired") {
    kind = "failure-notice";
    message = failureMail({ amount, provider, customerMessage: after.customerMessage, paymentId });
  } else {
    return;
  }
  const ref = mailRef(db, paymentId, kind === "receipt" ? "receipt" : "failure");
  const to = after.email;
  await createOnce(ref, {
    to,
    kind,
    paymentId,
    uid: after.uid,
    eventId,
    message,
    createdAt: FieldValue.serverTimestamp(),
  });
}
