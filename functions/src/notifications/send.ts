// The mail collection: every email is a mail/{id} document; this trigger sends it with SendGrid
// when an API key is configured and records the outcome on the document. Without a key (local
// runs) it records that nothing was sent, so the content stays inspectable.
import sendgrid from "@sendgrid/mail";
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";

const mailSchema = z.object({
  to: z.string(),
  kind: z.string().optional(),
  paymentId: z.string().optional(),
  uid: z.string().optional(),
  eventId: z.string().optional(),
  message: z.object({ subject: z.string(), text: z.string(), html: z.string() }),
  createdAt: z.instanceof(Timestamp).optional(),
  delivery: z.looseObject({ state: z.string(), at: z.instanceof(Timestamp), error: z.string().optional() }).optional(),
});

/**
 * mail/{id}: one email each. deliverMail reads the raw document and checks it against this schema
 * itself, so a malformed one is marked as such rather than retried forever.
 */
export const MAIL = defineCollection("mail", mailSchema);

export interface MailDeps {
  readonly db: Firestore;
  readonly apiKey: string;
  readonly from: string;
  readonly send?: (message: sendgrid.MailDataRequired) => Promise<unknown>;
}

/** SendGrid API keys start with "SG."; anything else (unset, "disabled") means do not send. */
export function isSendgridKey(key: string): boolean {
  return key.startsWith("SG.");
}

const NOT_SENT_REASON = "SENDGRID_API_KEY is not a SendGrid key: the message was recorded, not sent.";

/** Claims the document (so a redelivered trigger never sends twice), sends, records the outcome. */
export async function deliverMail(ref: DocumentReference, deps: MailDeps): Promise<void> {
  const sending = isSendgridKey(deps.apiKey);
  const claimed = await deps.db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    if (!snapshot.exists || snapshot.get("delivery") !== undefined) return undefined;
    const parsed = mailSchema.safeParse(snapshot.data());
    if (!parsed.success) {
      tx.update(ref, {
        delivery: { state: "error", error: "malformed mail document", at: FieldValue.serverTimestamp() },
      });
      return undefined;
    }
    // Without a key the claim is the outcome: recorded, not sent.
    const delivery = sending
      ? { state: "sending", at: FieldValue.serverTimestamp() }
      : { state: "not-sent", at: FieldValue.serverTimestamp(), reason: NOT_SENT_REASON };
    tx.update(ref, { delivery });
    return parsed.data;
  });
  if (!claimed || !sending) return;
  try {
    const send =
      deps.send ??
      ((message: sendgrid.MailDataRequired) => {
        sendgrid.setApiKey(deps.apiKey);
        return sendgrid.send(message);
      });
    await send({
      to: claimed.to,
      from: deps.from,
      subject: claimed.message.subject,
      text: claimed.message.text,
      html: claimed.message.html,
    });
    await ref.update({ delivery: { state: "sent", at: FieldValue.serverTimestamp() } });
  } catch (error) {
    logger.error("email not sent", { mailId: ref.id, error: error instanceof Error ? error.message : String(error) });
    await ref.update({
      delivery: { state: "error", error: "the email service refused the message", at: FieldValue.serverTimestamp() },
    });
  }
}
