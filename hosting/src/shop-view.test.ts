import { describe, expect, it } from "vitest";

import {
  canAdd,
  cartLineText,
  cartTotal,
  checkoutBlocker,
  orderLines,
  orderStatusLabel,
  orderTotal,
  parseQuantity,
  priceText,
  reviewNote,
  type CartLineView,
  type OrderView,
  type ProductView,
} from "./shop-view";

const kikoi: CartLineView = {
  productId: "kikoi-blue",
  quantity: 2,
  name: "Kikoi, blue",
  prices: { KES: 1_500_00, UGX: 45_000 },
  inStock: 50,
  available: true,
};
const coffee: CartLineView = {
  ...kikoi,
  productId: "coffee-ground",
  quantity: 1,
  name: "Ground coffee",
  prices: { KES: 650_00 },
};

describe("prices and the cart", () => {
  it("reads a price in the currency, or says it is not sold in it", () => {
    expect(priceText({ KES: 1_500_00 }, "KES")).toBe("KES 1,500.00");
    expect(priceText({ KES: 1_500_00 }, "UGX")).toBe("not sold in UGX");
  });

  it("lets a product be added only when it is sold in the currency and in stock", () => {
    const product: ProductView = { id: "p", name: "P", description: "", prices: { KES: 100 }, stock: 1 };
    expect(canAdd(product, "KES")).toBe(true);
    expect(canAdd(product, "UGX")).toBe(false);
    expect(canAdd({ ...product, stock: 0 }, "KES")).toBe(false);
  });

  it("totals a cart the server would accept, in minor units", () => {
    expect(cartTotal({ lines: [kikoi, coffee] }, "KES")).toBe(3_650_00);
    expect(cartLineText(kikoi, "KES")).toBe("2 × KES 1,500.00 = KES 3,000.00");
  });

  it("names what stops a checkout instead of showing a total", () => {
    expect(checkoutBlocker({ lines: [] }, "KES")).toBe("Your cart is empty: add a product first.");
    expect(checkoutBlocker({ lines: [kikoi, coffee] }, "UGX")).toBe(
      "Ground coffee is not sold in UGX: remove it to pay in UGX.",
    );
    expect(cartTotal({ lines: [kikoi, coffee] }, "UGX")).toBeUndefined();
    const gone = { ...coffee, name: null, available: false };
    expect(checkoutBlocker({ lines: [gone] }, "KES")).toContain("no longer sold");
    expect(cartLineText(gone, "KES")).toBe("no longer sold: remove it to check out");
    const short = { ...kikoi, inStock: 1 };
    expect(checkoutBlocker({ lines: [short] }, "KES")).toBe("Only 1 of Kikoi, blue left: lower the quantity.");
    expect(cartLineText(short, "KES")).toBe("only 1 left: lower the quantity");
  });

  it("takes a whole quantity from 1 to 99", () => {
    expect(parseQuantity(" 3 ")).toBe(3);
    expect(parseQuantity("99")).toBe(99);
    for (const text of ["0", "100", "1.5", "-1", "", "two"]) expect(parseQuantity(text)).toBeUndefined();
  });
});

describe("the order confirmation", () => {
  const order: OrderView = {
    checkoutId: "c1",
    invoiceNumber: "MALIPO-000001",
    currency: "KES",
    amountPaid: 3_650_00,
    status: "confirmed",
    reviewReasons: [],
    lines: [
      {
        productId: "kikoi-blue",
        name: "Kikoi, blue",
        quantity: 2,
        unitPrice: 1_500_00,
        lineTotal: 3_000_00,
        priceVersion: 1,
      },
      {
        productId: "coffee-ground",
        name: "Ground coffee",
        quantity: 1,
        unitPrice: 650_00,
        lineTotal: 650_00,
        priceVersion: 1,
      },
    ],
  };

  it("shows a confirmed order as paid, with its lines and what was paid", () => {
    expect(orderStatusLabel(order)).toBe("Paid");
    expect(reviewNote(order)).toBe("");
    expect(orderLines(order)).toEqual(["2 × Kikoi, blue · KES 3,000.00", "1 × Ground coffee · KES 650.00"]);
    expect(orderTotal(order)).toBe("KES 3,650.00");
  });

  it("says a flagged order needs review and that nothing paid is lost", () => {
    const flagged = { ...order, status: "review" as const, reviewReasons: ["out-of-stock" as const] };
    expect(orderStatusLabel(flagged)).toBe("Paid · needs review");
    expect(reviewNote(flagged)).toBe(
      "We are checking your order (a product ran out before the payment arrived). Nothing you paid is lost: we will refund or send the rest.",
    );
  });
});
