// The bills feature's documents. Only functions write them; a bill's owner may read their bills,
// their verifications and the bill's events, and any signed-in user may read the catalogue.
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { CURRENCY_CODES, SERVICES } from "../shared/catalog.js";

const timestamp = z.instanceof(Timestamp);
const minor = z.number().int().min(0);

export const BILL_STATUSES = ["sending", "pending", "delivered", "failed"] as const;
export type BillStatusName = (typeof BILL_STATUSES)[number];
/** A terminal status never changes (money rule: terminal states are final). */
export const TERMINAL_BILL_STATUSES: readonly BillStatusName[] = ["delivered", "failed"];

const variationSchema = z.object({
  code: z.string(),
  name: z.string(),
  amount: minor,
  fixedPrice: z.boolean(),
});

/** billServices/{serviceId}: one biller service and its plans, as the provider last listed them. */
export const BILL_SERVICES = defineCollection(
  "billServices",
  z.object({
    provider: z.string(),
    category: z.enum(SERVICES),
    name: z.string(),
    image: z.string().nullable(),
    minAmount: minor.nullable(),
    maxAmount: minor.nullable(),
    verification: z.enum(["meter", "smartcard", "account"]).nullable(),
    variations: z.array(variationSchema),
    /** False once a refresh no longer lists the service: it stays readable, it cannot be bought. */
    active: z.boolean(),
    refreshedAt: timestamp,
  }),
);
export type BillServiceRecord = z.infer<(typeof BILL_SERVICES)["schema"]>;

/** billVerifications/{id}: a customer number the biller confirmed, with the name it gave. */
export const BILL_VERIFICATIONS = defineCollection(
  "billVerifications",
  z.object({
    uid: z.string(),
    serviceId: z.string(),
    customerNumber: z.string(),
    variationCode: z.string().nullable(),
    customerName: z.string(),
    details: z.record(z.string(), z.string()),
    /** TV: the biller's price for renewing the current bouquet, which a renewal must pay. */
    renewalAmount: minor.positive().nullable().optional(),
    createdAt: timestamp,
    expiresAt: timestamp,
  }),
);

export type BillVerificationRecord = z.infer<(typeof BILL_VERIFICATIONS)["schema"]>;

const deliverySchema = z.object({
  token: z.string().optional(),
  units: z.string().optional(),
  pins: z.array(z.string()).optional(),
  confirmation: z.string().optional(),
});

/** bills/{billId}: one purchase from a biller, from the hold to its outcome. */
export const BILLS = defineCollection(
  "bills",
  z.object({
    uid: z.string(),
    provider: z.string(),
    serviceId: z.string(),
    serviceName: z.string(),
    category: z.enum(SERVICES),
    variationCode: z.string().nullable(),
    variationName: z.string().nullable(),
    customerNumber: z.string(),
    customerName: z.string().nullable(),
    phone: z.string(),
    email: z.string().nullable(),
    subscriptionType: z.enum(["change", "renew"]).nullable(),
    currency: z.enum(CURRENCY_CODES),
    amount: minor,
    fee: minor,
    total: minor,
    points: minor,
    redeemPoints: minor,
    quoteId: z.string(),
    /** The ledger hold (wallet/purchase.ts). */
    entryId: z.string(),
    requestHash: z.string(),
    /** The provider's idempotency key: stored before the first call, reused for every retry. */
    requestId: z.string(),
    status: z.enum(BILL_STATUSES),
    providerCode: z.string().nullable(),
    providerReference: z.string().nullable(),
    customerMessage: z.string(),
    delivery: deliverySchema.nullable(),
    /** Pay calls sent under requestId (a re-send only after the provider said it never had it). */
    payCalls: z.number().int().min(0),
    /** Re-queries made so far, and when the next is due (null once the bill is final). */
    checks: z.number().int().min(0),
    nextCheckAt: timestamp.nullable(),
    /** When an operator was told the bill is still pending after a day. */
    alertedAt: timestamp.nullable(),
    receiptsSent: z.number().int().min(0),
    /** When the biller reversed a delivered bill and the purchase was refunded (reverse:{entryId}). */
    refundedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    settledAt: timestamp.nullable(),
  }),
);
export type BillRecord = z.infer<(typeof BILLS)["schema"]>;

/** bills/{billId}/events/{eventId}: every status change and what the provider said. */
export const BILL_EVENTS = defineCollection(
  "bills/{billId}/events",
  z.object({
    at: timestamp,
    from: z.enum(BILL_STATUSES).nullable(),
    to: z.enum(BILL_STATUSES),
    source: z.enum(["pay", "requery", "webhook"]),
    providerCode: z.string().nullable(),
    detail: z.string(),
  }),
);

/** billGuards/{hash(serviceId|customerNumber)}: the provider refuses the same biller twice in 30 s. */
export const BILL_GUARDS = defineCollection("billGuards", z.object({ billId: z.string(), until: timestamp }));
