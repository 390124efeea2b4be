// Builds the provider adapters from configuration, once per process and configuration, so each
// keeps its cached OAuth token across invocations. Each provider's parameters and secrets live in
// its own folder.
import type { BillsProvider } from "./bills.js";
import type { CollectionProvider, ProviderName } from "./collections.js";
import { iotecParams, iotecSecrets } from "./iotec/config.js";
import { IotecCollections } from "./iotec/iotec.js";
import { mpesaParams, mpesaSecrets } from "./mpesa/config.js";
import { DarajaCollections } from "./mpesa/daraja.js";
import { providerTimeoutMs } from "./params.js";
import { paystackParams, paystackSecrets } from "./paystack/config.js";
import { PaystackCollections } from "./paystack/paystack.js";
import { vtpassParams, vtpassSecrets } from "./vtpass/config.js";
import { VtpassBills } from "./vtpass/vtpass.js";

const cache = new Map<string, CollectionProvider | BillsProvider>();

function memo<T extends CollectionProvider | BillsProvider>(key: string, build: () => T): T {
  let provider = cache.get(key) as T | undefined;
  if (!provider) {
    provider = build();
    cache.set(key, provider);
  }
  return provider;
}

export function collectionProvider(name: ProviderName): CollectionProvider {
  const timeoutMs = providerTimeoutMs.value();
  if (name === "mpesa") {
    const config = {
      baseUrl: mpesaParams.baseUrl.value(),
      consumerKey: mpesaSecrets.consumerKey.value(),
      consumerSecret: mpesaSecrets.consumerSecret.value(),
      shortcode: mpesaParams.shortcode.value(),
      passkey: mpesaSecrets.passkey.value(),
      transactionType:
        mpesaParams.transactionType.value() === "CustomerBuyGoodsOnline"
          ? ("CustomerBuyGoodsOnline" as const)
          : ("CustomerPayBillOnline" as const),
      partyB: mpesaParams.partyB.value(),
      callbackUrl: mpesaParams.callbackUrl.value(),
      callbackSecret: mpesaSecrets.callbackSecret.value(),
      timeoutMs,
    };
    return memo(`mpesa:${JSON.stringify(config)}`, () => new DarajaCollections(config));
  }
  if (name === "paystack") {
    const config = {
      baseUrl: paystackParams.baseUrl.value(),
      secretKey: paystackSecrets.secretKey.value(),
      callbackUrl: paystackParams.callbackUrl.value(),
      timeoutMs,
    };
    return memo(`paystack:${JSON.stringify(config)}`, () => new PaystackCollections(config));
  }
  const config = {
    baseUrl: iotecParams.baseUrl.value(),
    tokenUrl: iotecParams.tokenUrl.value(),
    clientId: iotecSecrets.clientId.value(),
    clientSecret: iotecSecrets.clientSecret.value(),
    walletId: iotecParams.walletId.value(),
    callbackSecret: iotecSecrets.callbackSecret.value(),
    timeoutMs,
  };
  return memo(`iotec:${JSON.stringify(config)}`, () => new IotecCollections(config));
}

export function billsProvider(): BillsProvider {
  const config = {
    baseUrl: vtpassParams.baseUrl.value(),
    apiKey: vtpassSecrets.apiKey.value(),
    publicKey: vtpassSecrets.publicKey.value(),
    secretKey: vtpassSecrets.secretKey.value(),
    timeoutMs: providerTimeoutMs.value(),
  };
  return memo(`vtpass:${JSON.stringify(config)}`, () => new VtpassBills(config));
}
