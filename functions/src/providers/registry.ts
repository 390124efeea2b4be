// Builds the provider adapters from configuration, once per process and configuration, so each
// keeps its cached OAuth token across invocations.
import { IOTEC_SECRETS, MPESA_SECRETS, params, secrets } from "../core/config.js";
import type { CollectionProvider, ProviderName } from "./collections.js";
import { IotecCollections } from "./iotec/iotec.js";
import { DarajaCollections } from "./mpesa/daraja.js";

export const PROVIDER_SECRETS = [...MPESA_SECRETS, ...IOTEC_SECRETS];

const cache = new Map<string, CollectionProvider>();

function memo(key: string, build: () => CollectionProvider): CollectionProvider {
  let provider = cache.get(key);
  if (!provider) {
    provider = build();
    cache.set(key, provider);
  }
  return provider;
}

export function collectionProvider(name: ProviderName): CollectionProvider {
  const timeoutMs = params.providerTimeoutMs.value();
  if (name === "mpesa") {
    const config = {
      baseUrl: params.mpesaBaseUrl.value(),
      consumerKey: secrets.mpesaConsumerKey.value(),
      consumerSecret: secrets.mpesaConsumerSecret.value(),
      shortcode: params.mpesaShortcode.value(),
      passkey: secrets.mpesaPasskey.value(),
      transactionType:
        params.mpesaTransactionType.value() === "CustomerBuyGoodsOnline"
          ? ("CustomerBuyGoodsOnline" as const)
          : ("CustomerPayBillOnline" as const),
      partyB: params.mpesaPartyB.value(),
      callbackUrl: params.mpesaCallbackUrl.value(),
      callbackSecret: secrets.mpesaCallbackSecret.value(),
      timeoutMs,
    };
    return memo(`mpesa:${JSON.stringify(config)}`, () => new DarajaCollections(config));
  }
  const config = {
    baseUrl: params.iotecBaseUrl.value(),
    tokenUrl: params.iotecTokenUrl.value(),
    clientId: secrets.iotecClientId.value(),
    clientSecret: secrets.iotecClientSecret.value(),
    walletId: params.iotecWalletId.value(),
    callbackSecret: secrets.iotecCallbackSecret.value(),
    timeoutMs,
  };
  return memo(`iotec:${JSON.stringify(config)}`, () => new IotecCollections(config));
}
