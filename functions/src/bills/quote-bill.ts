// quoteBill: what a bill costs now (the plan's catalogue price, the biller's renewal price for a
// verified smartcard, or the amount asked for; the fee, the total and the points it earns), kept
// as a quote for payBill to claim.
import type { Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { createQuote, type QuoteView } from "../fees/quote.js";
import type { Currency } from "../shared/catalog.js";
import { formatMoney } from "../shared/money.js";
import { findOffer, sellableService, type Offer } from "./catalogue.js";
import type { BillsDeps } from "./deps.js";
import type { QuoteBillInput } from "./schemas.js";
import { renewalAmountOf, usableVerification } from "./verify.js";

/** A renewal costs what the biller said when the smartcard was verified, and nothing else. */
async function renewalOffer(
  input: QuoteBillInput,
  caller: Caller,
  db: Firestore,
  currency: Currency,
  now: number,
): Promise<Offer> {
  const service = await sellableService(db, input.serviceId, now);
  if (input.variationCode) {
    throw new AppError(
      "invalid-argument",
      "variationCode: a renewal keeps the current bouquet; leave the plan out, or change to it instead.",
    );
  }
  const verification = await usableVerification(
    db,
    { verificationId: input.verificationId, uid: caller.uid, service },
    now,
  );
  const amount = renewalAmountOf(service, verification);
  if (input.amount !== undefined && input.amount !== amount) {
    throw new AppError(
      "failed-precondition",
      `amount: renewing costs ${formatMoney(amount, currency)} now; leave the amount out to quote it.`,
    );
  }
  return { service, variation: null, amount };
}

export async function quoteBill(
  input: QuoteBillInput,
  caller: Caller,
  deps: Pick<BillsDeps, "db" | "provider" | "now">,
): Promise<QuoteView & { readonly serviceId: string; readonly variationCode: string | null }> {
  const now = deps.now();
  await enforceRateLimits(deps.db, "quote", caller, now);
  const currency = deps.provider().currency;
  const offer =
    input.subscriptionType === "renew"
      ? await renewalOffer(input, caller, deps.db, currency, now)
      : await findOffer(deps.db, input, currency, now);
  const quote = await createQuote(
    deps.db,
    caller.uid,
    {
      service: offer.service.category,
      currency,
      amount: offer.amount,
      ...(input.redeemPoints === undefined ? {} : { redeemPoints: input.redeemPoints }),
    },
    now,
  );
  return { ...quote, serviceId: offer.service.id, variationCode: offer.variation?.code ?? null };
}
