// M-Pesa B2C payouts, Transaction Status and Reversal parameters and secrets (docs/payouts.md).
// Kept apart from config.ts on purpose: only the payouts registry imports this module, at a
// handler's first call, so the deploy does not declare (and ask for) values no function uses yet.
// The withdrawal and result functions, once built, import it from their declarations and list
// MPESA_PAYOUT_SECRETS in their secrets.
import { defineSecret, defineString } from "firebase-functions/params";

export const mpesaPayoutParams = {
  b2cShortcode: defineString("MPESA_B2C_SHORTCODE", { description: "The B2C shortcode payouts are paid from" }),
  initiatorName: defineString("MPESA_INITIATOR_NAME", {
    description: "The API operator (initiator) user name on the M-Pesa portal",
  }),
  resultUrl: defineString("MPESA_RESULT_URL", {
    description:
      "Public URL of the function that receives Daraja's payout, status and reversal results (without the secret path segment)",
  }),
};

export const mpesaPayoutSecrets = {
  // The initiator password encrypted with Safaricom's M-Pesa certificate, base64.
  securityCredential: defineSecret("MPESA_SECURITY_CREDENTIAL"),
  resultSecret: defineSecret("MPESA_RESULT_SECRET"),
};

/** Every function that sends payouts or reversals, or reads their results, lists these. */
export const MPESA_PAYOUT_SECRETS = Object.values(mpesaPayoutSecrets);
