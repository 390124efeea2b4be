// Fulfilment: the settlement handler for purpose "order". A succeeded payment of a checkout
// becomes orders/{checkoutId}, with its line snapshots, the stock it took and the merchant's next
// invoice number, all in one optimistic commit (core/optimistic.ts, as the ledger commits): the
// order is created with an "absent" precondition and the counter and products with "unchanged
// since read", so however the callbacks, re-queries and redelivered triggers race, one commit
// wins, there is one order per checkout, and invoice numbers have no gaps and no repeats.
//
// The sale is booked in the same commit: one journal entry, sale:{paymentId}, debits the
// provider's clearing account and credits the merchant's account (ledger/accounts.ts) by the
// amount paid, so there is an entry exactly when there is an order, and the nightly check's sums
// per currency stay at zero. (No fee is taken from shop sales today; a merchant fee would be a
// third posting, crediting @fees.)
//
// Money taken is never dropped: a payment that settles after its quote expired, for stock that is
// gone, or for an amount other than the quote still becomes an order at the amount paid, flagged
// for an operator (status "review" and an alert) to refund or back-order. Money rules 43-46.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { getAllOf } from "../core/collections.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { accounts } from "../ledger/accounts.js";
import { collectedMovement } from "../ledger/collected.js";
import { planMovement, type Movement } from "../ledger/journal.js";
import { mailRef } from "../notifications/payment-mail.js";
import { ALERTS } from "../payments/collections.js";
import type { PaymentRecord } from "../payments/records.js";
import type { StatusChange } from "../payments/settlement.js";
import {
  CARTS,
  CHECKOUTS,
  INVOICE_COUNTERS,
  ORDERS,
  PRODUCTS,
  type OrderRecord,
  type REVIEW_REASONS,
} from "./collections.js";
import { emailInvoiceLink } from "./invoice-link.js";
import { renderInvoicePdf } from "./invoice-pdf.js";
import { confirmationMail, invoiceMail } from "./mail.js";

const BUSY = "Many orders are being confirmed right now; this one will be retried.";

/** The invoice number printed for the merchant's n-th invoice. */
export function invoiceNumber(merchantId: string, sequence: number): string {
  return `${merchantId.toUpperCase()}-${String(sequence).padStart(6, "0")}`;
}

/** The journal entry of an order payment's sale: its id is the payment's, so it is booked once. */
export function saleEntryId(paymentId: string): string {
  return `sale:${paymentId}`;
}

/** The sale: what the provider collected, owed to the merchant. None for a payment of nothing. */
export function saleMovement(
  paymentId: string,
  payment: Pick<PaymentRecord, "amount" | "currency" | "provider">,
  checkout: { checkoutId: string; merchantId: string },
): Movement | undefined {
  if (payment.amount <= 0) return undefined;
  return collectedMovement(
    {
      id: saleEntryId(paymentId),
      kind: "sale",
      meta: { paymentId, checkoutId: checkout.checkoutId, merchantId: checkout.merchantId },
    },
    paymentId,
    payment,
    accounts.merchant(checkout.merchantId, payment.currency),
  );
}

export async function fulfilOrder(db: Firestore, change: StatusChange): Promise<void> {
  const { after, paymentId } = change;
  if (after.status !== "succeeded") return;
  const checkoutId = after.checkoutId;
  if (checkoutId === undefined) {
    // Order payments made through createPayment before checkout existed bought nothing we know of.
    logger.warn("order payment without a checkout; nothing to fulfil", { paymentId });
    return;
  }
  const orderRef = ORDERS.ref(db).doc(checkoutId);
  const checkout = (await CHECKOUTS.ref(db).doc(checkoutId).get()).data();
  if (!checkout) throw new Error(`payment ${paymentId} names checkout ${checkoutId}, which does not exist`);
  const counterRef = INVOICE_COUNTERS.ref(db).doc(checkout.merchantId);
  const productRefs = checkout.lines.map((line) => PRODUCTS.ref(db).doc(line.productId));

  const sale = saleMovement(paymentId, after, { checkoutId, merchantId: checkout.merchantId });

  const created = await commitOptimistically(async () => {
    // Read together only for the version; the commit's preconditions are what make it safe.
    const [orderSnap, [counterSnap, productSnaps], plan] = await Promise.all([
      orderRef.get(),
      getAllOf(db, counterRef, productRefs),
      sale ? planMovement(db, sale) : undefined,
    ]);
    const version = versionOf([orderSnap, counterSnap, ...productSnaps, ...(plan?.snapshots ?? [])]);
    if (orderSnap.exists) {
      // An order confirmed before sales were booked has no entry: book it now, on its own.
      if (!plan || plan.existing) return { version, commit: () => Promise.resolve(false) };
      const booking = db.batch();
      plan.stage(booking);
      return { version, commit: async () => (await booking.commit(), false) };
    }
    const counter = counterSnap.data();
    const products = productSnaps.map((snap) => snap.data());

    const settledAt = after.settledAt ?? after.updatedAt;
    const reasons: (typeof REVIEW_REASONS)[number][] = [];
    if (settledAt.toMillis() > checkout.expiresAt.toMillis()) reasons.push("quote-expired");
    const inStock = checkout.lines.every((line, i) => (products[i]?.stock ?? 0) >= line.quantity);
    if (!inStock) reasons.push("out-of-stock");
    if (after.amount !== checkout.total || after.currency !== checkout.currency) reasons.push("amount-differs");

    const sequence = counter?.next ?? 1;
    const at = Timestamp.now();
    const order: OrderRecord = {
      uid: checkout.uid,
      checkoutId,
      paymentId,
      merchantId: checkout.merchantId,
      lines: checkout.lines,
      currency: checkout.currency,
      quotedTotal: checkout.total,
      amountPaid: after.amount,
      invoiceNumber: invoiceNumber(checkout.merchantId, sequence),
      invoiceSequence: sequence,
      status: reasons.length === 0 ? "confirmed" : "review",
      reviewReasons: reasons,
      email: checkout.email,
      createdAt: at,
    };

    const batch = db.batch();
    batch.create(orderRef, order);
    if (counterSnap.updateTime) {
      batch.update(counterRef, { next: sequence + 1 }, { lastUpdateTime: counterSnap.updateTime });
    } else {
      batch.create(counterRef, { merchantId: checkout.merchantId, next: sequence + 1 });
    }
    // Stock is taken only when every line is there; otherwise the operator decides (back-order or
    // refund) and no product goes below zero.
    if (inStock) {
      checkout.lines.forEach((line, i) => {
        const snap = productSnaps[i];
        const product = products[i];
        if (!snap?.updateTime || !product) return;
        batch.update(snap.ref, { stock: product.stock - line.quantity }, { lastUpdateTime: snap.updateTime });
      });
    }
    if (reasons.length > 0) {
      batch.create(ALERTS.ref(db).doc(`order-review-${checkoutId}`), {
        type: "order-review",
        paymentId,
        detail: {
          checkoutId,
          reasons,
          amountPaid: after.amount,
          quotedTotal: checkout.total,
          currency: checkout.currency,
        },
        createdAt: at,
        resolved: false,
      });
    }
    // The emails are created with the order, so there is one of each exactly when there is an
    // order; the invoice carries its PDF (a few kilobytes, well within a document's size) and its
    // download link (invoice-link.ts), good for 90 days.
    const pdf = Buffer.from(await renderInvoicePdf(checkoutId, order)).toString("base64");
    const mails = [
      { kind: "order-confirmation", message: confirmationMail(checkoutId, order) },
      {
        kind: "invoice",
        message: invoiceMail(order, emailInvoiceLink(checkoutId, at.toMillis())),
        attachments: [{ filename: `${order.invoiceNumber}.pdf`, type: "application/pdf", content: pdf }],
      },
    ];
    for (const mail of mails) {
      batch.create(mailRef(db, paymentId, mail.kind), {
        to: checkout.email,
        paymentId,
        uid: checkout.uid,
        eventId: change.eventId,
        createdAt: at,
        ...mail,
      });
    }
    plan?.stage(batch);
    return { version, commit: async () => (await batch.commit(), true) };
  }, BUSY);

  if (created) {
    logger.info("order created", { paymentId, checkoutId });
    await emptyCart(db, checkout.uid, checkout.createdAt);
  }
}

/** The cart that was checked out, emptied unless the buyer changed it since (then it is theirs). */
async function emptyCart(db: Firestore, uid: string, checkedOutAt: Timestamp): Promise<void> {
  const ref = CARTS.ref(db).doc(uid);
  const snap = await ref.get();
  const cart = snap.data();
  if (!cart || !snap.updateTime || cart.updatedAt.toMillis() > checkedOutAt.toMillis()) return;
  await ref.delete({ lastUpdateTime: snap.updateTime }).catch((error: unknown) => {
    logger.info("cart changed while the order was confirmed; kept", { uid, error: String(error) });
  });
}
