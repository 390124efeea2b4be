// The point of sale's documents (docs/pos.md). A store keeps everything under stores/{storeId}:
// its staff (membership documents, which firestore.rules reads), its own products, its tills, and
// the records tills write from the device — sales, voids, expenses and stock adjustments — each
// under an id the device generated and written whole, once. What the server makes of a record
// (applied, flagged, waiting) is kept apart in results/, never on the record: a record must stay
// byte-for-byte what the till wrote, so that the SDK's resend of it is accepted as identical.
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { MAX_LINE_QUANTITY, MAX_RECORD_AMOUNT, MAX_SALE_LINES, STORE_CURRENCIES } from "./shape.js";

const timestamp = z.instanceof(Timestamp);
const minor = z.number().int().nonnegative().max(MAX_RECORD_AMOUNT);
const currency = z.enum(STORE_CURRENCIES);
/** Device time in epoch milliseconds: a number, so a resent write is identical to the first. */
const deviceTime = z.number().int().nonnegative();

/** stores/{storeId}: created by createStore with its owner's membership. */
export const STORES = defineCollection(
  "stores",
  z.object({ name: z.string().min(1), currency, ownerUid: z.string(), createdAt: timestamp }),
);
export type StoreRecord = z.infer<typeof STORES.schema>;

export const STAFF_ROLES = ["owner", "cashier"] as const;

/** stores/{storeId}/staff/{uid}: who works there. The owner's is createStore's; cashiers' the owner's. */
export const STAFF = defineCollection(
  "stores/{storeId}/staff",
  z.object({ uid: z.string(), role: z.enum(STAFF_ROLES), addedBy: z.string(), addedAt: timestamp }),
);
export type StaffRecord = z.infer<typeof STAFF.schema>;

/**
 * stores/{storeId}/products/{productId}: the store's own catalogue. The owner writes name, price
 * and the low-stock mark from the till; stock is the trigger's alone (it moves only by applied
 * records), and may go below zero when tills sold offline more than there was.
 */
export const STORE_PRODUCTS = defineCollection(
  "stores/{storeId}/products",
  z.object({
    name: z.string().min(1),
    price: minor,
    stock: z.number().int(),
    lowStockAt: z.number().int().nonnegative(),
    active: z.boolean(),
  }),
);
export type StoreProductRecord = z.infer<typeof STORE_PRODUCTS.schema>;

/** stores/{storeId}/tills/{tillId}: a registered device and the code its receipts carry. */
export const TILLS = defineCollection(
  "stores/{storeId}/tills",
  z.object({ deviceCode: z.string(), label: z.string(), registeredBy: z.string(), createdAt: timestamp }),
);

/** tillCodes/{deviceCode}: which till holds a code; created once, so no two tills share one. */
export const TILL_CODES = defineCollection(
  "tillCodes",
  z.object({ storeId: z.string(), tillId: z.string(), createdAt: timestamp }),
);

/** What every till record carries: where it was made and by whom. */
const fromTill = {
  tillId: z.string(),
  deviceCode: z.string(),
  cashierUid: z.string(),
  recordedAt: deviceTime,
};

export const saleLine = z.object({
  productId: z.string(),
  name: z.string(),
  quantity: z.number().int().positive().max(MAX_LINE_QUANTITY),
  unitPrice: minor,
  lineTotal: minor,
});
export type SaleLine = z.infer<typeof saleLine>;

export const salePayment = z.discriminatedUnion("method", [
  z.object({ method: z.literal("cash") }),
  /** Paid through createPayment; the till writes the sale once the payment has succeeded. */
  z.object({ method: z.literal("mobile-money"), paymentId: z.string() }),
]);

/** stores/{storeId}/sales/{uuidv7}: a sale as the till recorded it. */
export const SALES = defineCollection(
  "stores/{storeId}/sales",
  z.object({
    ...fromTill,
    receiptNumber: z.string(),
    shift: z.number().int().positive(),
    seq: z.number().int().positive(),
    lines: z.array(saleLine).min(1).max(MAX_SALE_LINES),
    total: minor,
    currency,
    payment: salePayment,
  }),
);
export type SaleRecord = z.infer<typeof SALES.schema>;

/** stores/{storeId}/voids/{uuidv7}: a correction: the sale it names is taken back, once. */
export const VOIDS = defineCollection(
  "stores/{storeId}/voids",
  z.object({ ...fromTill, saleId: z.string(), reason: z.string() }),
);
export type VoidRecord = z.infer<typeof VOIDS.schema>;

export const EXPENSE_CATEGORIES = ["stock", "transport", "rent", "wages", "utilities", "other"] as const;

/** stores/{storeId}/expenses/{uuidv7}: money paid out of the till. */
export const EXPENSES = defineCollection(
  "stores/{storeId}/expenses",
  z.object({ ...fromTill, amount: minor, currency, category: z.enum(EXPENSE_CATEGORIES), note: z.string() }),
);
export type ExpenseRecord = z.infer<typeof EXPENSES.schema>;

export const ADJUSTMENT_REASONS = ["received", "damaged", "returned", "count"] as const;

/** stores/{storeId}/adjustments/{uuidv7}: stock received, spoiled or recounted (a signed delta). */
export const ADJUSTMENTS = defineCollection(
  "stores/{storeId}/adjustments",
  z.object({
    ...fromTill,
    productId: z.string(),
    delta: z
      .number()
      .int()
      .refine((n) => n !== 0 && Math.abs(n) <= 1_000_000),
    reason: z.enum(ADJUSTMENT_REASONS),
    note: z.string(),
  }),
);
export type AdjustmentRecord = z.infer<typeof ADJUSTMENTS.schema>;

export const RECORD_KINDS = ["sale", "void", "expense", "adjustment"] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const FLAGS = [
  /** A line's price is not the catalogue's (a till priced offline from an older catalogue). */
  "price-differs",
  /** Lines do not add up to the total, or a line to its quantity times its price. */
  "total-mismatch",
  /** The sale took a product's stock below zero (another till sold it meanwhile). */
  "stock-below-zero",
  /** A line names a product the store does not have. */
  "unknown-product",
  /** A mobile-money sale whose payment is not a succeeded payment of this cashier for this total. */
  "payment-not-settled",
  /** A payment another sale already used. */
  "payment-reused",
  /** Another sale of this store already carries the receipt number. */
  "duplicate-receipt",
  /** The record's device time is more than a day ahead of the server's: its day is the server's. */
  "clock-ahead",
] as const;
export type Flag = (typeof FLAGS)[number];

/** The part of a sale's effect a void takes back. */
const effect = z.object({
  day: z.string(),
  total: minor,
  method: z.enum(["cash", "mobile-money"]),
  lines: z.array(z.object({ productId: z.string(), quantity: z.number().int(), amount: minor })),
});
export type SaleEffect = z.infer<typeof effect>;

/**
 * stores/{storeId}/results/{kind}-{recordId}: the applied-marker. Created in the same commit that
 * applies the record, so a record is applied at most once however often its event is delivered.
 */
export const RESULTS = defineCollection(
  "stores/{storeId}/results",
  z.object({
    kind: z.enum(RECORD_KINDS),
    recordId: z.string(),
    /**
     * applied: counted. rejected: unreadable (or a void with nothing to take back), nothing counted.
     * voided: a sale whose void came first, nothing counted. waiting: a void whose sale has not come.
     */
    status: z.enum(["applied", "rejected", "voided", "waiting"]),
    flags: z.array(z.enum(FLAGS)),
    /** Why a record was rejected or a void had no effect, in a sentence. */
    note: z.string().nullable(),
    /** What the catalogue says the lines cost (sales). */
    catalogueTotal: minor.nullable(),
    effect: effect.nullable(),
    appliedAt: timestamp,
  }),
);
export type ResultRecord = z.infer<typeof RESULTS.schema>;

/** stores/{storeId}/voidMarks/{saleId}: the one void a sale has had, applied or waiting for its sale. */
export const VOID_MARKS = defineCollection(
  "stores/{storeId}/voidMarks",
  z.object({ voidId: z.string(), state: z.enum(["applied", "waiting"]), at: timestamp }),
);

/** stores/{storeId}/receipts/{receiptNumber}: the sale that first carried the number. */
export const RECEIPTS = defineCollection("stores/{storeId}/receipts", z.object({ saleId: z.string() }));

/** posPayments/{paymentId}: the one sale a mobile-money payment paid for. */
export const POS_PAYMENTS = defineCollection("posPayments", z.object({ storeId: z.string(), saleId: z.string() }));

const productDay = z.object({ name: z.string(), quantity: z.number().int(), total: z.number().int() });

/**
 * stores/{storeId}/days/{YYYY-MM-DD}: the store's day, in its own time zone. Only increments move
 * it (never read-then-written), so every till's records add up without contending for it.
 */
export const DAYS = defineCollection(
  "stores/{storeId}/days",
  z.object({
    date: z.string(),
    salesCount: z.number().int(),
    salesTotal: z.number().int(),
    cashTotal: z.number().int(),
    mobileTotal: z.number().int(),
    voidsCount: z.number().int(),
    expensesCount: z.number().int(),
    expensesTotal: z.number().int(),
    flaggedCount: z.number().int(),
    products: z.record(z.string(), productDay),
  }),
);
export type DayRecord = z.infer<typeof DAYS.schema>;

export const POS_COLLECTIONS = [
  STORES,
  STAFF,
  STORE_PRODUCTS,
  TILLS,
  TILL_CODES,
  SALES,
  VOIDS,
  EXPENSES,
  ADJUSTMENTS,
  RESULTS,
  VOID_MARKS,
  RECEIPTS,
  POS_PAYMENTS,
  DAYS,
] as const;
