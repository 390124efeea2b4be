// M-Pesa Daraja's parameters and secrets. Parameters come from .env.<project>; secrets from Secret
// Manager (or .secret.local in the emulator); both are read with .value() inside handlers.
import { defineSecret, defineString } from "firebase-functions/params";

export const mpesaParams = {
  baseUrl: defineString("MPESA_BASE_URL", { default: "https://api.safaricom.co.ke" }),
  shortcode: defineString("MPESA_SHORTCODE"),
  partyB: defineString("MPESA_PARTY_B"),
  transactionType: defineString("MPESA_TRANSACTION_TYPE", { default: "CustomerPayBillOnline" }),
  callbackUrl: defineString("MPESA_CALLBACK_URL", {
    description: "Public URL of the mpesaCallback function (without the secret path segment)",
  }),
};

export const mpesaSecrets = {
  consumerKey: defineSecret("MPESA_CONSUMER_KEY"),
  consumerSecret: defineSecret("MPESA_CONSUMER_SECRET"),
  passkey: defineSecret("MPESA_PASSKEY"),
  callbackSecret: defineSecret("MPESA_CALLBACK_SECRET"),
};

/** Every function that talks to Daraja or hears from it lists these. */
export const MPESA_SECRETS = Object.values(mpesaSecrets);
