// quote: what a purchase of a service costs right now (the fee, the total, the points it earns,
// and what the customer's points pay), priced by the fee rule in force and kept for 5 minutes as
// quotes/{quoteId} for the execution that claims it (quotes.ts). Reads the rule and the points
// balance, writes only the quote; the points are spent, and checked again, when the purchase
// holds them.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { accounts, availableOf } from "../ledger/accounts.js";
import { readBalances } from "../ledger/journal.js";
import { priceQuote } from "./pricing.js";
import { QUOTE_TTL_MS, QUOTES } from "./quotes.js";
import { ruleInForce } from "./rules.js";
import type { QuoteInput } from "./schemas.js";

export interface QuoteView {
  readonly quoteId: string;
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
  /** Points the purchase earns. */
  readonly points: number;
  /** ISO 8601: after this the quote cannot be used. */
  readonly expiresAt: string;
  /** Only when points were asked for: how many are spent, and what they pay. */
  readonly redeemPoints?: number;
  readonly redeemValue?: number;
}

/** Prices a purchase with the rule in force and keeps the quote for the execution that claims it. */
export async function createQuote(db: Firestore, uid: string, input: QuoteInput, now: number): Promise<QuoteView> {
  const asked = input.redeemPoints ?? 0;
  const withdrawal = input.service === "withdrawal";
  if (withdrawal && asked > 0) {
    throw new AppError(
      "invalid-argument",
      "redeemPoints: points pay for purchases and cannot be withdrawn; leave redeemPoints out of a withdrawal quote.",
    );
  }
  const [{ id: ruleId, rule }, availablePoints] = await Promise.all([
    ruleInForce(db, input.service, input.currency, now),
    asked > 0 ? readBalances(db, accounts.points(uid)).then(availableOf) : Promise.resolve(0),
  ]);
  const priced = priceQuote({
    price: rule,
    pointsDivisor: rule.pointsDivisor,
    currency: input.currency,
    amount: input.amount,
    redeemPoints: asked,
    availablePoints,
  });
  // Money leaving the wallet earns nothing.
  const pricing = withdrawal ? { ...priced, points: 0 } : priced;
  const ref = QUOTES.ref(db).doc();
  const expiresAt = Timestamp.fromMillis(now + QUOTE_TTL_MS);
  await ref.create({
    uid,
    service: input.service,
    currency: input.currency,
    amount: input.amount,
    ...pricing,
    ruleId,
    ruleVersion: rule.version,
    createdAt: Timestamp.fromMillis(now),
    expiresAt,
    claimedBy: null,
    claimedAt: null,
  });
  return {
    quoteId: ref.id,
    amount: input.amount,
    fee: pricing.fee,
    total: pricing.total,
    points: pricing.points,
    expiresAt: expiresAt.toDate().toISOString(),
    ...(input.redeemPoints === undefined
      ? {}
      : { redeemPoints: pricing.redeemPoints, redeemValue: pricing.redeemValue }),
  };
}

export async function quote(
  input: QuoteInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<QuoteView> {
  const now = deps.now();
  await enforceRateLimits(deps.db, "quote", caller, now);
  return createQuote(deps.db, caller.uid, input, now);
}
