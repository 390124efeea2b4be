// Pure helpers for the join page: which country a number belongs to, what the payer is told,
// and the amount in minor units. Kept free of the DOM so they are unit-tested. Currencies, statuses
// and their labels come from the one catalog the functions use too.
import {
  CURRENCIES,
  PAYER_HINTS,
  STATUS_LABELS,
  type PaymentStatus,
  type ProviderName,
} from "../../functions/src/shared/catalog.ts";

export { STATUS_LABELS, type PaymentStatus };

export type Country = "KE" | "UG" | "NG";

function country(currency: keyof typeof PAYER_HINTS) {
  return { currency, minorPerMajor: 10 ** CURRENCIES[currency].minorDigits, hint: PAYER_HINTS[currency] };
}

export const COUNTRIES: Readonly<Record<Country, ReturnType<typeof country>>> = {
  KE: country("KES"),
  UG: country("UGX"),
  NG: country("NGN"),
};

/** Countries whose provider takes the payment on its own page, which asks for the payer's email. */
export function paysOnHostedPage(country: Country): boolean {
  return country === "NG";
}

/** The country an international number names, if it names one we serve. */
export function countryOfNumber(phone: string): Country | undefined {
  const digits = phone.replace(/[\s().-]/g, "");
  if (/^(\+|00)?254/.test(digits) && digits.replace(/^\+|^00/, "").length >= 12) return "KE";
  if (/^(\+|00)?256/.test(digits) && digits.replace(/^\+|^00/, "").length >= 12) return "UG";
  if (/^(\+|00)?234/.test(digits) && digits.replace(/^\+|^00/, "").length >= 13) return "NG";
  return undefined;
}

/** Whole units typed by the payer → minor units; undefined when it is not a whole positive number. */
export function toMinorUnits(amount: string, country: Country): number | undefined {
  if (!/^\d{1,9}$/.test(amount.trim())) return undefined;
  const major = Number(amount.trim());
  return major > 0 ? major * COUNTRIES[country].minorPerMajor : undefined;
}

/** What the payer is told a payment is doing; a hosted-page payment waits for the provider, not a phone. */
export function statusLabel(status: PaymentStatus, provider?: ProviderName): string {
  return provider === "paystack" && status === "processing" ? "waiting for Paystack to confirm" : STATUS_LABELS[status];
}

export function isFinal(status: PaymentStatus): boolean {
  return status !== "pending" && status !== "processing";
}
