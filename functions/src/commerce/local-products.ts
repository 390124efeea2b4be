// The products `npm start` seeds (tools/seed.ts), so the checkout page has something to sell
// locally: one shop, prices in every collection currency, the same documents every time.
import type { Firestore } from "firebase-admin/firestore";

import { PRODUCTS, type ProductRecord } from "./collections.js";

export const LOCAL_MERCHANT = "malipo";

export const LOCAL_PRODUCTS: Readonly<Record<string, ProductRecord>> = {
  "kikoi-blue": {
    merchantId: LOCAL_MERCHANT,
    name: "Kikoi, blue",
    description: "Hand-woven cotton wrap, 100 × 170 cm",
    prices: { KES: 1_500_00, UGX: 45_000, NGN: 15_000_00 },
    stock: 50,
    active: true,
    imageUrl: null,
    priceVersion: 1,
  },
  "kiondo-basket": {
    merchantId: LOCAL_MERCHANT,
    name: "Kiondo basket",
    description: "Sisal basket with leather handles",
    prices: { KES: 2_200_00, UGX: 65_000, NGN: 22_000_00 },
    stock: 20,
    active: true,
    imageUrl: null,
    priceVersion: 1,
  },
  "coffee-ground": {
    merchantId: LOCAL_MERCHANT,
    name: "Ground coffee, 250 g",
    description: "Single-origin arabica",
    prices: { KES: 650_00, UGX: 18_000, NGN: 6_500_00 },
    stock: 200,
    active: true,
    imageUrl: null,
    priceVersion: 1,
  },
};

/** Writes the local products; stock is reset to the seed's on every start. Returns how many. */
export async function seedLocalProducts(db: Firestore): Promise<number> {
  const batch = db.batch();
  for (const [id, product] of Object.entries(LOCAL_PRODUCTS)) batch.set(PRODUCTS.ref(db).doc(id), product);
  await batch.commit();
  return Object.keys(LOCAL_PRODUCTS).length;
}
