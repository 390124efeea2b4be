// Pure helpers for the join page: which country a number belongs to, what the payer is told,
// and the amount in minor units. Kept free of the DOM so they are unit-tested.
export type Country = "KE" | "UG";

export const COUNTRIES: Readonly<Record<Country, { currency: "KES" | "UGX"; minorPerMajor: number; hint: string }>> = {
  KE: { currency: "KES", minorPerMajor: 100, hint: "You will get an M-Pesa prompt on this phone." },
  UG: { currency: "UGX", minorPerMajor: 1, hint: "You will get an MTN or Airtel Money prompt on this phone." },
};

/** The country an international number names, if it names one we serve. */
export function countryOfNumber(phone: string): Country | undefined {
  const digits = phone.replace(/[\s().-]/g, "");
  if (/^(\+|00)?254/.test(digits) && digits.replace(/^\+|^00/, "").length >= 12) return "KE";
  if (/^(\+|00)?256/.test(digits) && digits.replace(/^\+|^00/, "").length >= 12) return "UG";
  return undefined;
}

/** Whole units typed by the payer → minor units; undefined when it is not a whole positive number. */
export function toMinorUnits(amount: string, country: Country): number | undefined {
  if (!/^\d{1,9}$/.test(amount.trim())) return undefined;
  const major = Number(amount.trim());
  return major > 0 ? major * COUNTRIES[country].minorPerMajor : undefined;
}

export type PaymentStatus = "pending" | "processing" | "succeeded" | "failed" | "cancelled" | "expired" | "conflict";

export const STATUS_LABELS: Readonly<Record<PaymentStatus, string>> = {
  pending: "starting",
  processing: "waiting for you to approve on your phone",
  succeeded: "succeeded",
  failed: "failed",
  cancelled: "cancelled",
  expired: "expired",
  conflict: "under review",
};

export function isFinal(status: PaymentStatus): boolean {
  return status !== "pending" && status !== "processing";
}
