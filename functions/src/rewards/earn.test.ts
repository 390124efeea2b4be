// Points arithmetic (money rule 15): whole points from integer minor units, with the remainder
// below a point accounted for; examples, then properties from a fixed seed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { CURRENCY_CODES, type Currency } from "../shared/catalog.js";
import { minorPerMajor } from "../shared/money.js";
import { minorPerPoint, POINT_VALUE_MINOR, pointsEarned, pointsWorthAtMost, redemptionValue } from "./earn.js";

const runs = { numRuns: 2_000, seed: 20_261_202 };

describe("pointsEarned examples", () => {
  it.each<[number, Currency, number, number]>([
    [1_000_00, "KES", 100, 10],
    [999_99, "KES", 100, 9],
    [1_00, "KES", 1, 1],
    [99, "KES", 1, 0],
    [0, "KES", 100, 0],
    [3_000, "UGX", 3_000, 1],
    [2_999, "UGX", 3_000, 0],
    [1_000_000_000, "NGN", 1_200, 8_333],
  ])("%d minor units of %s at %d per point earn %d", (amount, currency, divisor, points) => {
    expect(pointsEarned(amount, currency, divisor)).toBe(points);
  });

  it("refuses fractions and negatives instead of rounding them", () => {
    expect(() => pointsEarned(100.5, "KES", 100)).toThrow(RangeError);
    expect(() => pointsEarned(-1, "KES", 100)).toThrow(RangeError);
    expect(() => pointsEarned(1_000_00, "KES", 0)).toThrow(RangeError);
    expect(() => pointsEarned(1_000_00, "KES", 2.5)).toThrow(RangeError);
  });
});

describe("redemption examples", () => {
  it("a point is worth one major unit of each currency by default", () => {
    expect(POINT_VALUE_MINOR).toEqual({ KES: 1_00, UGX: 1, NGN: 1_00, MWK: 1_00 });
    expect(redemptionValue(10, "KES")).toBe(10_00);
    expect(redemptionValue(10, "UGX")).toBe(10);
    expect(redemptionValue(7, "KES", 250)).toBe(17_50);
    expect(redemptionValue(0, "MWK")).toBe(0);
  });

  it("spends only whole points", () => {
    expect(pointsWorthAtMost(1_050_50, "KES")).toBe(1_050);
    expect(pointsWorthAtMost(99, "KES")).toBe(0);
    expect(pointsWorthAtMost(1_050, "UGX")).toBe(1_050);
    expect(() => redemptionValue(1.5, "KES")).toThrow(RangeError);
    expect(() => redemptionValue(-1, "KES")).toThrow(RangeError);
  });
});

const currencyArb = fc.constantFrom(...CURRENCY_CODES);
const amountArb = fc.integer({ min: 0, max: 100_000_000_000 });
const divisorArb = fc.integer({ min: 1, max: 1_000_000 });

describe("points properties", () => {
  it("leaves no remainder unaccounted: points x minor units per point + a remainder below one point = the amount", () => {
    fc.assert(
      fc.property(amountArb, currencyArb, divisorArb, (amount, currency, divisor) => {
        const points = pointsEarned(amount, currency, divisor);
        const unit = minorPerPoint(currency, divisor);
        expect(unit).toBe(divisor * minorPerMajor(currency));
        const remainder = amount - points * unit;
        expect(Number.isSafeInteger(points)).toBe(true);
        expect(remainder).toBeGreaterThanOrEqual(0);
        expect(remainder).toBeLessThan(unit);
      }),
      runs,
    );
  });

  it("splitting a purchase never earns more, and at most one point less", () => {
    fc.assert(
      fc.property(amountArb, amountArb, currencyArb, divisorArb, (a, b, currency, divisor) => {
        const whole = pointsEarned(a + b, currency, divisor);
        const split = pointsEarned(a, currency, divisor) + pointsEarned(b, currency, divisor);
        expect(whole).toBeGreaterThanOrEqual(split);
        expect(whole - split).toBeLessThanOrEqual(1);
      }),
      runs,
    );
  });

  it("spends the most whole points that fit a value, and their value never exceeds it", () => {
    fc.assert(
      fc.property(amountArb, currencyArb, fc.integer({ min: 1, max: 10_000 }), (value, currency, rate) => {
        const points = pointsWorthAtMost(value, currency, rate);
        expect(redemptionValue(points, currency, rate)).toBeLessThanOrEqual(value);
        expect(redemptionValue(points + 1, currency, rate)).toBeGreaterThan(value);
      }),
      runs,
    );
  });
});
