// A quote's numbers (money rule 15): the seed's example, points paying the fee first, the caps,
// and properties that every minor unit of amount + fee is paid exactly once, by money or points.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { AppError } from "../core/errors.js";
import { pointsEarned, redemptionValue } from "../rewards/earn.js";
import { CURRENCY_CODES } from "../shared/catalog.js";
import type { FeePrice } from "./fee.js";
import { LOCAL_FEE_RULES } from "./local-rules.js";
import { priceQuote, type PricingInput } from "./pricing.js";

const airtime = LOCAL_FEE_RULES.find((rule) => rule.service === "airtime" && rule.currency === "KES")!;

function kes(amount: number, redeemPoints = 0, availablePoints = 0) {
  return priceQuote({
    price: airtime,
    pointsDivisor: airtime.pointsDivisor,
    currency: "KES",
    amount,
    redeemPoints,
    availablePoints,
  });
}

describe("priceQuote examples", () => {
  it("airtime for KES 1,000: a KES 50 fee, KES 1,050 in all, 10 points", () => {
    expect(kes(1_000_00)).toEqual({
      fee: 50_00,
      total: 1_050_00,
      points: 10,
      redeemPoints: 0,
      redeemValue: 0,
      feePaidWithPoints: 0,
      cashPurchase: 1_000_00,
    });
  });

  it("points pay the fee first, and the purchase still earns in full", () => {
    expect(kes(1_000_00, 30, 100)).toMatchObject({
      total: 1_020_00,
      redeemValue: 30_00,
      feePaidWithPoints: 30_00,
      cashPurchase: 1_000_00,
      points: 10,
    });
  });

  it("points beyond the fee pay the purchase, which then earns only on the money paid", () => {
    expect(kes(1_000_00, 80, 100)).toMatchObject({
      total: 970_00,
      redeemValue: 80_00,
      feePaidWithPoints: 50_00,
      cashPurchase: 970_00,
      points: 9,
    });
  });

  it("spends no more points than amount + fee is worth, in whole points", () => {
    expect(kes(1_000_50, 5_000, 5_000)).toMatchObject({
      fee: 50_03,
      redeemPoints: 1_050,
      redeemValue: 1_050_00,
      total: 53,
      cashPurchase: 53,
      points: 0,
    });
    expect(kes(1_000_00, 5_000, 5_000)).toMatchObject({ redeemPoints: 1_050, total: 0, points: 0 });
  });

  it("refuses more points than the customer has, saying how many they have", () => {
    expect(() => kes(1_000_00, 101, 100)).toThrow(
      new AppError("failed-precondition", "redeemPoints: you have 100 points to spend; ask for 100 or fewer.", {
        availablePoints: 100,
      }),
    );
    expect(() => kes(1_000_00, 1, -5)).toThrow("redeemPoints: you have no points to spend yet.");
    expect(kes(1_000_00, 0, -5)).toMatchObject({ total: 1_050_00, redeemPoints: 0 });
  });
});

const inputArb: fc.Arbitrary<PricingInput> = fc
  .record({
    price: fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }).map((flat): FeePrice => ({ kind: "flat", flat })),
      fc.integer({ min: 0, max: 10_000 }).map((bps): FeePrice => ({ kind: "bps", bps })),
      fc.constantFrom<FeePrice>(...LOCAL_FEE_RULES),
    ),
    pointsDivisor: fc.integer({ min: 1, max: 10_000 }),
    currency: fc.constantFrom(...CURRENCY_CODES),
    amount: fc.integer({ min: 1, max: 1_000_000_000 }),
    availablePoints: fc.integer({ min: 0, max: 100_000_000 }),
  })
  .chain((input) =>
    fc.integer({ min: 0, max: input.availablePoints }).map((redeemPoints) => ({ ...input, redeemPoints })),
  );

describe("priceQuote properties", () => {
  it("accounts for every minor unit: total + redeemValue = amount + fee, and what points pay splits into fee and purchase", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const q = priceQuote(input);
        for (const value of Object.values(q)) expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
        expect(q.total + q.redeemValue).toBe(input.amount + q.fee);
        expect(q.redeemValue).toBe(redemptionValue(q.redeemPoints, input.currency));
        expect(q.feePaidWithPoints).toBe(Math.min(q.fee, q.redeemValue));
        expect(q.cashPurchase + (q.redeemValue - q.feePaidWithPoints)).toBe(input.amount);
      }),
      { numRuns: 2_000, seed: 20_261_203 },
    );
  });

  it("spends at most what was asked, and less only when one more point would pay more than amount + fee", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const q = priceQuote(input);
        expect(q.redeemPoints).toBeLessThanOrEqual(input.redeemPoints);
        if (q.redeemPoints < input.redeemPoints) {
          expect(redemptionValue(q.redeemPoints + 1, input.currency)).toBeGreaterThan(input.amount + q.fee);
        }
      }),
      { numRuns: 2_000, seed: 20_261_204 },
    );
  });

  it("earns points on the money-paid purchase only: never on the fee, never on what points paid", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const q = priceQuote(input);
        expect(q.points).toBe(pointsEarned(q.cashPurchase, input.currency, input.pointsDivisor));
        expect(q.points).toBeLessThanOrEqual(pointsEarned(input.amount, input.currency, input.pointsDivisor));
        expect(q.cashPurchase).toBe(Math.min(input.amount, q.total));
      }),
      { numRuns: 2_000, seed: 20_261_205 },
    );
  });
});
