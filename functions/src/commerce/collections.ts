// The shop's documents: products (operators manage them in the console), each user's cart, the
// immutable quotes checkout makes, the orders settled payments become, and each merchant's
// invoice counter. Carts hold product ids and quantities only: a price is read from the product
// when checkout quotes it, never taken from a client.
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { COLLECTION_CURRENCIES } from "../shared/catalog.js";

const timestamp = z.instanceof(Timestamp);
const minor = z.number().int().nonnegative();
const currency = z.enum(COLLECTION_CURRENCIES);

/** products/{id}: what is sold, at a price per currency (minor units); absent currency = not sold in it. */
export const PRODUCTS = defineCollection(
  "products",
  z.object({
    merchantId: z.string().min(1),
    name: z.string().min(1),
    description: z.string(),
    prices: z.partialRecord(currency, minor),
    stock: z.number().int().nonnegative(),
    active: z.boolean(),
    imageUrl: z.string().nullable(),
    /** Raised by the operator with every price change; each quote line records the one it used. */
    priceVersion: z.number().int().nonnegative(),
  }),
);
export type ProductRecord = z.infer<typeof PRODUCTS.schema>;

export const MAX_CART_LINES = 20;
export const MAX_LINE_QUANTITY = 99;

const cartLine = z.object({ productId: z.string(), quantity: z.number().int().positive() });

/** carts/{uid}: the caller's cart, ids and quantities only. */
export const CARTS = defineCollection(
  "carts",
  z.object({ uid: z.string(), lines: z.array(cartLine), updatedAt: timestamp }),
);
export type CartRecord = z.infer<typeof CARTS.schema>;

/** One line of a quote or an order: the product as it was priced, frozen. */
export const lineSnapshot = z.object({
  productId: z.string(),
  name: z.string(),
  quantity: z.number().int().positive(),
  unitPrice: minor,
  lineTotal: minor,
  priceVersion: z.number().int().nonnegative(),
});
export type LineSnapshot = z.infer<typeof lineSnapshot>;

/** checkouts/{sha256(uid|idempotencyKey)}: checkout's quote, written once and never changed. */
export const CHECKOUTS = defineCollection(
  "checkouts",
  z.object({
    uid: z.string(),
    merchantId: z.string(),
    lines: z.array(lineSnapshot),
    total: minor,
    currency,
    /** The payer's details the quote was made for: a repeat of the key with others is refused. */
    requestHash: z.string(),
    email: z.string(),
    createdAt: timestamp,
    expiresAt: timestamp,
  }),
);
export type CheckoutRecord = z.infer<typeof CHECKOUTS.schema>;

export const REVIEW_REASONS = ["quote-expired", "out-of-stock", "amount-differs"] as const;

/** orders/{checkoutId}: what a settled checkout payment bought; one per checkout, never rewritten. */
export const ORDERS = defineCollection(
  "orders",
  z.object({
    uid: z.string(),
    checkoutId: z.string(),
    paymentId: z.string(),
    merchantId: z.string(),
    lines: z.array(lineSnapshot),
    currency,
    quotedTotal: minor,
    /** What the payment took, which is what the order is worth even when it differs from the quote. */
    amountPaid: minor,
    invoiceNumber: z.string(),
    invoiceSequence: z.number().int().positive(),
    /** confirmed: stock taken, nothing to do. review: an operator refunds or back-orders. */
    status: z.enum(["confirmed", "review"]),
    reviewReasons: z.array(z.enum(REVIEW_REASONS)),
    email: z.string(),
    createdAt: timestamp,
  }),
);
export type OrderRecord = z.infer<typeof ORDERS.schema>;

/** invoiceCounters/{merchantId}: the merchant's next invoice number; only fulfilment moves it. */
export const INVOICE_COUNTERS = defineCollection(
  "invoiceCounters",
  z.object({ merchantId: z.string(), next: z.number().int().positive() }),
);
