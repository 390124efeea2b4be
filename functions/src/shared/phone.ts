// Payer phone numbers: parsed per country into E.164 with libphonenumber-js.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

import { AppError } from "../core/errors.js";

export type PayerCountry = "KE" | "UG";

export interface PayerPhone {
  /** +2547XXXXXXXX */
  readonly e164: string;
  readonly country: PayerCountry;
}

const SUPPORTED: ReadonlySet<string> = new Set<PayerCountry>(["KE", "UG"]);

/**
 * ioTec's sandbox payer numbers (docs/providers.md: 011177777x, 011177799x, 011177778x, 011177779x)
 * are not real Ugandan numbers, so they only pass when sandbox payers are enabled (emulator runs).
 */
const IOTEC_SANDBOX = /^\+256111777(?:77|99|78|79)\d$/;

export function parsePayerPhone(raw: string, defaultCountry: PayerCountry, allowSandbox: boolean): PayerPhone {
  const compact = raw.replace(/[\s().-]/g, "");
  // "2547..." and "2567..." arrive without the plus sign from many clients.
  const withPlus = /^(254|256)\d{9}$/.test(compact) ? `+${compact}` : compact;
  const parsed = parsePhoneNumberFromString(withPlus, defaultCountry);
  if (parsed && allowSandbox && IOTEC_SANDBOX.test(parsed.number)) return { e164: parsed.number, country: "UG" };
  if (!parsed?.isValid()) {
    throw new AppError(
      "invalid-argument",
      "phone: enter a mobile number such as 0712 345 678 (Kenya) or 0772 123 456 (Uganda), or in international form (+254…, +256…).",
    );
  }
  const country = parsed.country;
  if (!country || !SUPPORTED.has(country)) {
    throw new AppError(
      "invalid-argument",
      "phone: mobile money payments are available for Kenyan (+254) and Ugandan (+256) numbers.",
    );
  }
  const type = parsed.getType();
  if (type !== undefined && type !== "MOBILE" && type !== "FIXED_LINE_OR_MOBILE") {
    throw new AppError(
      "invalid-argument",
      "phone: this is not a mobile number; mobile money needs the payer's mobile number.",
    );
  }
  return { e164: parsed.number, country: country as PayerCountry };
}

/** The number without "+": Daraja's PartyA/PhoneNumber form (2547XXXXXXXX). */
export function internationalDigits(e164: string): string {
  return e164.replace(/^\+/, "");
}

/** Local form with a leading 0 (07XXXXXXXX), which ioTec accepts for `payer`. */
export function localForm(e164: string, countryCallingCode: string): string {
  return `0${e164.slice(countryCallingCode.length + 1)}`;
}
