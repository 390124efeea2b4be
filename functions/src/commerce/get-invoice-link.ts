// getInvoiceLink: the order page's "Download invoice (PDF)" link, made fresh whenever the page
// shows the order, so the page's link never runs out the way an emailed one does after 90 days.
// Only the order's owner gets one; someone else's order and one not made yet read alike.
import type { Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { ORDERS } from "./collections.js";
import { invoiceLink, linkSecret } from "./invoice-link.js";
import type { GetInvoiceLinkInput } from "./schemas.js";

export interface InvoiceLinkView {
  /** On the page's own origin: /api/invoices/{orderId}?token=… */
  readonly path: string;
  readonly invoiceNumber: string;
  readonly expiresAt: string;
}

export async function getInvoiceLink(
  input: GetInvoiceLinkInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<InvoiceLinkView> {
  await enforceRateLimits(deps.db, "getInvoiceLink", caller, deps.now());
  const order = (await ORDERS.ref(deps.db).doc(input.orderId).get()).data();
  if (order?.uid !== caller.uid) {
    throw new AppError(
      "not-found",
      "orderId: there is no such order for you (an order appears once its payment has succeeded).",
    );
  }
  const secret = linkSecret();
  if (!secret) throw new Error("INVOICE_LINK_SECRET is not set: list INVOICE_LINK_SECRETS on getInvoiceLink");
  const link = invoiceLink(secret, input.orderId, deps.now());
  return { path: link.path, invoiceNumber: order.invoiceNumber, expiresAt: link.expiresAt.toISOString() };
}
