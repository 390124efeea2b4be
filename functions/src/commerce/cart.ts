// The cart callables: addToCart, updateCartLine, removeFromCart and getCart. A cart is the
// caller's product ids and quantities; what each costs is shown from the product as it is now
// and decided only by checkout. Each change is one transaction on the caller's own cart document.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { getAllTyped } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits, type Route } from "../core/rate-limit.js";
import {
  CARTS,
  MAX_CART_LINES,
  MAX_LINE_QUANTITY,
  PRODUCTS,
  type CartRecord,
  type ProductRecord,
} from "./collections.js";
import type { AddToCartInput, RemoveFromCartInput, UpdateCartLineInput } from "./schemas.js";

export interface CommerceDeps {
  readonly db: Firestore;
  readonly now: () => number;
}

export interface CartLineView {
  readonly productId: string;
  readonly quantity: number;
  /** Null when the product is gone or no longer sold: checkout refuses the cart until it is removed. */
  readonly name: string | null;
  readonly prices: ProductRecord["prices"];
  readonly inStock: number;
  readonly available: boolean;
}

export interface CartView {
  readonly lines: readonly CartLineView[];
}

export function noSuchProduct(): AppError {
  return new AppError("not-found", "productId: there is no such product for sale.");
}

type Change = (lines: CartRecord["lines"], product: ProductRecord | undefined) => CartRecord["lines"];

async function changeCart(
  route: Route,
  productId: string,
  caller: Caller,
  deps: CommerceDeps,
  change: Change,
): Promise<CartView> {
  const { db } = deps;
  await enforceRateLimits(db, route, caller, deps.now());
  const cartRef = CARTS.ref(db).doc(caller.uid);
  const productRef = PRODUCTS.ref(db).doc(productId);
  await db.runTransaction(async (tx) => {
    const [cart, product] = await Promise.all([tx.get(cartRef), tx.get(productRef)]);
    const lines = change(cart.data()?.lines ?? [], product.data());
    tx.set(cartRef, { uid: caller.uid, lines, updatedAt: Timestamp.fromMillis(deps.now()) });
  });
  return viewCart(db, caller.uid);
}

export function addToCart(input: AddToCartInput, caller: Caller, deps: CommerceDeps): Promise<CartView> {
  return changeCart("addToCart", input.productId, caller, deps, (lines, product) => {
    if (!product?.active) throw noSuchProduct();
    const line = lines.find((l) => l.productId === input.productId);
    if (!line) {
      if (lines.length >= MAX_CART_LINES) {
        throw new AppError(
          "failed-precondition",
          `productId: a cart holds at most ${MAX_CART_LINES} different products; check out or remove one first.`,
        );
      }
      return [...lines, { productId: input.productId, quantity: input.quantity }];
    }
    const quantity = line.quantity + input.quantity;
    if (quantity > MAX_LINE_QUANTITY) {
      throw new AppError(
        "failed-precondition",
        `quantity: the cart already has ${line.quantity} of this product; at most ${MAX_LINE_QUANTITY} fit on one line.`,
      );
    }
    return lines.map((l) => (l.productId === input.productId ? { ...l, quantity } : l));
  });
}

export function updateCartLine(input: UpdateCartLineInput, caller: Caller, deps: CommerceDeps): Promise<CartView> {
  return changeCart("updateCartLine", input.productId, caller, deps, (lines) => {
    if (!lines.some((l) => l.productId === input.productId)) {
      throw new AppError("not-found", "productId: this product is not in your cart; add it with addToCart.");
    }
    return lines.map((l) => (l.productId === input.productId ? { ...l, quantity: input.quantity } : l));
  });
}

export function removeFromCart(input: RemoveFromCartInput, caller: Caller, deps: CommerceDeps): Promise<CartView> {
  // Removing what is not there is the same cart: a repeated tap is not an error.
  return changeCart("removeFromCart", input.productId, caller, deps, (lines) =>
    lines.filter((l) => l.productId !== input.productId),
  );
}

export async function getCart(_input: unknown, caller: Caller, deps: CommerceDeps): Promise<CartView> {
  await enforceRateLimits(deps.db, "getCart", caller, deps.now());
  return viewCart(deps.db, caller.uid);
}

async function viewCart(db: Firestore, uid: string): Promise<CartView> {
  const lines = (await CARTS.ref(db).doc(uid).get()).data()?.lines ?? [];
  const products = await getAllTyped(
    db,
    lines.map((line) => PRODUCTS.ref(db).doc(line.productId)),
  );
  return {
    lines: lines.map((line, i) => {
      const product = products[i]?.data();
      const available = product?.active === true && product.stock >= line.quantity;
      return {
        productId: line.productId,
        quantity: line.quantity,
        name: product?.active ? product.name : null,
        prices: product?.active ? product.prices : {},
        inStock: product?.active ? product.stock : 0,
        available,
      };
    }),
  };
}
