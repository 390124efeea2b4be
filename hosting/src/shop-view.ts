// Pure helpers for the checkout page: how a price, a cart and an order read, and whether the cart
// can be checked out in a currency. Free of the DOM so they are unit-tested. The page shows a total
// only to send it back as `expectedTotal`: the server prices the cart itself and refuses a total
// the shopper was not shown, so nothing here decides what is owed.
import type { COLLECTION_CURRENCIES } from "../../functions/src/shared/catalog.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";
import type { CartLineView, CartView } from "../../functions/src/commerce/cart.ts";
import type { CheckoutView } from "../../functions/src/commerce/checkout.ts";
import type { LineSnapshot, OrderRecord } from "../../functions/src/commerce/collections.ts";

export type { CartLineView, CartView, CheckoutView };

export type CollectionCurrency = (typeof COLLECTION_CURRENCIES)[number];

/** A product as the page lists it (products/{id}, read as the rules let a signed-in user). */
export interface ProductView {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly prices: Partial<Record<CollectionCurrency, number>>;
  readonly stock: number;
}

/** The order fields the confirmation shows (orders/{checkoutId}, read by its owner). */
export type OrderView = Pick<
  OrderRecord,
  "checkoutId" | "invoiceNumber" | "currency" | "amountPaid" | "status" | "reviewReasons"
> & { readonly lines: readonly LineSnapshot[] };

/** "KES 1,500.00", or why it cannot be bought in this currency. */
export function priceText(prices: ProductView["prices"], currency: CollectionCurrency): string {
  const price = prices[currency];
  return price === undefined ? `not sold in ${currency}` : formatMoney(price, currency);
}

/** Whether the product can go in the cart: sold in the currency and some left. */
export function canAdd(product: ProductView, currency: CollectionCurrency): boolean {
  return product.prices[currency] !== undefined && product.stock > 0;
}

/** "2 × KES 1,500.00 = KES 3,000.00", or why the line cannot be checked out. */
export function cartLineText(line: CartLineView, currency: CollectionCurrency): string {
  if (!line.available) return "no longer sold: remove it to check out";
  const price = line.prices[currency];
  if (price === undefined) return `not sold in ${currency}: remove it to pay in ${currency}`;
  if (line.inStock < line.quantity) return `only ${line.inStock} left: lower the quantity`;
  return `${line.quantity} × ${formatMoney(price, currency)} = ${formatMoney(price * line.quantity, currency)}`;
}

/**
 * Why this cart cannot be checked out in the currency (the sentence the page shows, the same the
 * server would answer), or undefined when it can.
 */
export function checkoutBlocker(cart: CartView, currency: CollectionCurrency): string | undefined {
  if (cart.lines.length === 0) return "Your cart is empty: add a product first.";
  const unsold = cart.lines.find((line) => !line.available);
  if (unsold) return "A product in your cart is no longer sold: remove it to check out.";
  const unpriced = cart.lines.find((line) => line.prices[currency] === undefined);
  if (unpriced) return `${unpriced.name ?? "A product"} is not sold in ${currency}: remove it to pay in ${currency}.`;
  const short = cart.lines.find((line) => line.inStock < line.quantity);
  if (short) return `Only ${short.inStock} of ${short.name ?? "a product"} left: lower the quantity.`;
  return undefined;
}

/** The cart's total in minor units, when it can be checked out in the currency. */
export function cartTotal(cart: CartView, currency: CollectionCurrency): number | undefined {
  if (checkoutBlocker(cart, currency) !== undefined) return undefined;
  return cart.lines.reduce((sum, line) => sum + (line.prices[currency] ?? 0) * line.quantity, 0);
}

/** A quantity the shopper typed: a whole number 1-99, otherwise undefined. */
export function parseQuantity(text: string): number | undefined {
  if (!/^\d{1,2}$/.test(text.trim())) return undefined;
  const quantity = Number(text.trim());
  return quantity >= 1 ? quantity : undefined;
}

/** "Paid" for a confirmed order; a flagged one was paid too, and someone looks at it. */
export function orderStatusLabel(order: Pick<OrderView, "status">): string {
  return order.status === "confirmed" ? "Paid" : "Paid · needs review";
}

const REVIEW_NOTES: Readonly<Record<OrderView["reviewReasons"][number], string>> = {
  "quote-expired": "the payment arrived after the price quote expired",
  "out-of-stock": "a product ran out before the payment arrived",
  "amount-differs": "the amount paid differs from the quote",
};

/** Why an order needs review, and that the money is safe; "" for a confirmed order. */
export function reviewNote(order: Pick<OrderView, "status" | "reviewReasons">): string {
  if (order.status === "confirmed") return "";
  const why = order.reviewReasons.map((reason) => REVIEW_NOTES[reason]).join("; ");
  return `We are checking your order (${why || "a check is needed"}). Nothing you paid is lost: we will refund or send the rest.`;
}

/** "2 × Kikoi, blue · KES 3,000.00" for each line of an order. */
export function orderLines(order: Pick<OrderView, "lines" | "currency">): string[] {
  return order.lines.map((line) => `${line.quantity} × ${line.name} · ${formatMoney(line.lineTotal, order.currency)}`);
}

/** What the order is worth: what the payment took, even when it differs from the quote. */
export function orderTotal(order: Pick<OrderView, "amountPaid" | "currency">): string {
  return formatMoney(order.amountPaid, order.currency);
}
