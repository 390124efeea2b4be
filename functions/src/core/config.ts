// Every parameter and secret the functions read. Values come from .env.<project> (parameters) and
// Secret Manager or .secret.local in the emulator (secrets); they are read with .value() inside
// handlers, never at import time.
import { defineBoolean, defineInt, defineList, defineSecret, defineString } from "firebase-functions/params";

export const params = {
  mpesaBaseUrl: defineString("MPESA_BASE_URL", { default: "https://api.safaricom.co.ke" }),
  mpesaShortcode: defineString("MPESA_SHORTCODE"),
  mpesaPartyB: defineString("MPESA_PARTY_B"),
  mpesaTransactionType: defineString("MPESA_TRANSACTION_TYPE", { default: "CustomerPayBillOnline" }),
  mpesaCallbackUrl: defineString("MPESA_CALLBACK_URL", {
    description: "Public URL of the mpesaCallback function (without the secret path segment)",
  }),
  iotecBaseUrl: defineString("IOTEC_BASE_URL", { default: "https://pay.iotec.io" }),
  iotecTokenUrl: defineString("IOTEC_TOKEN_URL", { default: "https://id.iotec.io/connect/token" }),
  iotecWalletId: defineString("IOTEC_WALLET_ID"),
  providerTimeoutMs: defineInt("PROVIDER_TIMEOUT_MS", { default: 15_000 }),
  allowSandboxPayers: defineBoolean("ALLOW_SANDBOX_PAYERS", { default: false }),
  mailFrom: defineString("MAIL_FROM", { default: "Malipo <receipts@malipo.africa>" }),
  allowedOrigins: defineList("ALLOWED_ORIGINS", {
    description: 'Pages that may call the API from a browser, as a JSON list: ["https://pay.example.com"]',
  }),
  enforceAppCheck: defineBoolean("ENFORCE_APP_CHECK", {
    default: true,
    description: "Refuse callable requests without a valid App Check token (set false only while staging App Check)",
  }),
};

export const secrets = {
  mpesaConsumerKey: defineSecret("MPESA_CONSUMER_KEY"),
  mpesaConsumerSecret: defineSecret("MPESA_CONSUMER_SECRET"),
  mpesaPasskey: defineSecret("MPESA_PASSKEY"),
  mpesaCallbackSecret: defineSecret("MPESA_CALLBACK_SECRET"),
  iotecClientId: defineSecret("IOTEC_CLIENT_ID"),
  iotecClientSecret: defineSecret("IOTEC_CLIENT_SECRET"),
  iotecCallbackSecret: defineSecret("IOTEC_CALLBACK_SECRET"),
  sendgridApiKey: defineSecret("SENDGRID_API_KEY"),
  pinPepper: defineSecret("PIN_PEPPER"),
};

export const MPESA_SECRETS = [
  secrets.mpesaConsumerKey,
  secrets.mpesaConsumerSecret,
  secrets.mpesaPasskey,
  secrets.mpesaCallbackSecret,
];
export const IOTEC_SECRETS = [secrets.iotecClientId, secrets.iotecClientSecret, secrets.iotecCallbackSecret];
/** Every function that sets, changes or verifies a transaction PIN lists these. */
export const PIN_SECRETS = [secrets.pinPepper];
