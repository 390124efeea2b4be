// VTpass's parameters and secrets. Parameters come from .env.<project>; secrets from Secret
// Manager (or .secret.local in the emulator); both are read with .value() inside handlers.
import { defineSecret, defineString } from "firebase-functions/params";

export const vtpassParams = {
  baseUrl: defineString("VTPASS_BASE_URL", { default: "https://vtpass.com/api" }),
};

export const vtpassSecrets = {
  apiKey: defineSecret("VTPASS_API_KEY"),
  /** Sent with GET requests (catalogue). */
  publicKey: defineSecret("VTPASS_PUBLIC_KEY"),
  /** Sent with POST requests (verify, pay, re-query). */
  secretKey: defineSecret("VTPASS_SECRET_KEY"),
};

/** Every function that talks to VTpass lists these. */
export const VTPASS_SECRETS = Object.values(vtpassSecrets);
