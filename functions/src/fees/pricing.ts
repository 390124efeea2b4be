// A quote's numbers from a fee rule, the amount and the points the customer spends; pure, in
// integer minor units (money rule 15).
//
// Points pay the fee first, then the purchase: the fee is Malipo's own revenue, so spending points
// on it first leaves as much of the purchase as possible paid in money, and points are earned on
// exactly that part (never on the fee, never on what points paid). Only whole points are spent,
// and never more than amount + fee is worth: a request for more is lowered to the most whole
// points that fit, and the part of a point that would not fit is paid in money. Asking for more
// points than the customer has is refused rather than lowered, so nobody is surprised by a total.
//
//   total        = amount + fee - redeemValue
//   redeemValue  = redeemPoints x point value          <= amount + fee
//   cashPurchase = amount - (redeemValue - min(fee, redeemValue))
//   points       = floor(cashPurchase / minor units per point)
import { AppError } from "../core/errors.js";
import type { Currency } from "../shared/catalog.js";
import { pointsEarned, pointsWorthAtMost, redemptionValue } from "../rewards/earn.js";
import { computeFee, type FeePrice } from "./fee.js";

export interface PricingInput {
  readonly price: FeePrice;
  /** Major units of purchase per point earned, from the rule. */
  readonly pointsDivisor: number;
  readonly currency: Currency;
  readonly amount: number;
  /** Points the customer asks to spend; 0 for none. */
  readonly redeemPoints: number;
  /** Points the customer has available to spend. */
  readonly availablePoints: number;
}

export interface Pricing {
  readonly fee: number;
  readonly total: number;
  /** Points the purchase earns. */
  readonly points: number;
  /** Points spent: at most what was asked for. */
  readonly redeemPoints: number;
  readonly redeemValue: number;
  /** The part of redeemValue that pays the fee; the rest pays the purchase. */
  readonly feePaidWithPoints: number;
  /** The part of the purchase paid in money: what points are earned on. */
  readonly cashPurchase: number;
}

export function priceQuote(input: PricingInput): Pricing {
  const { amount, currency } = input;
  if (input.redeemPoints > 0 && input.redeemPoints > input.availablePoints) {
    // A points balance can be below zero after a clawback; that is nothing to spend.
    const available = Math.max(0, input.availablePoints);
    throw new AppError(
      "failed-precondition",
      available === 0
        ? "redeemPoints: you have no points to spend yet."
        : `redeemPoints: you have ${available} points to spend; ask for ${available} or fewer.`,
      { availablePoints: available },
    );
  }
  const fee = computeFee(input.price, amount);
  const redeemPoints = Math.min(input.redeemPoints, pointsWorthAtMost(amount + fee, currency));
  const redeemValue = redemptionValue(redeemPoints, currency);
  const feePaidWithPoints = Math.min(fee, redeemValue);
  const cashPurchase = amount - (redeemValue - feePaidWithPoints);
  return {
    fee,
    total: amount + fee - redeemValue,
    points: pointsEarned(cashPurchase, currency, input.pointsDivisor),
    redeemPoints,
    redeemValue,
    feePaidWithPoints,
    cashPurchase,
  };
}
