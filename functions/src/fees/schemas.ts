// The quote callable's input, validated at the edge with messages a person can act on.
import { z } from "zod";

import { CURRENCY_CODES, PRICED_SERVICES } from "../shared/catalog.js";

/** The largest purchase quoted: KES 10,000,000.00, UGX 1,000,000,000; no bill comes near it. */
export const MAX_QUOTE_MINOR = 1_000_000_000;
const MAX_REDEEM_POINTS = 1_000_000_000;

/** Points a customer asks to spend on a purchase. */
export const redeemPoints = z
  .number({ error: "must be a whole number of points" })
  .int("must be a whole number of points")
  .positive("must be greater than zero (leave it out to spend no points)")
  .max(MAX_REDEEM_POINTS, "is more points than anyone holds");

export const quoteInput = z
  .object({
    service: z.enum(PRICED_SERVICES, { error: `must be one of: ${PRICED_SERVICES.join(", ")}` }),
    amount: z
      .number({ error: "must be a number of minor units (e.g. 100000 for KES 1,000.00)" })
      .int("must be a whole number of minor units (e.g. 100000 for KES 1,000.00), not a fraction")
      .positive("must be greater than zero")
      .max(MAX_QUOTE_MINOR, "is larger than any single purchase"),
    currency: z.enum(CURRENCY_CODES, { error: `must be one of: ${CURRENCY_CODES.join(", ")}` }),
    redeemPoints: redeemPoints.optional(),
  })
  .strict();
export type QuoteInput = z.infer<typeof quoteInput>;

export const quoteId = z
  .string({ error: "must be the quote id returned by quote" })
  .regex(/^[A-Za-z0-9]{10,40}$/, "must be the quote id returned by quote");
