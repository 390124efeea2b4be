// quoteBill: what a bill costs now (the plan's catalogue price or the amount asked for, the fee,
// the total and the points it earns), kept as a quote for payBill to claim.
import type { Caller } from "../core/callable.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { createQuote, type QuoteView } from "../fees/quote.js";
import { findOffer } from "./catalogue.js";
import type { BillsDeps } from "./deps.js";
import type { QuoteBillInput } from "./schemas.js";

export async function quoteBill(
  input: QuoteBillInput,
  caller: Caller,
  deps: Pick<BillsDeps, "db" | "provider" | "now">,
): Promise<QuoteView & { readonly serviceId: string; readonly variationCode: string | null }> {
  const now = deps.now();
  await enforceRateLimits(deps.db, "quote", caller, now);
  const currency = deps.provider().currency;
  const offer = await findOffer(deps.db, input, currency, now);
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
