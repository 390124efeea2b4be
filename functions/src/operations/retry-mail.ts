// retryMailDelivery (operators only): sends a mail again whose delivery ended without it being
// sent — an error, "not-sent" (no SendGrid key), or a retry that is waiting — as a fresh set of
// attempts, now. A mail that was sent, or whose last attempt's outcome is unknown ("sending": it
// may have gone out), is refused: a mail is never sent twice. The retry and its adminAudit entry
// are one commit, keyed by the operator's idempotency key, so a repeated click retries once.
import { Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { MAIL } from "../notifications/send.js";
import { sha256Hex } from "../shared/hashing.js";
import { ADMIN_AUDIT } from "./admin-audit.js";
import type { RetryMailInput } from "./schemas.js";

export interface RetryMailDeps {
  readonly db: Firestore;
  readonly now: () => number;
  /** Attempts the delivery now (notifications/send.ts deliverMail with the SendGrid key). */
  readonly deliver: (ref: DocumentReference) => Promise<void>;
}

export interface RetryMailResult {
  readonly mailId: string;
  /** The delivery state after the attempt: sent, not-sent, retrying or error. */
  readonly state: string;
  /** True when this key had already retried this mail (nothing was attempted again). */
  readonly repeated: boolean;
}

const RETRYABLE = new Set(["error", "not-sent", "retrying"]);

function refusal(state: string | undefined): string {
  if (state === undefined)
    return "This mail has not had its first attempt yet; it is sent within seconds of being written.";
  if (state === "sent") return "This mail was delivered; it is not sent twice.";
  if (state === "sending") {
    return "This mail's last attempt has no recorded outcome (it may have been sent), so it is not sent again.";
  }
  return `This mail's delivery state is "${state}": only mail that failed, was not sent or waits for a retry can be retried.`;
}

export async function retryMailDelivery(
  input: RetryMailInput,
  caller: Caller,
  deps: RetryMailDeps,
): Promise<RetryMailResult> {
  if (caller.admin !== true) {
    throw new AppError(
      "permission-denied",
      "Only operators can retry mail: sign in with an operator account (npm run admin -- grant <email>).",
    );
  }
  const ref = MAIL.ref(deps.db).doc(input.mailId);
  const auditRef = ADMIN_AUDIT.ref(deps.db).doc(
    `retry-mail-${sha256Hex(`${caller.uid}|${input.idempotencyKey}`).slice(0, 32)}`,
  );
  const repeated = await deps.db.runTransaction(async (tx) => {
    const [mailSnapshot, auditSnapshot] = await Promise.all([
      tx.get(deps.db.collection(MAIL.id).doc(input.mailId)),
      tx.get(auditRef),
    ]);
    const audit = auditSnapshot.data();
    if (audit) {
      if (audit.mailId !== input.mailId) {
        throw new AppError("invalid-argument", "idempotencyKey: this key already retried another mail; use a new key.");
      }
      return true;
    }
    if (!mailSnapshot.exists) throw new AppError("not-found", "mailId: there is no such mail.");
    const parsed = MAIL.schema.safeParse(mailSnapshot.data());
    if (!parsed.success) {
      throw new AppError(
        "failed-precondition",
        "This mail document is malformed; it cannot be sent until it is fixed.",
      );
    }
    const mail = parsed.data;
    const state = mail.delivery?.state;
    if (state === undefined || !RETRYABLE.has(state)) throw new AppError("failed-precondition", refusal(state));
    const at = Timestamp.fromMillis(deps.now());
    // A fresh set of attempts, due now: deliverMail claims it like any due retry.
    tx.update(ref, {
      delivery: {
        state: "retrying",
        attempts: 0,
        nextAttemptAt: at,
        at,
        error: `retried by an operator (was ${state})`,
        retriedBy: caller.uid,
      },
    });
    tx.create(auditRef, {
      action: "retry-mail",
      mailId: input.mailId,
      previousState: state,
      uid: mail.uid ?? "",
      email: mail.to,
      changed: true,
      by: caller.uid,
      at,
    });
    return false;
  });
  if (!repeated) await deps.deliver(ref);
  const after = (await ref.get()).data();
  return { mailId: input.mailId, state: after?.delivery?.state ?? "unknown", repeated };
}
