// Amounts are integer minor units of an ISO 4217 currency; providers that want whole units get
// converted here, and only amounts that convert exactly are accepted.
import { AppError } from "../core/errors.js";
import { CURRENCIES, type Currency } from "./catalog.js";

export { CURRENCIES, type Currency };

export function minorPerMajor(currency: Currency): number {
  return 10 ** CURRENCIES[currency].minorDigits;
}

/** The amount in whole major units; throws when it has a fractional part. */
export function toWholeMajor(amountMinor: number, currency: Currency): number {
  const unit = minorPerMajor(currency);
  if (!Number.isSafeInteger(amountMinor) || amountMinor % unit !== 0) {
    throw new AppError(
      "invalid-argument",
      `amount: ${currency} payments by mobile money must be whole ${currency} (a multiple of ${unit} minor units).`,
    );
  }
  return amountMinor / unit;
}

export function fromWholeMajor(amountMajor: number, currency: Currency): number {
  return Math.round(amountMajor * minorPerMajor(currency));
}

/** "KES 1,250.00", "UGX 5,000": for messages and receipts. */
export function formatMoney(amountMinor: number, currency: Currency): string {
  const digits = CURRENCIES[currency].minorDigits;
  const major = (amountMinor / minorPerMajor(currency)).toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return `${currency} ${major}`;
}
