// The withdrawals feature's documents. Only functions write them; a withdrawal's owner may read
// their withdrawals and each one's events (firestore.rules), nothing else here.
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";

const timestamp = z.instanceof(Timestamp);
const minor = z.number().int().min(0);

/** Where a withdrawal's money goes, by its currency. */
export const PAYOUT_ROUTES = { KES: "mpesa", UGX: "iotec" } as const;
export type PayoutCurrency = keyof typeof PAYOUT_ROUTES;
export const PAYOUT_CURRENCIES = Object.keys(PAYOUT_ROUTES) as PayoutCurrency[];
export type PayoutProviderName = (typeof PAYOUT_ROUTES)[PayoutCurrency];

/**
 * sending: recorded, the request to the provider not answered yet; pending: the provider accepted
 * it and its result is awaited; conflict: the provider's result does not match what was asked (an
 * operator decides; the hold stays); succeeded / failed: final.
 */
export const WITHDRAWAL_STATUSES = ["sending", "pending", "conflict", "succeeded", "failed"] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];
/** A terminal status never changes (money rule: terminal states are final). */
export const TERMINAL_WITHDRAWAL_STATUSES: readonly WithdrawalStatus[] = ["succeeded", "failed"];

/** withdrawals/{withdrawalId}: money from a user's wallet to their mobile-money number. */
export const WITHDRAWALS = defineCollection(
  "withdrawals",
  z.object({
    uid: z.string(),
    provider: z.enum(["mpesa", "iotec"]),
    currency: z.enum(PAYOUT_CURRENCIES as [PayoutCurrency, ...PayoutCurrency[]]),
    /** E.164; a number the user topped up from. */
    phone: z.string(),
    amount: minor,
    fee: minor,
    total: minor,
    quoteId: z.string(),
    /** The ledger hold's id, and the provider's idempotency key (OriginatorConversationID, externalId). */
    payoutId: z.string(),
    requestHash: z.string(),
    /** The local calendar day (YYYY-MM-DD) it counts against in withdrawalDays. */
    day: z.string(),
    status: z.enum(WITHDRAWAL_STATUSES),
    providerReference: z.string().nullable(),
    receipt: z.string().nullable(),
    failureCode: z.string().nullable(),
    customerMessage: z.string(),
    /** Status requests made so far, and when the next is due (null once final or in conflict). */
    checks: z.number().int().min(0),
    nextCheckAt: timestamp.nullable(),
    /** When operators were told its hold is older than a day. */
    alertedAt: timestamp.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    settledAt: timestamp.nullable(),
  }),
);
export type WithdrawalRecord = z.infer<(typeof WITHDRAWALS)["schema"]>;

export const WITHDRAWAL_EVENT_SOURCES = ["withdraw", "send", "result", "status", "requery", "operator"] as const;

/** withdrawals/{withdrawalId}/events/{eventId}: every status change and what the provider said. */
export const WITHDRAWAL_EVENTS = defineCollection(
  "withdrawals/{withdrawalId}/events",
  z.object({
    at: timestamp,
    from: z.enum(WITHDRAWAL_STATUSES).nullable(),
    to: z.enum(WITHDRAWAL_STATUSES),
    source: z.enum(WITHDRAWAL_EVENT_SOURCES),
    /** The provider event this records (repeats of one delivery share it), when there is one. */
    eventKey: z.string().nullable(),
    detail: z.string(),
  }),
);

/** withdrawalLocks/{uid}: the user's one withdrawal in flight; removed when it is final. */
export const WITHDRAWAL_LOCKS = defineCollection(
  "withdrawalLocks",
  z.object({ withdrawalId: z.string(), since: timestamp }),
);
export type WithdrawalLockRecord = z.infer<(typeof WITHDRAWAL_LOCKS)["schema"]>;

/**
 * withdrawalDays/{uid}_{currency}_{day}: what the user's withdrawals of that local day come to
 * (amounts, not fees), those in flight included and failed ones taken off again.
 */
export const WITHDRAWAL_DAYS = defineCollection(
  "withdrawalDays",
  z.object({
    uid: z.string(),
    currency: z.string(),
    day: z.string(),
    total: minor,
    withdrawals: z.array(z.string()),
  }),
);
export type WithdrawalDayRecord = z.infer<(typeof WITHDRAWAL_DAYS)["schema"]>;

/** payoutResults/{hash(provider|eventKey)}: every authentic result received, as it came (audit). */
export const PAYOUT_RESULTS = defineCollection(
  "payoutResults",
  z.object({
    provider: z.string(),
    eventKey: z.string(),
    kind: z.enum(["payout", "status", "reversal"]),
    subjectId: z.string(),
    outcome: z.enum(["pending", "succeeded", "failed"]),
    amount: minor.nullable(),
    receipt: z.string().nullable(),
    failureCode: z.string().nullable(),
    /** The body as received, as JSON text (Firestore cannot store every JSON shape), cut at 20,000 characters. */
    raw: z.string(),
    receivedAt: timestamp,
  }),
);
