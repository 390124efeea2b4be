// The platform's own parameters and secrets (each provider's are in its folder under providers/).
// Values come from .env.<project> (parameters) and
// Secret Manager or .secret.local in the emulator (secrets); they are read with .value() inside
// handlers, never at import time.
import { defineBoolean, defineList, defineSecret, defineString } from "firebase-functions/params";

export const params = {
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
  sendgridApiKey: defineSecret("SENDGRID_API_KEY"),
  pinPepper: defineSecret("PIN_PEPPER"),
  totpEncryptionKey: defineSecret("TOTP_ENCRYPTION_KEY"),
};

/** Every function that sets, changes or verifies a transaction PIN lists these. */
export const PIN_SECRETS = [secrets.pinPepper];

/**
 * Every function that enrols, checks or disables a second factor (or consumes a step-up grant's
 * check of one) lists these: the key that encrypts TOTP secrets and peppers recovery codes.
 */
export const TWO_FACTOR_SECRETS = [secrets.totpEncryptionKey];
