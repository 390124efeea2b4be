// Payer phone numbers: parsed per country into E.164 with libphonenumber-js.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

import { AppError } from "../core/errors.js";

export type PayerCountry = "KE" | "UG" | "NG";

export interface PayerPhone {
  /** +2547XXXXXXXX */
  readonly e164: string;
  readonly country: PayerCountry;
}

const SUPPORTED: ReadonlySet<string> = new Set<PayerCountry>(["KE", "UG", "NG"]);

/**
 * ioTec's sandbox payer numbers (docs/providers.md: 011177777x, 011177799x, 011177778x, 011177779x)
 * are not real Ugandan numbers, so they only pass when sandbox payers are enabled (emulator runs).
 */
const IOTEC_SANDBOX = /^\+256111777(?:77|99|78|79)\d$/;

export function parsePayerPhone(raw: string, defaultCountry: PayerCountry, allowSandbox: boolean): PayerPhone {
  const compact = raw.replace(/[\s().-]/g, "");
  // "2547...", "2567..." and "2348..." arrive without the plus sign from many clients.
  const withPlus = /^(?:(?:254|256)\d{9}|234\d{10})$/.test(compact) ? `+${compact}` : compact;
  const parsed = parsePhoneNumberFromString(withPlus, defaultCountry);
  if (parsed && allowSandbox && IOTEC_SANDBOX.test(parsed.number)) return { e164: parsed.number, country: "UG" };
  if (!parsed?.isValid()) {
    throw new AppError(
      "invalid-argument",
      "phone: enter a mobile number such as 0712 345 678 (Kenya), 0772 123 456 (Uganda) or 0803 123 4567 (Nigeria), or in international form (+254…, +256…, +234…).",
    );
  }
  const country = parsed.country;
  if (!country || !SUPPORTED.has(country)) {
    throw new AppError(
      "invalid-argument",
      "phone: payments are available for Kenyan (+254), Ugandan (+256) and Nigerian (+234) numbers.",
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
