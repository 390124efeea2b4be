// Paystack's parameters and secret. Parameters come from .env.<project>; the secret key from
// Secret Manager (or .secret.local in the emulator); both are read with .value() inside handlers.
import { defineSecret, defineString } from "firebase-functions/params";

export const paystackParams = {
  baseUrl: defineString("PAYSTACK_BASE_URL", { default: "https://api.paystack.co" }),
  /** Where the hosted checkout sends the payer back: the wallet page, which shows the live status. */
  callbackUrl: defineString("PAYSTACK_CALLBACK_URL"),
};

export const paystackSecrets = {
  /** Authorises every API call and keys the webhook's signature. */
  secretKey: defineSecret("PAYSTACK_SECRET_KEY"),
};

/** Every function that talks to Paystack or hears from it lists these. */
export const PAYSTACK_SECRETS = Object.values(paystackSecrets);
