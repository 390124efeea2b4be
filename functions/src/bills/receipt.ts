// The receipt of a delivered bill: the token, PINs or confirmation, by email. The first is written
// when the bill is delivered, each re-send under its own number, each mail document under an id
// derived from (bill, number), so a delivery applied twice mails once.
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { createOnce } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { mailRef } from "../notifications/payment-mail.js";
import { billReceiptMail } from "../notifications/templates.js";
import { SERVICE_LABELS } from "../shared/catalog.js";
import { formatMoney } from "../shared/money.js";
import { BILLS, type BillRecord } from "./collections.js";
import { deliveredLines } from "./delivered.js";
import type { ResendBillReceiptInput } from "./schemas.js";

/** The mail document of a bill's receipt number `number` (0: the first). */
function receiptRef(db: Firestore, billId: string, number: number) {
  return mailRef(db, billId, `bill-receipt|${number}`);
}

function receiptMessage(billId: string, bill: BillRecord) {
  const money = (minor: number) => formatMoney(minor, bill.currency);
  return billReceiptMail({
    service: bill.serviceName || SERVICE_LABELS[bill.category],
    plan: bill.variationName,
    customerNumber: bill.customerNumber,
    customerName: bill.customerName,
    amount: money(bill.amount),
    fee: money(bill.fee),
    total: money(bill.total),
    points: bill.points,
    delivered: deliveredLines(bill.delivery),
    billId,
    paidAt: `${(bill.settledAt ?? bill.updatedAt).toDate().toISOString().replace("T", " ").slice(0, 16)} UTC`,
  });
}

/** The first receipt of a delivered bill, when it has an address; writing it twice is harmless. */
export async function mailBillReceipt(db: Firestore, billId: string, bill: BillRecord): Promise<void> {
  if (!bill.email || bill.status !== "delivered") return;
  const ref = receiptRef(db, billId, 0);
  // Written at most once: by the first to apply the delivery.
  await createOnce(ref, {
    to: bill.email,
    kind: "bill-receipt",
    uid: bill.uid,
    message: receiptMessage(billId, bill),
    createdAt: FieldValue.serverTimestamp(),
  });
}

/** resendBillReceipt: the receipt again, to the bill's address or a new one. */
export async function resendBillReceipt(
  input: ResendBillReceiptInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<{ sentTo: string }> {
  const { db } = deps;
  const now = deps.now();
  const ref = BILLS.ref(db).doc(input.billId);
  const first = (await ref.get()).data();
  if (first?.uid !== caller.uid) throw new AppError("not-found", "billId: there is no such bill for you.");
  if (first.status !== "delivered") {
    throw new AppError("failed-precondition", "billId: this bill is not delivered, so there is no receipt yet.");
  }
  const to = input.email ?? first.email;
  if (!to) throw new AppError("invalid-argument", "email: say where to send the receipt.");
  await enforceRateLimits(db, "resendBillReceipt", caller, now);
  await db.runTransaction(async (tx) => {
    const bill = (await tx.get(ref)).data();
    if (!bill) throw new AppError("not-found", "billId: there is no such bill for you.");
    const number = bill.receiptsSent + 1;
    tx.update(ref, { receiptsSent: number, updatedAt: Timestamp.fromMillis(now) });
    tx.create(receiptRef(db, input.billId, number), {
      to,
      kind: "bill-receipt",
      uid: caller.uid,
      message: receiptMessage(input.billId, bill),
      createdAt: FieldValue.serverTimestamp(),
    });
  });
  return { sentTo: to };
}
