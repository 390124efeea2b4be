// The adapters configured exactly as the functions see them in the emulator: parameters from
// functions/.env.demo-malipo, secrets from functions/.secret.local.example.
import { readFileSync } from "node:fs";
import path from "node:path";

import type { CollectionProvider, ProviderName } from "../../functions/src/providers/collections.ts";
import { IotecDisbursements } from "../../functions/src/providers/iotec/disburse.ts";
import { IotecCollections } from "../../functions/src/providers/iotec/iotec.ts";
import { DarajaPayouts } from "../../functions/src/providers/mpesa/b2c.ts";
import { DarajaCollections } from "../../functions/src/providers/mpesa/daraja.ts";
import type { PayoutProvider } from "../../functions/src/providers/payouts.ts";
import { PaystackCollections } from "../../functions/src/providers/paystack/paystack.ts";
import { ROOT } from "../../tools/emulators/environment.ts";

export function readEnvFile(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(path.join(ROOT, file), "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1]) values[match[1]] = match[2] ?? "";
  }
  return values;
}

export const emulatorParams = readEnvFile("functions/.env.demo-malipo");
export const emulatorSecrets = readEnvFile("functions/.secret.local.example");

function required(values: Record<string, string>, name: string): string {
  const value = values[name];
  if (value === undefined) throw new Error(`${name} is missing from the emulator configuration`);
  return value;
}

const adapters = new Map<ProviderName, CollectionProvider>();

/** The adapter for `name`, one per provider as in a function instance (its token is reused). */
export function simulatorProvider(name: ProviderName): CollectionProvider {
  let adapter = adapters.get(name);
  if (!adapter) {
    adapter = configuredAdapter(name);
    adapters.set(name, adapter);
  }
  return adapter;
}

function configuredAdapter(name: ProviderName): CollectionProvider {
  const timeoutMs = Number(required(emulatorParams, "PROVIDER_TIMEOUT_MS"));
  if (name === "mpesa") return darajaAdapter(required(emulatorParams, "MPESA_BASE_URL"));
  if (name === "paystack") {
    return new PaystackCollections({
      baseUrl: required(emulatorParams, "PAYSTACK_BASE_URL"),
      secretKey: required(emulatorSecrets, "PAYSTACK_SECRET_KEY"),
      callbackUrl: required(emulatorParams, "PAYSTACK_CALLBACK_URL"),
      timeoutMs,
    });
  }
  return new IotecCollections(iotecAccount());
}

/** The ioTec wallet's configuration, shared by its collections and disbursements. */
function iotecAccount() {
  return {
    baseUrl: required(emulatorParams, "IOTEC_BASE_URL"),
    tokenUrl: required(emulatorParams, "IOTEC_TOKEN_URL"),
    clientId: required(emulatorSecrets, "IOTEC_CLIENT_ID"),
    clientSecret: required(emulatorSecrets, "IOTEC_CLIENT_SECRET"),
    walletId: required(emulatorParams, "IOTEC_WALLET_ID"),
    callbackSecret: required(emulatorSecrets, "IOTEC_CALLBACK_SECRET"),
    timeoutMs: Number(required(emulatorParams, "PROVIDER_TIMEOUT_MS")),
  };
}

/** The Daraja adapter as the functions configure it, talking to the Daraja simulator at `baseUrl`. */
export function darajaAdapter(baseUrl: string): DarajaCollections {
  return new DarajaCollections({
    baseUrl,
    consumerKey: required(emulatorSecrets, "MPESA_CONSUMER_KEY"),
    consumerSecret: required(emulatorSecrets, "MPESA_CONSUMER_SECRET"),
    shortcode: required(emulatorParams, "MPESA_SHORTCODE"),
    passkey: required(emulatorSecrets, "MPESA_PASSKEY"),
    transactionType: "CustomerPayBillOnline",
    partyB: required(emulatorParams, "MPESA_PARTY_B"),
    callbackUrl: required(emulatorParams, "MPESA_CALLBACK_URL"),
    callbackSecret: required(emulatorSecrets, "MPESA_CALLBACK_SECRET"),
    timeoutMs: Number(required(emulatorParams, "PROVIDER_TIMEOUT_MS")),
  });
}

const payoutAdapters = new Map<"mpesa" | "iotec", PayoutProvider>();

/**
 * The payout adapter for `name` as the functions configure it: requests to the simulators, and
 * Daraja's results posted to the emulator's darajaResult function (MPESA_RESULT_URL).
 */
export function simulatorPayoutProvider(name: "mpesa" | "iotec"): PayoutProvider {
  let adapter = payoutAdapters.get(name);
  if (!adapter) {
    const timeoutMs = Number(required(emulatorParams, "PROVIDER_TIMEOUT_MS"));
    adapter =
      name === "mpesa"
        ? new DarajaPayouts({
            baseUrl: required(emulatorParams, "MPESA_BASE_URL"),
            consumerKey: required(emulatorSecrets, "MPESA_CONSUMER_KEY"),
            consumerSecret: required(emulatorSecrets, "MPESA_CONSUMER_SECRET"),
            timeoutMs,
            initiatorName: required(emulatorParams, "MPESA_INITIATOR_NAME"),
            securityCredential: required(emulatorSecrets, "MPESA_SECURITY_CREDENTIAL"),
            b2cShortcode: required(emulatorParams, "MPESA_B2C_SHORTCODE"),
            collectionShortcode: required(emulatorParams, "MPESA_SHORTCODE"),
            resultUrl: required(emulatorParams, "MPESA_RESULT_URL"),
            resultSecret: required(emulatorSecrets, "MPESA_RESULT_SECRET"),
          })
        : new IotecDisbursements(iotecAccount());
    payoutAdapters.set(name, adapter);
  }
  return adapter;
}
