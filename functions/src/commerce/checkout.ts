// checkout: the server prices the caller's cart into an immutable quote (each line's price
// snapshot and priceVersion, the total, 15 minutes to pay it), checks stock, and starts the
// order's payment for exactly that total through the same core as createPayment (its idempotency,
// rate limits, and the provider call outside any transaction). Money rules 40-42.
import { Timestamp } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { createOnce, getAllTyped } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { checkPayment, startPayment, type PaymentDeps } from "../payments/create-payment.js";
import { IDEMPOTENCY_KEYS } from "../payments/collections.js";
import type { PaymentView } from "../payments/records.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney } from "../shared/money.js";
import { CARTS, CHECKOUTS, PRODUCTS, type CheckoutRecord, type LineSnapshot } from "./collections.js";
import type { CheckoutInput } from "./schemas.js";

export const QUOTE_TTL_MS = 15 * 60_000;

export interface CheckoutView extends PaymentView {
  readonly checkoutId: string;
  readonly total: number;
  readonly currency: CheckoutRecord["currency"];
  readonly expiresAt: string;
}

/** The checkout (and order) id of a caller's key: a repeat of the key finds its quote by id. */
export function checkoutIdFor(uid: string, key: string): string {
  return sha256Hex(`checkout|${uid}|${key}`).slice(0, 32);
}

/** The cart priced now, or a sentence saying what stops it from being bought. */
async function priceCart(deps: PaymentDeps, uid: string, currency: CheckoutRecord["currency"]) {
  const { db } = deps;
  const lines = (await CARTS.ref(db).doc(uid).get()).data()?.lines ?? [];
  if (lines.length === 0) {
    throw new AppError("failed-precondition", "cart: your cart is empty; add a product before checking out.");
  }
  const products = await getAllTyped(
    db,
    lines.map((line) => PRODUCTS.ref(db).doc(line.productId)),
  );
  const merchants = new Set<string>();
  const snapshots: LineSnapshot[] = lines.map((line, i) => {
    const product = products[i]?.data();
    if (!product?.active) {
      throw new AppError(
        "failed-precondition",
        `cart: product ${line.productId} is no longer sold; remove it from your cart and check out again.`,
      );
    }
    const unitPrice = product.prices[currency];
    if (unitPrice === undefined) {
      throw new AppError("failed-precondition", `currency: ${product.name} is not sold in ${currency}.`);
    }
    if (product.stock < line.quantity) {
      throw new AppError(
        "failed-precondition",
        product.stock === 0
          ? `cart: ${product.name} is sold out; remove it from your cart.`
          : `cart: only ${product.stock} of ${product.name} left; lower the quantity to ${product.stock} or less.`,
      );
    }
    merchants.add(product.merchantId);
    return {
      productId: line.productId,
      name: product.name,
      quantity: line.quantity,
      unitPrice,
      lineTotal: unitPrice * line.quantity,
      priceVersion: product.priceVersion,
    };
  });
  const [merchantId, ...others] = [...merchants];
  if (merchantId === undefined || others.length > 0) {
    // One invoice per order, from one merchant's counter.
    throw new AppError(
      "failed-precondition",
      "cart: these products come from different shops; check out each shop's products separately.",
    );
  }
  return { merchantId, lines: snapshots, total: snapshots.reduce((sum, line) => sum + line.lineTotal, 0) };
}

export async function checkout(input: CheckoutInput, caller: Caller, deps: PaymentDeps): Promise<CheckoutView> {
  const checkoutId = checkoutIdFor(caller.uid, input.idempotencyKey);
  const ref = CHECKOUTS.ref(deps.db).doc(checkoutId);
  const requestHash = sha256Hex(
    JSON.stringify({
      currency: input.currency,
      expectedTotal: input.expectedTotal,
      phone: input.phone,
      email: input.email,
      name: input.name ?? null,
      provider: input.provider ?? null,
    }),
  );
  let quote = (await ref.get()).data();
  if (!quote) {
    const priced = await priceCart(deps, caller.uid, input.currency);
    if (priced.total !== input.expectedTotal) {
      throw new AppError(
        "failed-precondition",
        `expectedTotal: your cart costs ${formatMoney(priced.total, input.currency)} now, not ${formatMoney(input.expectedTotal, input.currency)}; a price or the cart changed. Review the cart and check out again.`,
      );
    }
    // The payer's number and the provider's limits are checked before the quote is written, so a
    // refused number does not use up the key.
    checkPayment({ ...input, amount: priced.total }, deps);
    const now = deps.now();
    const record: CheckoutRecord = {
      uid: caller.uid,
      ...priced,
      currency: input.currency,
      requestHash,
      email: input.email,
      createdAt: Timestamp.fromMillis(now),
      expiresAt: Timestamp.fromMillis(now + QUOTE_TTL_MS),
    };
    // A racing repeat of the key wrote the quote first: that one is the checkout's, read it.
    quote = (await createOnce(ref, record)) ? record : (await ref.get()).data();
    if (!quote) throw new Error(`checkout ${checkoutId} vanished`);
  }
  if (quote.uid !== caller.uid) throw new Error(`checkout ${checkoutId} belongs to another user`);
  if (quote.requestHash !== requestHash) {
    throw new AppError(
      "already-exists",
      "idempotencyKey: this key was already used for a checkout with different details. Use a new key for a new checkout.",
    );
  }
  const payment = await startPaymentOnce(input, quote, checkoutId, caller, deps);
  return {
    ...payment,
    checkoutId,
    total: quote.total,
    currency: quote.currency,
    expiresAt: quote.expiresAt.toDate().toISOString(),
  };
}

/**
 * The quote's payment. A repeat of the key returns the payment the first call started; a quote
 * that expired before any payment was started cannot be paid any more (its prices may be stale).
 */
async function startPaymentOnce(
  input: CheckoutInput,
  quote: CheckoutRecord,
  checkoutId: string,
  caller: Caller,
  deps: PaymentDeps,
): Promise<PaymentView> {
  // The payment's idempotency key is the checkout's: its record says a payment was started.
  const started = await IDEMPOTENCY_KEYS.ref(deps.db)
    .doc(sha256Hex(`${caller.uid}|${input.idempotencyKey}`))
    .get();
  if (!started.exists && quote.expiresAt.toMillis() <= deps.now()) {
    throw new AppError(
      "failed-precondition",
      "idempotencyKey: this checkout's quote expired before it was paid; check out again for today's prices.",
    );
  }
  return startPayment(
    {
      idempotencyKey: input.idempotencyKey,
      purpose: "order",
      amount: quote.total,
      currency: quote.currency,
      phone: input.phone,
      email: quote.email,
      ...(input.name ? { name: input.name } : {}),
      ...(input.provider ? { provider: input.provider } : {}),
      reference: `Order ${checkoutId.slice(0, 10)}`,
      checkoutId,
    },
    caller,
    deps,
    "checkout",
  );
}
