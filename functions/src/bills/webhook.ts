// The bills provider's webhook. It is unsigned, so it is only ever a hint: a transaction update
// makes us re-query that bill now, a variations update makes us re-read that service's plans.
// Answered with the provider's expected body once the hint is handled (or recorded as due).
import { Timestamp } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import type { HttpAnswer } from "../core/http.js";
import type { CallbackRequestLike } from "../payments/callbacks.js";
import { ProviderError } from "../providers/errors.js";
import { refreshService } from "./catalogue.js";
import { BILLS, TERMINAL_BILL_STATUSES } from "./collections.js";
import type { BillsDeps } from "./deps.js";
import { recheckBill } from "./requery.js";

type Deps = Pick<BillsDeps, "db" | "provider" | "now">;

export function createBillsWebhookHandler(deps: () => Deps) {
  return async (request: CallbackRequestLike, response: HttpAnswer): Promise<void> => {
    if (request.method !== "POST") {
      response.status(405).json({ error: "POST the webhook as JSON." });
      return;
    }
    const { db, provider, now } = deps();
    let hint;
    try {
      hint = provider().readWebhook({ path: request.path, headers: request.headers, body: request.body });
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      response.status(400).json({ error: error.message });
      return;
    }
    try {
      if (hint.kind === "variations-update") {
        await refreshService(db, provider(), hint.serviceId, now);
      } else {
        const found = await BILLS.ref(db).where("requestId", "==", hint.requestId).limit(1).get();
        const doc = found.docs[0];
        const bill = doc?.data();
        if (doc && bill && !TERMINAL_BILL_STATUSES.includes(bill.status)) {
          // Due now, so that if the re-query below fails the scheduled one picks it up.
          await doc.ref.update({ nextCheckAt: Timestamp.fromMillis(now()) });
          await recheckBill({ db, provider, now }, doc.id, bill, "webhook");
        } else if (doc && bill?.status === "delivered" && bill.refundedAt === null) {
          // News of a delivered bill can only be a reversal: asked, and refunded if so.
          await recheckBill({ db, provider, now }, doc.id, bill, "webhook");
        } else if (!doc) {
          logger.warn("bills webhook for an unknown request id", { requestId: hint.requestId });
        }
      }
    } catch (error) {
      // The scheduled re-query and refresh do the same later; the provider need not retry.
      logger.error("bills webhook hint not handled now", { kind: hint.kind, error: String(error) });
    }
    response.status(200).json(provider().webhookReply);
  };
}
