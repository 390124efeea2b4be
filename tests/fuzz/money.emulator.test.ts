// Fuzzing of the money callables (quotes, PIN, wallet, bills, refunds, withdrawals, cart and
// checkout), split from tests/fuzz.emulator.test.ts so the two run in parallel workers. The same
// fixed seed and checks (tests/support/fuzz.ts).
import type fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { idempotencyKey } from "../support/client.ts";
import { adminDb } from "../support/firestore.ts";
import {
  around,
  CALLABLE_RUNS,
  CALLER_WRITES,
  fuzzCallable,
  hasPin,
  OPERATOR_CALLABLES,
  seed,
} from "../support/fuzz.ts";

const callables: [string, fc.Arbitrary<unknown>][] = [
  ["quote", around(() => ({ service: "airtime", amount: 1_000_00, currency: "KES", redeemPoints: 10 }))],
  ["setPin", around(() => ({ pin: "4821" }))],
  ["changePin", around(() => ({ currentPin: "4821", newPin: "905172" }))],
  ["getWallet", around(() => ({}))],
  [
    "listWalletActivity",
    around(() => ({
      currency: "KES",
      kind: "topup",
      from: "2025-01-01",
      to: "2025-01-31T23:59:59Z",
      pageSize: 5,
      cursor: Buffer.from('[1,0,0,"ledgerAccounts/a/activity/b","x"]').toString("base64url"),
    })),
  ],
  ["quoteBill", around(() => ({ serviceId: "ikeja-electric", variationCode: "prepaid", amount: 1_000_00 }))],
  [
    "quoteBill",
    around(() => ({ serviceId: "dstv", subscriptionType: "renew", verificationId: "missing000000000000" })),
  ],
  [
    "verifyBillCustomer",
    around(() => ({ serviceId: "ikeja-electric", customerNumber: "1111111111111", variationCode: "prepaid" })),
  ],
  [
    "payBill",
    around(() => ({
      idempotencyKey: idempotencyKey(),
      quoteId: "missing000000000000",
      serviceId: "ikeja-electric",
      variationCode: "prepaid",
      customerNumber: "1111111111111",
      phone: "08011111111",
      verificationId: "missing000000000000",
      email: "fuzz@example.com",
      pin: "4821",
    })),
  ],
  ["resendBillReceipt", around(() => ({ billId: "0".repeat(32), email: "fuzz@example.com" }))],
  [
    "refundPayment",
    around(() => ({
      paymentId: "missing00000000",
      amount: 100_00,
      reason: "Customer returned the goods",
      idempotencyKey: idempotencyKey(),
    })),
  ],
  [
    "withdraw",
    around(() => ({
      idempotencyKey: idempotencyKey(),
      quoteId: "missing000000000000",
      phone: "+254712345678",
      pin: "4821",
    })),
  ],
  ["getWithdrawal", around(() => ({ withdrawalId: "0".repeat(32) }))],
  ["addToCart", around(() => ({ productId: "kikoi-blue", quantity: 2 }))],
  ["updateCartLine", around(() => ({ productId: "kikoi-blue", quantity: 3 }))],
  ["removeFromCart", around(() => ({ productId: "kikoi-blue" }))],
  ["getCart", around(() => ({}))],
  [
    "checkout",
    around(() => ({
      idempotencyKey: idempotencyKey(),
      currency: "KES",
      expectedTotal: 3_000_00,
      phone: "+254712345678",
      email: "fuzz@example.com",
      name: "Fuzz",
    })),
  ],
  ["getWithdrawalOptions", around(() => ({ currency: "KES" }))],
];

describe(`fuzzing the money callables (seed ${seed})`, () => {
  // The product the cart cases name, so near-valid cases reach the cart and checkout's pricing.
  beforeAll(async () => {
    await adminDb()
      .collection("products")
      .doc("kikoi-blue")
      .set({
        merchantId: "fuzzshop",
        name: "Kikoi (blue)",
        description: "Hand-woven cotton",
        prices: { KES: 1_500_00 },
        stock: 1_000_000,
        active: true,
        imageUrl: null,
        priceVersion: 1,
      });
  });

  it.each(callables)(
    `%s: ${CALLABLE_RUNS} cases never answer internal and write only what they accept`,
    async (name, payload) => {
      const { accepted, user } = await fuzzCallable(name, payload, {
        operator: OPERATOR_CALLABLES.has(name),
        writes: CALLER_WRITES,
      });
      expect(await hasPin(user)).toBe(name === "setPin" && accepted > 0);
    },
    240_000,
  );
});
