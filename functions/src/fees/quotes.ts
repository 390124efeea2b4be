// Quotes: quotes/{quoteId}, the price a customer was shown, kept for QUOTE_TTL_MS so that the
// purchase that follows charges exactly that. An execution (a bill, a checkout) claims the quote
// with its own idempotency key: one claim key per quote, so a quote pays for one purchase, and the
// same execution retried gets the same numbers back. Only functions write quotes; their owner may
// read them.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { CURRENCY_CODES, PRICED_SERVICES } from "../shared/catalog.js";
import { quoteId as quoteIdSchema } from "./schemas.js";

export const QUOTE_TTL_MS = 5 * 60_000;

const timestamp = z.instanceof(Timestamp);
const minor = z.number().int().min(0);

export const quoteSchema = z.object({
  uid: z.string(),
  service: z.enum(PRICED_SERVICES),
  currency: z.enum(CURRENCY_CODES),
  amount: minor,
  fee: minor,
  total: minor,
  /** Points the purchase earns (on cashPurchase). */
  points: minor,
  redeemPoints: minor,
  redeemValue: minor,
  feePaidWithPoints: minor,
  cashPurchase: minor,
  ruleId: z.string(),
  ruleVersion: z.number().int(),
  createdAt: timestamp,
  expiresAt: timestamp,
  /** The claim key of the execution that used it. */
  claimedBy: z.string().nullable(),
  claimedAt: timestamp.nullable(),
});
export type QuoteRecord = z.infer<typeof quoteSchema>;

export const QUOTES = defineCollection("quotes", quoteSchema);

/** A quote's numbers, as an execution charges them. */
export type ClaimedQuote = Omit<QuoteRecord, "uid" | "createdAt" | "expiresAt" | "claimedBy" | "claimedAt"> & {
  readonly quoteId: string;
  readonly expiresAt: string;
};

/** The answer for a quote that does not exist or is not the caller's: the same, on purpose. */
function noSuchQuote(): AppError {
  return new AppError("not-found", "quoteId: there is no such quote for you.");
}

function claimedView(id: string, quote: QuoteRecord): ClaimedQuote {
  const { uid: _uid, createdAt: _created, expiresAt, claimedBy: _by, claimedAt: _at, ...numbers } = quote;
  return { quoteId: id, ...numbers, expiresAt: expiresAt.toDate().toISOString() };
}

export interface ClaimRequest {
  readonly uid: string;
  readonly quoteId: string;
  /** The execution's own idempotency key, e.g. "bill:{billId}". */
  readonly claim: string;
  /** ms since the epoch. */
  readonly now: number;
}

/**
 * Marks the quote as used by `claim` and returns its numbers. The same claim again returns the
 * same numbers, even after expiry (the execution is being retried); a different claim, an expired
 * quote and someone else's quote are refused. Commit-and-set: of any number of concurrent claims
 * exactly one lands, and the others read it and are refused (or, with the same key, answered).
 */
export async function claimQuote(db: Firestore, request: ClaimRequest): Promise<ClaimedQuote> {
  if (!quoteIdSchema.safeParse(request.quoteId).success || request.claim.length === 0) throw noSuchQuote();
  const ref = QUOTES.ref(db).doc(request.quoteId);
  return commitOptimistically(async () => {
    const snapshot = await ref.get();
    const quote = snapshot.data();
    const version = versionOf([snapshot]);
    const readAt = snapshot.updateTime;
    if (!quote || !readAt || quote.uid !== request.uid) throw noSuchQuote();
    const view = claimedView(ref.id, quote);
    if (quote.claimedBy === request.claim) return { version, commit: () => Promise.resolve(view) };
    if (quote.claimedBy !== null) {
      throw new AppError("failed-precondition", "quoteId: this quote has already been used; ask for a new one.");
    }
    if (quote.expiresAt.toMillis() <= request.now) {
      throw new AppError(
        "failed-precondition",
        `quoteId: this quote expired at ${view.expiresAt}; ask for a new one.`,
        { expiresAt: view.expiresAt },
      );
    }
    const commit = async () => {
      await ref.update(
        { claimedBy: request.claim, claimedAt: Timestamp.fromMillis(request.now) },
        { lastUpdateTime: readAt },
      );
      return view;
    };
    return { version, commit };
  }, "This quote is being used right now. Please try again in a few seconds.");
}
