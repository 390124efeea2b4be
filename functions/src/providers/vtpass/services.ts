// How Malipo's services map onto VTpass's categories ("identifiers") and service ids, and what
// each service needs verified before paying.
import type { Service } from "../../shared/catalog.js";
import type { VerificationKind } from "../bills.js";

/** VTpass lists internet providers among its data services, so both read "data". */
export const IDENTIFIERS: Readonly<Record<Service, string>> = {
  airtime: "airtime",
  data: "data",
  electricity: "electricity-bill",
  tv: "tv-subscription",
  education: "education",
  internet: "data",
  insurance: "insurance",
};

export const INTERNET_SERVICES: ReadonlySet<string> = new Set(["smile-direct", "spectranet"]);
/** Airtime has no plans: the customer chooses the amount. */
export const AIRTIME_SERVICES: ReadonlySet<string> = new Set(["mtn", "airtel", "glo", "etisalat"]);
const SMARTCARD_SERVICES: ReadonlySet<string> = new Set(["dstv", "gotv", "startimes"]);
/** Paid against an account the biller knows (Smile account, JAMB profile): verified first. */
const ACCOUNT_SERVICES: ReadonlySet<string> = new Set(["smile-direct", "jamb"]);

export const isElectricity = (serviceId: string): boolean => serviceId.endsWith("-electric");
/** VTpass credits airtime to `phone`; every other service names the customer in `billersCode`. */
export const isAirtime = (serviceId: string): boolean => AIRTIME_SERVICES.has(serviceId);

export function verificationOf(serviceId: string): VerificationKind | null {
  if (isElectricity(serviceId)) return "meter";
  if (SMARTCARD_SERVICES.has(serviceId)) return "smartcard";
  if (ACCOUNT_SERVICES.has(serviceId)) return "account";
  return null;
}

export function inCategory(category: Service, serviceId: string): boolean {
  if (category === "internet") return INTERNET_SERVICES.has(serviceId);
  if (category === "data") return !INTERNET_SERVICES.has(serviceId);
  return true;
}

const NAMES: Readonly<Record<string, string>> = {
  dstv: "DStv",
  gotv: "GOtv",
  startimes: "StarTimes",
  mtn: "MTN",
  etisalat: "9mobile",
  glo: "Glo",
  "smile-direct": "Smile",
  waec: "WAEC",
  jamb: "JAMB",
};

/** The biller as customers know it, for messages ("Ikeja Electric", "DStv"). */
export function billerName(serviceId: string): string {
  return (
    NAMES[serviceId] ??
    serviceId
      .split("-")
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(" ")
  );
}
