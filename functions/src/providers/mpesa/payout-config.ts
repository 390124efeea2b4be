// M-Pesa B2C payouts, Transaction Status and Reversal parameters and secrets (docs/payouts.md).
// Apart from config.ts, which collections use: the functions that pay out or read payout results
// list MPESA_PAYOUT_SECRETS (providers/params.ts PAYOUT_SECRETS), the others never load these.
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
