// An order payment as a shopper makes one: a product of its own priced at the amount, put in the
// user's cart and checked out (createPayment refuses purpose "order": only checkout prices it).
import { randomUUID } from "node:crypto";

import { call, idempotencyKey, type TestUser } from "./client.ts";
import { adminDb } from "./firestore.ts";

export async function checkoutPayment(
  user: TestUser,
  order: { amount: number; currency: "KES" | "UGX" | "NGN"; phone: string; email?: string; name?: string },
): Promise<{ paymentId: string; status: string; checkoutId: string }> {
  const productId = `test-${randomUUID()}`;
  await adminDb()
    .collection("products")
    .doc(productId)
    .set({
      merchantId: "testshop",
      name: "Test item",
      description: "",
      prices: { [order.currency]: order.amount },
      stock: 10,
      active: true,
      imageUrl: null,
      priceVersion: 1,
    });
  const added = await call("addToCart", { productId, quantity: 1 }, { user });
  if (!added.ok) throw new Error(`addToCart failed: ${added.code} ${added.message}`);
  const result = await call<{ paymentId: string; status: string; checkoutId: string }>(
    "checkout",
    {
      idempotencyKey: idempotencyKey(),
      currency: order.currency,
      expectedTotal: order.amount,
      phone: order.phone,
      email: order.email ?? "shopper@example.com",
      ...(order.name ? { name: order.name } : {}),
    },
    { user },
  );
  if (!result.ok) throw new Error(`checkout failed: ${result.code} ${result.message}`);
  return result.result;
}
