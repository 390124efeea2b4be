// Builds the provider adapters from configuration, once per process and configuration, so each
// keeps its cached OAuth token across invocations. Each provider's parameters and secrets live in
// its own folder.
import type { BillsProvider } from "./bills.js";
import type { CollectionProvider, ProviderName } from "./collections.js";
import { IotecClient } from "./iotec/client.js";
import { iotecParams, iotecSecrets } from "./iotec/config.js";
import { IotecDisbursements } from "./iotec/disburse.js";
import { IotecCollections } from "./iotec/iotec.js";
import { DarajaPayouts } from "./mpesa/b2c.js";
import { DarajaClient } from "./mpesa/client.js";
import { mpesaParams, mpesaSecrets } from "./mpesa/config.js";
import { mpesaPayoutParams, mpesaPayoutSecrets } from "./mpesa/payout-config.js";
import { DarajaCollections } from "./mpesa/daraja.js";
import { providerTimeoutMs } from "./params.js";
import type { PayoutProvider, ReversalProvider } from "./payouts.js";
import { paystackParams, paystackSecrets } from "./paystack/config.js";
import { PaystackCollections } from "./paystack/paystack.js";
import { vtpassParams, vtpassSecrets } from "./vtpass/config.js";
import { VtpassBills } from "./vtpass/vtpass.js";

type Built = CollectionProvider | BillsProvider | PayoutProvider | DarajaClient | IotecClient;
const cache = new Map<string, Built>();

function memo<T extends Built>(key: string, build: () => T): T {
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
      ...darajaClientConfig(),
      shortcode: mpesaParams.shortcode.value(),
      passkey: mpesaSecrets.passkey.value(),
      transactionType:
        mpesaParams.transactionType.value() === "CustomerBuyGoodsOnline"
          ? ("CustomerBuyGoodsOnline" as const)
          : ("CustomerPayBillOnline" as const),
      partyB: mpesaParams.partyB.value(),
      callbackUrl: mpesaParams.callbackUrl.value(),
      callbackSecret: mpesaSecrets.callbackSecret.value(),
    };
    return memo(`mpesa:${JSON.stringify(config)}`, () => new DarajaCollections(config, darajaClient()));
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
  const config = iotecAccountConfig();
  return memo(`iotec:${JSON.stringify(config)}`, () => new IotecCollections(config, iotecClient()));
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

const darajaClientConfig = () => ({
  baseUrl: mpesaParams.baseUrl.value(),
  consumerKey: mpesaSecrets.consumerKey.value(),
  consumerSecret: mpesaSecrets.consumerSecret.value(),
  timeoutMs: providerTimeoutMs.value(),
});

const iotecAccountConfig = () => ({
  baseUrl: iotecParams.baseUrl.value(),
  tokenUrl: iotecParams.tokenUrl.value(),
  clientId: iotecSecrets.clientId.value(),
  clientSecret: iotecSecrets.clientSecret.value(),
  walletId: iotecParams.walletId.value(),
  callbackSecret: iotecSecrets.callbackSecret.value(),
  timeoutMs: providerTimeoutMs.value(),
});

/**
 * One Daraja client (one OAuth token) per app for collections and payouts: a new token may
 * invalidate the previous one, so the two adapters must not each mint their own.
 */
function darajaClient(): DarajaClient {
  const config = darajaClientConfig();
  return memo(`mpesa-client:${JSON.stringify(config)}`, () => new DarajaClient(config));
}

function iotecClient(): IotecClient {
  const { walletId, callbackSecret, ...config } = iotecAccountConfig();
  return memo(`iotec-client:${JSON.stringify(config)}`, () => new IotecClient(config));
}

function darajaPayouts(): DarajaPayouts {
  const config = {
    ...darajaClientConfig(),
    initiatorName: mpesaPayoutParams.initiatorName.value(),
    securityCredential: mpesaPayoutSecrets.securityCredential.value(),
    b2cShortcode: mpesaPayoutParams.b2cShortcode.value(),
    collectionShortcode: mpesaParams.shortcode.value(),
    resultUrl: mpesaPayoutParams.resultUrl.value(),
    resultSecret: mpesaPayoutSecrets.resultSecret.value(),
  };
  return memo(`mpesa-payouts:${JSON.stringify(config)}`, () => new DarajaPayouts(config, darajaClient()));
}

/** Payouts to mobile wallets: M-Pesa (Kenya) and ioTec (Uganda). */
export function payoutProvider(name: "mpesa" | "iotec"): PayoutProvider {
  if (name === "mpesa") return darajaPayouts();
  const config = iotecAccountConfig();
  return memo(`iotec-payouts:${JSON.stringify(config)}`, () => new IotecDisbursements(config, iotecClient()));
}

/** Reversals of customers' M-Pesa payments (the only provider Malipo reverses through). */
export function reversalProvider(): ReversalProvider {
  return darajaPayouts();
}
