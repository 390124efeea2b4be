// Spending from a wallet: a purchase (a bill, an order) is quoted first (fees/quote.ts), then held
// here, then posted when the goods are delivered or voided when delivery definitely failed. The
// hold is one journal entry, purchase:{hash(uid|idempotencyKey)}:
//   wallet(uid, cur)   debit   total (amount + fee - value of the points redeemed)
//   @rewards(cur)      debit   value of the points redeemed (the platform pays for its points)
//   payee              credit  amount (the biller's or merchant's clearing account)
//   @fees(cur)         credit  fee
//   points(uid)        debit   points redeemed        (PTS)
//   @points-liability  credit  points redeemed        (PTS)
// so the wallet's money and the points are both held, not spent, until the outcome is known, and a
// failure releases both in full. The PIN is checked before anything else, and the quote is claimed
// by this purchase's id, so it charges exactly what was quoted, once.
import { createHash } from "node:crypto";

import type { Firestore } from "firebase-admin/firestore";

import { AppError } from "../core/errors.js";
import { claimQuote } from "../fees/quotes.js";
import { accounts, type Account } from "../ledger/accounts.js";
import { commitHold, postEntry, voidHold, type JournalEntry } from "../ledger/journal.js";
import type { Posting } from "../ledger/postings.js";
import type { PinCheck } from "./transfer.js";

export interface PurchaseRequest {
  readonly uid: string;
  readonly quoteId: string;
  /** The caller's key for this purchase: the same key again is the same purchase. */
  readonly idempotencyKey: string;
  readonly pin: string;
  /** Who is paid the purchase amount, in the quote's currency. */
  readonly payee: Account;
  /** The hold's own id and kind, for spending that is not a purchase (a withdrawal's payout id). */
  readonly entry?: { readonly id: string; readonly kind: string };
  /** What the spending feature keeps on the hold to find its record again (a bill's id). */
  readonly meta?: Readonly<Record<string, string>>;
}

export interface PurchaseDeps {
  readonly db: Firestore;
  readonly now: () => number;
  readonly verifyPin: PinCheck;
}

export function purchaseEntryId(uid: string, idempotencyKey: string): string {
  return `purchase:${createHash("sha256").update(`${uid}|${idempotencyKey}`).digest("hex").slice(0, 32)}`;
}

/** Holds the quoted total (and any points redeemed) for a purchase. */
export async function holdPurchase(request: PurchaseRequest, deps: PurchaseDeps): Promise<JournalEntry> {
  const { db, now } = deps;
  const { uid, payee } = request;
  await deps.verifyPin(db, uid, request.pin, now());
  const id = request.entry?.id ?? purchaseEntryId(uid, request.idempotencyKey);
  const quote = await claimQuote(db, { uid, quoteId: request.quoteId, claim: id, now: now() });
  if (payee.currency !== quote.currency) {
    throw new AppError("invalid-argument", `payee: ${payee.id} is not in ${quote.currency}, the quote's currency.`);
  }
  const legs: Posting[] = [
    { account: accounts.wallet(uid, quote.currency), side: "debit", amount: quote.total },
    { account: accounts.rewards(quote.currency), side: "debit", amount: quote.redeemValue },
    { account: payee, side: "credit", amount: quote.amount },
    { account: accounts.fees(quote.currency), side: "credit", amount: quote.fee },
    { account: accounts.points(uid), side: "debit", amount: quote.redeemPoints },
    { account: accounts.pointsLiability(), side: "credit", amount: quote.redeemPoints },
  ];
  return postEntry(
    db,
    {
      id,
      kind: request.entry?.kind ?? "purchase",
      hold: true,
      reference: request.quoteId,
      postings: legs.filter((leg) => leg.amount > 0),
      announce: true,
      meta: { ...request.meta, uid, payee: payee.id, pointsEarned: quote.points, service: quote.service },
    },
    now,
  );
}

/** The goods were delivered: the held money and points are spent; the points earned follow (rewards/award.ts). */
export function completePurchase(db: Firestore, entryId: string, now: () => number = Date.now) {
  return commitHold(db, entryId, now);
}

/** Delivery definitely failed: everything held is released in full. Never for an unknown outcome. */
export function failPurchase(db: Firestore, entryId: string, now: () => number = Date.now) {
  return voidHold(db, entryId, now);
}
