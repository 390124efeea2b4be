// Reward points arithmetic, in integers only: amounts are minor units and points are whole, so
// no rounding of a float ever decides what someone earns or pays (money rule 15).
//
// Earning: a fee rule's pointsDivisor says how many major units of purchase earn one point
// (airtime in KES: 100, so KES 1,000 earns 10 points). The part of a purchase below the next
// whole point earns nothing: points = floor(amount / (divisor x minor units per major unit)),
// and amount = points x that + a remainder smaller than it, with nothing lost in between.
//
// Redeeming: a point is worth POINT_VALUE_MINOR[currency] minor units, 1 major unit of every
// currency. The value of points is a liability Malipo carries, so it is a constant here (a
// reviewed code change), not a document an operator can edit.
import type { Currency } from "../shared/catalog.js";
import { minorPerMajor } from "../shared/money.js";

/**
 * Minor units one point pays for: 1 major unit of each currency. Spelled out per currency so a
 * new currency does not compile until someone decides what its points are worth.
 */
export const POINT_VALUE_MINOR: Readonly<Record<Currency, number>> = {
  KES: minorPerMajor("KES"),
  UGX: minorPerMajor("UGX"),
  NGN: minorPerMajor("NGN"),
  MWK: minorPerMajor("MWK"),
};

function assertWhole(value: number, name: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer >= ${min}`);
}

/** floor(n / d) for safe non-negative integers, without a float division that could round up. */
function floorDiv(n: number, d: number): number {
  return (n - (n % d)) / d;
}

/** Minor units of purchase per point earned. */
export function minorPerPoint(currency: Currency, divisor: number): number {
  assertWhole(divisor, "pointsDivisor", 1);
  return divisor * minorPerMajor(currency);
}

/** Whole points earned on `amountMinor` of purchase, at `divisor` major units per point. */
export function pointsEarned(amountMinor: number, currency: Currency, divisor: number): number {
  assertWhole(amountMinor, "amount", 0);
  return floorDiv(amountMinor, minorPerPoint(currency, divisor));
}

/** What `points` pay for, in minor units of `currency`. */
export function redemptionValue(
  points: number,
  currency: Currency,
  rate: number = POINT_VALUE_MINOR[currency],
): number {
  assertWhole(points, "points", 0);
  assertWhole(rate, "rate", 1);
  const value = points * rate;
  if (!Number.isSafeInteger(value)) throw new RangeError("points are worth more than can be counted exactly");
  return value;
}

/** The most whole points whose value fits in `valueMinor`: a part of a point is never spent. */
export function pointsWorthAtMost(
  valueMinor: number,
  currency: Currency,
  rate: number = POINT_VALUE_MINOR[currency],
): number {
  assertWhole(valueMinor, "value", 0);
  assertWhole(rate, "rate", 1);
  return floorDiv(valueMinor, rate);
}
