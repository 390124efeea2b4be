// Settlement dispatch: the one trigger on payment writes hands each status change to the handlers
// registered for the payment's purpose, once per change. A settlement is a payment reaching a
// final status (succeeded, failed, cancelled, expired, conflict); the handlers decide what each
// means for them. A new purpose is a handler file and one line in SETTLEMENT_HANDLERS.
//
// Every handler's effect is idempotent per (payment, handler), keyed by the payment and not by
// the event, so a trigger delivered twice, or two events for one change, have one effect.
import type { Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { fulfilOrder } from "../commerce/fulfil.js";
import { issueEntryCode } from "../entries/codes.js";
import { bookEntryFee } from "../entries/fees.js";
import { mailPayer } from "../notifications/payment-mail.js";
import { countStatusChange } from "../operations/reports/analytics.js";
import { creditTopUp } from "../wallet/top-up.js";
import type { PaymentRecord, Purpose } from "./records.js";

export interface StatusChange {
  readonly paymentId: string;
  readonly before: PaymentRecord | undefined;
  readonly after: PaymentRecord;
  readonly eventId: string;
}

export interface SettlementHandler {
  readonly name: string;
  /** The purposes it serves; "every" for all of them. */
  readonly purposes: readonly Purpose[] | "every";
  readonly handle: (db: Firestore, change: StatusChange) => Promise<void>;
}

export const SETTLEMENT_HANDLERS: readonly SettlementHandler[] = [
  { name: "payer-mail", purposes: "every", handle: mailPayer },
  { name: "entry-code", purposes: ["entry"], handle: (db, change) => issueEntryCode(db, change) },
  { name: "entry-fee", purposes: ["entry"], handle: (db, change) => bookEntryFee(db, change) },
  { name: "wallet-credit", purposes: ["wallet-topup"], handle: creditTopUp },
  { name: "order-fulfilment", purposes: ["order"], handle: fulfilOrder },
  // Operations analytics (operations/reports/analytics.ts): every payment's creation and final status.
  { name: "analytics", purposes: "every", handle: countStatusChange },
];

/**
 * Runs every handler for a status change. Handlers are independent: one that fails does not stop
 * the others, and the trigger then fails so the event is retried (the others' effects are
 * idempotent).
 */
export async function dispatchStatusChange(
  db: Firestore,
  paymentId: string,
  before: PaymentRecord | undefined,
  after: PaymentRecord | undefined,
  eventId: string,
  handlers: readonly SettlementHandler[] = SETTLEMENT_HANDLERS,
): Promise<void> {
  if (!after || before?.status === after.status) return;
  const change = { paymentId, before, after, eventId };
  const chosen = handlers.filter(({ purposes }) => purposes === "every" || purposes.includes(after.purpose));
  const results = await Promise.allSettled(chosen.map((handler) => handler.handle(db, change)));
  const failed = results.flatMap((result, i) =>
    result.status === "rejected" ? [{ handler: chosen[i]?.name, result }] : [],
  );
  for (const { handler, result } of failed) {
    logger.error("settlement handler failed", { paymentId, handler, error: String(result.reason) });
  }
  if (failed[0]) throw failed[0].result.reason;
}
