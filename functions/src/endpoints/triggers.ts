// The Firestore triggers: declared here at import, their code imported on the first event.
import { logger } from "firebase-functions/logger";
import { onDocumentCreated, onDocumentWritten } from "firebase-functions/v2/firestore";

import { INVOICE_LINK_SECRETS } from "../commerce/config.js";
import { params, secrets } from "../core/config.js";

const firebase = () => import("../core/firebase.js");

// Fulfilment (a settlement handler) puts the invoice's download link in the invoice email.
export const onPaymentWritten = onDocumentWritten(
  { document: "payments/{paymentId}", secrets: INVOICE_LINK_SECRETS },
  async (event) => {
    const [{ db }, { paymentSchema }, { dispatchStatusChange }] = await Promise.all([
      firebase(),
      import("../payments/records.js"),
      import("../payments/settlement.js"),
    ]);
    const before = event.data?.before.data();
    const after = event.data?.after.data();
    const parsedBefore = before === undefined ? undefined : paymentSchema.safeParse(before);
    const parsedAfter = after === undefined ? undefined : paymentSchema.safeParse(after);
    if (parsedBefore?.success === false || parsedAfter?.success === false) {
      // Only functions write payments; a malformed one is a bug to look at, not to retry forever.
      logger.error("malformed payment document; nothing dispatched", { paymentId: event.params.paymentId });
      return;
    }
    await dispatchStatusChange(db(), event.params.paymentId, parsedBefore?.data, parsedAfter?.data, event.id);
  },
);

// Entries that asked to be announced when posted (purchases, their reversals): reward points.
export const onLedgerEntryPosted = onDocumentCreated("ledgerEvents/{entryId}", async (event) => {
  const [{ db }, { followPostedEntry }] = await Promise.all([firebase(), import("../rewards/award.js")]);
  await followPostedEntry(db(), event.params.entryId);
});

export const sendMail = onDocumentCreated(
  { document: "mail/{mailId}", secrets: [secrets.sendgridApiKey] },
  async (event) => {
    if (!event.data) return;
    const [{ db }, { deliverMail }] = await Promise.all([firebase(), import("../notifications/send.js")]);
    await deliverMail(event.data.ref, {
      db: db(),
      apiKey: secrets.sendgridApiKey.value(),
      from: params.mailFrom.value(),
    });
  },
);

// The point of sale: every record a till creates is applied once to its store's stock and day
// (pos/apply.ts); a redelivered event finds the record's result and changes nothing.
async function applyTillRecord(
  kind: "sale" | "void" | "expense" | "adjustment",
  params: { storeId: string; recordId: string },
): Promise<void> {
  const [{ db }, { applyPosRecord }] = await Promise.all([firebase(), import("../pos/apply.js")]);
  await applyPosRecord({ db: db(), now: Date.now }, params.storeId, kind, params.recordId);
}

export const onPosSaleCreated = onDocumentCreated("stores/{storeId}/sales/{recordId}", (event) =>
  applyTillRecord("sale", event.params),
);
export const onPosVoidCreated = onDocumentCreated("stores/{storeId}/voids/{recordId}", (event) =>
  applyTillRecord("void", event.params),
);
export const onPosExpenseCreated = onDocumentCreated("stores/{storeId}/expenses/{recordId}", (event) =>
  applyTillRecord("expense", event.params),
);
export const onPosAdjustmentCreated = onDocumentCreated("stores/{storeId}/adjustments/{recordId}", (event) =>
  applyTillRecord("adjustment", event.params),
);
