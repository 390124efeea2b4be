// The second factor's parameter, declared apart from its parsing (config.ts) so that the functions'
// entry point declares it without loading zod.
import { defineString } from "firebase-functions/params";

/** NGN 20,000.00, KES 2,000.00, UGX 50,000: a purchase above it asks for the code. */
export const DEFAULT_STEP_UP_PURCHASE_OVER = { NGN: 20_000_00, KES: 2_000_00, UGX: 50_000 } as const;

export const twoFactorParams = {
  stepUpPurchaseOver: defineString("STEP_UP_PURCHASE_OVER", {
    default: JSON.stringify(DEFAULT_STEP_UP_PURCHASE_OVER),
    description:
      'Wallet purchases above this amount (minor units, by currency) need a step-up code from users with two-step verification: {"NGN":2000000}',
  }),
};
