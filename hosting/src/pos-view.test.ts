import { describe, expect, it } from "vitest";

import { addToCart, ago, cartTotal, lastDays, lowStock, parseAmount, saleLines, topProducts } from "./pos-view";

const sugar = { id: "sugar", name: "Sugar", price: 150_00, stock: 3, lowStockAt: 5, active: true };
const rice = { id: "rice", name: "Rice", price: 320_00, stock: 40, lowStockAt: 5, active: true };

describe("the till's cart", () => {
  it("adds a product as a line, then counts it up", () => {
    const cart = addToCart(addToCart(addToCart([], sugar), rice), sugar);
    expect(cart.map((line) => [line.productId, line.quantity])).toEqual([
      ["sugar", 2],
      ["rice", 1],
    ]);
    expect(cartTotal(cart)).toBe(620_00);
    expect(saleLines(cart)[0]).toEqual({
      productId: "sugar",
      name: "Sugar",
      quantity: 2,
      unitPrice: 150_00,
      lineTotal: 300_00,
    });
  });
});

describe("amounts typed at the till", () => {
  it.each([
    ["150", "KES", 150_00],
    ["150.5", "KES", 150_50],
    ["150.55", "MWK", 150_55],
    ["2500", "UGX", 2500],
  ] as const)("%s %s is %d minor units", (text, currency, minor) => {
    expect(parseAmount(text, currency)).toBe(minor);
  });
  it.each(["", "-1", "1.234", "1e3", "12.5x", "2500.5"])("refuses %j", (text) => {
    expect(parseAmount(text, text === "2500.5" ? "UGX" : "KES")).toBeUndefined();
  });
});

describe("the dashboard's figures", () => {
  it("ranks the day's products by quantity and lists low stock", () => {
    const day = {
      date: "2026-12-03",
      salesCount: 3,
      salesTotal: 0,
      cashTotal: 0,
      mobileTotal: 0,
      expensesTotal: 0,
      flaggedCount: 0,
      products: {
        a: { name: "Beans", quantity: 2, total: 1 },
        b: { name: "Apples", quantity: 2, total: 1 },
        c: { name: "Voided", quantity: 0, total: 0 },
        d: { name: "Top", quantity: 9, total: 1 },
      },
    };
    expect(topProducts(day).map((p) => p.name)).toEqual(["Top", "Apples", "Beans"]);
    expect(lowStock([rice, sugar]).map((p) => p.id)).toEqual(["sugar"]);
  });

  it("lists thirty days back from today, across a month's end", () => {
    const days = lastDays("2026-03-01");
    expect(days).toHaveLength(30);
    expect(days.slice(0, 2)).toEqual(["2026-03-01", "2026-02-28"]);
  });

  it("says how long ago the last sync was", () => {
    expect(ago(undefined, 0)).toBe("never");
    expect(ago(1_000, 31_000)).toBe("30 s ago");
    expect(ago(0, 5 * 60_000)).toBe("5 min ago");
  });
});
