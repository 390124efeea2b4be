// The one list of what Malipo knows by name: currencies, payment statuses, purposes, providers
// and the labels customers see for them. Functions and the hosting pages both import this file,
// so it depends on nothing (no Node, no Firebase).

export const CURRENCIES = {
  KES: { minorDigits: 2, country: "KE", countryName: "Kenya" },
  UGX: { minorDigits: 0, country: "UG", countryName: "Uganda" },
  NGN: { minorDigits: 2, country: "NG", countryName: "Nigeria" },
  MWK: { minorDigits: 2, country: "MW", countryName: "Malawi" },
} as const;
export type Currency = keyof typeof CURRENCIES;
export const CURRENCY_CODES = Object.keys(CURRENCIES) as [Currency, ...Currency[]];

/** Reward points: a ledger currency of its own, whole points only. */
export const POINTS = "PTS";
export type LedgerCurrency = Currency | typeof POINTS;
export const LEDGER_CURRENCIES = [...CURRENCY_CODES, POINTS] as const;

/** The currencies mobile-money collections take today, by the provider that serves them. */
export const COLLECTION_CURRENCIES = ["KES", "UGX", "NGN"] as const satisfies readonly Currency[];

export const PAYMENT_STATUSES = [
  "pending",
  "processing",
  "succeeded",
  "failed",
  "cancelled",
  "expired",
  "conflict",
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What a payer is told a payment is doing. */
export const STATUS_LABELS: Readonly<Record<PaymentStatus, string>> = {
  pending: "starting",
  processing: "waiting for you to approve on your phone",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  expired: "expired",
  conflict: "under review",
};

/** till-sale: mobile money taken at a point-of-sale till (pos/, docs/pos.md); the sale records it. */
export const PURPOSES = ["order", "wallet-topup", "entry", "till-sale"] as const;
export type Purpose = (typeof PURPOSES)[number];

export const PROVIDERS = ["mpesa", "iotec", "paystack"] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** How receipts and pages name each provider to the payer. */
export const PROVIDER_LABELS: Readonly<Record<ProviderName, string>> = {
  mpesa: "M-Pesa",
  iotec: "MTN/Airtel mobile money",
  paystack: "Paystack (card, bank transfer, USSD)",
};

/** What the payer is told happens next, by the currency they pay in. */
export const PAYER_HINTS: Readonly<Record<(typeof COLLECTION_CURRENCIES)[number], string>> = {
  KES: "You will get an M-Pesa prompt on this phone.",
  UGX: "You will get an MTN or Airtel Money prompt on this phone.",
  NGN: "You will pay on Paystack's secure page.",
};

/** What customers buy through Malipo: each is priced by its own fee rules (fees/rules.ts). */
export const SERVICES = ["airtime", "data", "electricity", "tv", "education", "internet", "insurance"] as const;
export type Service = (typeof SERVICES)[number];

/**
 * Everything a quote prices: what customers buy, and a withdrawal from the wallet to mobile money
 * (payouts/), which has its own fee rules and earns no points.
 */
export const PRICED_SERVICES = [...SERVICES, "withdrawal"] as const;
export type PricedService = (typeof PRICED_SERVICES)[number];

/** How pages, quotes and receipts name each service to the customer. */
export const SERVICE_LABELS: Readonly<Record<PricedService, string>> = {
  airtime: "Airtime",
  data: "Mobile data bundle",
  electricity: "Electricity tokens",
  tv: "TV subscription",
  education: "Exam and education PINs",
  internet: "Internet subscription",
  insurance: "Insurance",
  withdrawal: "Withdrawal to mobile money",
};
