// What a fee rule charges, in integer minor units (money rule 15). A price is one of:
//   flat   the same fee for every amount;
//   bps    basis points of the amount (100 bps = 1%), rounded half up to the minor unit:
//          fee = floor((amount x bps + 5,000) / 10,000), so KES 0.005 of exact fee becomes
//          KES 0.01 and KES 0.0049 becomes nothing;
//   tiers  ordered bands by amount, each { upTo, flat?, bps? }: the first band whose upTo is at
//          least the amount (the last band's upTo is null: no upper end) charges its flat part
//          plus its basis points of the whole amount, rounded as above.
// Then the fee is raised to `min` and lowered to `max` when the rule has them (min <= max).
// The arithmetic never leaves integers: products stay below 2^53 for amounts up to
// MAX_PRICED_MINOR, and divisions are exact floor divisions.
import { z } from "zod";

/** The largest amount a fee is computed for: KES 1,000,000,000.00, far above any quote. */
export const MAX_PRICED_MINOR = 100_000_000_000;
const BPS_PER_WHOLE = 10_000;
const MAX_BANDS = 20;

const minor = z
  .number({ error: "must be a number of minor units" })
  .int("must be a whole number of minor units")
  .min(0, "must not be negative")
  .max(MAX_PRICED_MINOR, "is larger than any amount Malipo prices");
const bps = z
  .number({ error: "must be a number of basis points" })
  .int("must be a whole number of basis points")
  .min(0, "must not be negative")
  .max(BPS_PER_WHOLE, "must be at most 10000 (100%)");
const clamp = { min: minor.optional(), max: minor.optional() };

const band = z
  .object({ upTo: minor.positive("must be greater than zero").nullable(), flat: minor.optional(), bps: bps.optional() })
  .strict()
  .refine((b) => b.flat !== undefined || b.bps !== undefined, "a band needs flat, bps or both");

export const flatPrice = z.object({ kind: z.literal("flat"), flat: minor, ...clamp });
export const bpsPrice = z.object({ kind: z.literal("bps"), bps, ...clamp });
export const tiersPrice = z.object({
  kind: z.literal("tiers"),
  tiers: z.array(band).min(1, "needs at least one band").max(MAX_BANDS, `may have at most ${MAX_BANDS} bands`),
  ...clamp,
});

export type FeePrice = z.infer<typeof flatPrice> | z.infer<typeof bpsPrice> | z.infer<typeof tiersPrice>;
export type Band = z.infer<typeof band>;

/** The checks a price's fields cannot make alone: min <= max, bands in order and open-ended. */
export function checkPrice(price: FeePrice, context: z.RefinementCtx): void {
  if (price.min !== undefined && price.max !== undefined && price.min > price.max) {
    context.addIssue({ code: "custom", path: ["max"], message: "must be at least min" });
  }
  if (price.kind !== "tiers") return;
  price.tiers.forEach((b, i) => {
    const last = i === price.tiers.length - 1;
    if (last !== (b.upTo === null)) {
      context.addIssue({
        code: "custom",
        path: ["tiers", i, "upTo"],
        message: last ? "must be null on the last band (no upper end)" : "must be a number on every band but the last",
      });
    }
    const previous = i > 0 ? price.tiers[i - 1]?.upTo : undefined;
    if (b.upTo !== null && previous !== undefined && previous !== null && b.upTo <= previous) {
      context.addIssue({
        code: "custom",
        path: ["tiers", i, "upTo"],
        message: "must be above the previous band's upTo",
      });
    }
  });
}

export const feePriceSchema = z.discriminatedUnion("kind", [flatPrice, bpsPrice, tiersPrice]).superRefine(checkPrice);

/** Basis points of an amount, rounded half up to the minor unit. */
function bpsOf(amountMinor: number, basisPoints: number): number {
  const scaled = amountMinor * basisPoints + BPS_PER_WHOLE / 2;
  return (scaled - (scaled % BPS_PER_WHOLE)) / BPS_PER_WHOLE;
}

/** The band that prices `amountMinor`: the first whose upTo reaches it. */
export function bandFor(tiers: readonly Band[], amountMinor: number): Band {
  const found = tiers.find((b) => b.upTo === null || amountMinor <= b.upTo);
  if (!found) throw new RangeError("the fee bands end below this amount (the last band's upTo must be null)");
  return found;
}

function unclamped(price: FeePrice, amountMinor: number): number {
  switch (price.kind) {
    case "flat":
      return price.flat;
    case "bps":
      return bpsOf(amountMinor, price.bps);
    case "tiers": {
      const b = bandFor(price.tiers, amountMinor);
      return (b.flat ?? 0) + bpsOf(amountMinor, b.bps ?? 0);
    }
  }
}

/** The fee for `amountMinor` under `price`, in minor units of the amount's currency. */
export function computeFee(price: FeePrice, amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0 || amountMinor > MAX_PRICED_MINOR) {
    throw new RangeError(`amount must be an integer from 0 to ${MAX_PRICED_MINOR} minor units`);
  }
  const fee = Math.max(price.min ?? 0, unclamped(price, amountMinor));
  return price.max === undefined ? fee : Math.min(price.max, fee);
}
