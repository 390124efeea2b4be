// What a bill's owner is shown: the page, the callable's answer and the receipt read the same.
import type { BillRecord } from "./collections.js";
import { deliveredLines } from "./delivered.js";

export interface BillView {
  readonly billId: string;
  readonly status: BillRecord["status"];
  readonly customerMessage: string;
  readonly serviceId: string;
  readonly serviceName: string;
  readonly variationName: string | null;
  readonly customerNumber: string;
  readonly customerName: string | null;
  readonly currency: BillRecord["currency"];
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
  readonly points: number;
  readonly delivery: BillRecord["delivery"];
  readonly delivered: readonly string[];
  readonly createdAt: string;
  readonly settledAt: string | null;
  /** Set when the biller reversed a delivered bill and the total went back to the wallet. */
  readonly refundedAt: string | null;
}

export function billView(billId: string, bill: BillRecord): BillView {
  return {
    billId,
    status: bill.status,
    customerMessage: bill.customerMessage,
    serviceId: bill.serviceId,
    serviceName: bill.serviceName,
    variationName: bill.variationName,
    customerNumber: bill.customerNumber,
    customerName: bill.customerName,
    currency: bill.currency,
    amount: bill.amount,
    fee: bill.fee,
    total: bill.total,
    points: bill.points,
    delivery: bill.delivery,
    delivered: deliveredLines(bill.delivery),
    createdAt: bill.createdAt.toDate().toISOString(),
    settledAt: bill.settledAt?.toDate().toISOString() ?? null,
    refundedAt: bill.refundedAt?.toDate().toISOString() ?? null,
  };
}
