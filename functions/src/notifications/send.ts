// The mail collection: every email is a mail/{id} document; this trigger sends it with SendGrid
// when an API key is configured and records the outcome on the document. Without a key (local
// runs) it records that nothing was sent, so the content stays inspectable.
//
// A failure SendGrid may get over (429, a 5xx, a network error) is tried again with exponential
// backoff, 1, 2, 4 and 8 minutes later (the retryMail schedule picks up what is due), at most 5
// attempts, then an alert. Every attempt is claimed in a transaction before it is sent, and an
// attempt whose outcome was never recorded (the function died mid-send) is never retried: a mail
// may be late or, after the alert, not sent, but it is never sent twice.
import sendgrid from "@sendgrid/mail";
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { eachConcurrently } from "../core/workers.js";
import { raiseAlert } from "../operations/alerts.js";

const mailSchema = z.object({
  to: z.string(),
  kind: z.string().optional(),
  paymentId: z.string().optional(),
  uid: z.string().optional(),
  eventId: z.string().optional(),
  message: z.object({ subject: z.string(), text: z.string(), html: z.string() }),
  /** Files sent with the message (an invoice PDF), base64, as SendGrid takes them. */
  attachments: z.array(z.object({ filename: z.string(), type: z.string(), content: z.string() })).optional(),
  createdAt: z.instanceof(Timestamp).optional(),
  delivery: z
    .looseObject({
      state: z.string(),
      at: z.instanceof(Timestamp),
      error: z.string().optional(),
      /** Attempts made so far, when SendGrid was tried (absent on mail sent before retries). */
      attempts: z.number().int().optional(),
      /** When a "retrying" mail is due for its next attempt. */
      nextAttemptAt: z.instanceof(Timestamp).optional(),
    })
    .optional(),
});

export const MAIL_MAX_ATTEMPTS = 5;
export const MAIL_RETRY_BASE_MS = 60_000;

/** The wait after the n-th failed attempt: 1, 2, 4, 8 minutes. */
export function mailRetryDelayMs(attempt: number): number {
  return MAIL_RETRY_BASE_MS * 2 ** (attempt - 1);
}

const NETWORK_ERRORS = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ECONNABORTED",
]);

/**
 * Whether SendGrid may accept the message if asked again: it said 429 or 5xx (its client's error
 * carries the HTTP status as `code`), or the request never got an answer. A 4xx is final.
 */
export function isTransientMailError(error: unknown): boolean {
  const { code, response } = (error ?? {}) as { code?: unknown; response?: { statusCode?: unknown } };
  const status = typeof code === "number" ? code : response?.statusCode;
  if (typeof status === "number") return status === 429 || status >= 500;
  return typeof code === "string" && NETWORK_ERRORS.has(code);
}

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
  /** The clock retries are scheduled by (tests move it instead of waiting). */
  readonly now?: () => number;
}

/** SendGrid API keys start with "SG."; anything else (unset, "disabled") means do not send. */
export function isSendgridKey(key: string): boolean {
  return key.startsWith("SG.");
}

const NOT_SENT_REASON = "SENDGRID_API_KEY is not a SendGrid key: the message was recorded, not sent.";

/**
 * Claims the document for one attempt (so a redelivered trigger or an overlapping retry run never
 * sends twice), sends, records the outcome: sent, retrying at a later time, or error.
 */
export async function deliverMail(ref: DocumentReference, deps: MailDeps): Promise<void> {
  const sending = isSendgridKey(deps.apiKey);
  const now = (deps.now ?? Date.now)();
  const claimed = await deps.db.runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    if (!snapshot.exists) return undefined;
    const previous: unknown = snapshot.get("delivery");
    const parsed = mailSchema.safeParse(snapshot.data());
    if (previous === undefined && !parsed.success) {
      tx.update(ref, {
        delivery: { state: "error", error: "malformed mail document", at: FieldValue.serverTimestamp() },
      });
      return undefined;
    }
    if (!parsed.success) return undefined;
    const last = parsed.data.delivery;
    // Only a new mail, or a retry that is due, is attempted; "sending" is never attempted again.
    const due = last?.state === "retrying" && (last.nextAttemptAt?.toMillis() ?? 0) <= now;
    if (last !== undefined && !due) return undefined;
    const attempt = (last?.attempts ?? 0) + 1;
    // Without a key the claim is the outcome: recorded, not sent.
    const delivery = sending
      ? { state: "sending", attempts: attempt, at: FieldValue.serverTimestamp() }
      : { state: "not-sent", at: FieldValue.serverTimestamp(), reason: NOT_SENT_REASON };
    tx.update(ref, { delivery });
    return { mail: parsed.data, attempt };
  });
  if (!claimed || !sending) return;
  const { mail, attempt } = claimed;
  try {
    const send =
      deps.send ??
      ((message: sendgrid.MailDataRequired) => {
        sendgrid.setApiKey(deps.apiKey);
        return sendgrid.send(message);
      });
    await send({
      to: mail.to,
      from: deps.from,
      subject: mail.message.subject,
      text: mail.message.text,
      html: mail.message.html,
      ...(mail.attachments
        ? { attachments: mail.attachments.map((file) => ({ ...file, disposition: "attachment" })) }
        : {}),
    });
    await ref.update({ delivery: { state: "sent", attempts: attempt, at: FieldValue.serverTimestamp() } });
  } catch (error) {
    const transient = isTransientMailError(error);
    logger.error("email not sent", {
      mailId: ref.id,
      attempt,
      transient,
      error: error instanceof Error ? error.message : String(error),
    });
    if (transient && attempt < MAIL_MAX_ATTEMPTS) {
      await ref.update({
        delivery: {
          state: "retrying",
          attempts: attempt,
          error: "the email service was unavailable; it will be tried again",
          nextAttemptAt: Timestamp.fromMillis(now + mailRetryDelayMs(attempt)),
          at: FieldValue.serverTimestamp(),
        },
      });
      return;
    }
    await ref.update({
      delivery: {
        state: "error",
        attempts: attempt,
        error: transient
          ? `the email service was unavailable ${attempt} times; no more attempts`
          : "the email service refused the message",
        at: FieldValue.serverTimestamp(),
      },
    });
    if (transient) {
      await raiseAlert(
        deps.db,
        `mail-undelivered-${ref.id}`,
        "mail-undelivered",
        { mail: ref.path, attempts: attempt },
        now,
      );
    }
  }
}

/**
 * The retryMail schedule: every mail whose next attempt is due, a few at a time. `collection` is
 * mail/ in production; tests give their own so the deployed trigger leaves their documents alone.
 */
export async function retryDueMail(deps: MailDeps, collection = deps.db.collection(MAIL.id)): Promise<number> {
  const now = (deps.now ?? Date.now)();
  const due = await collection
    .where("delivery.state", "==", "retrying")
    .where("delivery.nextAttemptAt", "<=", Timestamp.fromMillis(now))
    .orderBy("delivery.nextAttemptAt")
    .limit(200)
    .get();
  await eachConcurrently(due.docs, 5, (doc) => deliverMail(doc.ref, deps));
  return due.size;
}
