// ioTec Pay's parameters and secrets. Parameters come from .env.<project>; secrets from Secret
// Manager (or .secret.local in the emulator); both are read with .value() inside handlers.
import { defineSecret, defineString } from "firebase-functions/params";

export const iotecParams = {
  baseUrl: defineString("IOTEC_BASE_URL", { default: "https://pay.iotec.io" }),
  tokenUrl: defineString("IOTEC_TOKEN_URL", { default: "https://id.iotec.io/connect/token" }),
  walletId: defineString("IOTEC_WALLET_ID"),
};

export const iotecSecrets = {
  clientId: defineSecret("IOTEC_CLIENT_ID"),
  clientSecret: defineSecret("IOTEC_CLIENT_SECRET"),
  callbackSecret: defineSecret("IOTEC_CALLBACK_SECRET"),
};

/** Every function that talks to ioTec or hears from it lists these. */
export const IOTEC_SECRETS = Object.values(iotecSecrets);
