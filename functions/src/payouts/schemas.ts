// The withdrawal callables' inputs, validated at the edge with messages a person can act on.
import { z } from "zod";

import { quoteId } from "../fees/schemas.js";
import { idempotencyKey } from "../payments/schemas.js";
import { stepUpGrant } from "../twofactor/schemas.js";
import { pinDigits } from "../wallet/pin-schemas.js";
import { PAYOUT_CURRENCIES, type PayoutCurrency } from "./collections.js";

export const withdrawalId = z
  .string({ error: "must be the withdrawal id returned by withdraw" })
  .regex(/^[a-f0-9]{32}$/, "must be the withdrawal id returned by withdraw");

const payoutCurrency = z.enum(PAYOUT_CURRENCIES as [PayoutCurrency, ...PayoutCurrency[]], {
  error: "must be KES (to M-Pesa) or UGX (to MTN or Airtel Money)",
});

export const withdrawInput = z
  .object({
    idempotencyKey,
    quoteId,
    phone: z
      .string({ error: "must be your mobile number as text" })
      .min(7, "is too short for a mobile number")
      .max(20, "is too long for a mobile number"),
    pin: pinDigits,
    /** From stepUp, for users with two-step verification (docs/accounts.md, "Second factor"). */
    stepUpGrant: stepUpGrant.optional(),
  })
  .strict();
export type WithdrawInput = z.infer<typeof withdrawInput>;

export const getWithdrawalInput = z.object({ withdrawalId }).strict();
export type GetWithdrawalInput = z.infer<typeof getWithdrawalInput>;

export const getWithdrawalOptionsInput = z.object({ currency: payoutCurrency }).strict();
export type GetWithdrawalOptionsInput = z.infer<typeof getWithdrawalOptionsInput>;
