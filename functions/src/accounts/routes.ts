// Which callables the session checks apply to (session.ts). Kept apart, with no imports, so the
// callable edge can tell whether a call needs them without loading them.

/** The routes that refuse a revoked session: money out, purchases, PIN and account changes. */
export const SESSION_CHECKED: ReadonlySet<string> = new Set([
  "withdraw",
  "payBill",
  "checkout",
  "setPin",
  "changePin",
  "refundPayment",
  "signOutEverywhere",
  "removeDevice",
  "setDeviceTrusted",
  // Second factor (twofactor/): a revoked session can neither enrol, turn it off nor step up.
  "startTwoFactorEnrolment",
  "confirmTwoFactorEnrolment",
  "disableTwoFactor",
  "stepUp",
  // Changing the account's email (email-change.ts).
  "requestEmailChange",
  "confirmEmailChange",
]);

/**
 * The routes that also wait while Auth's email differs from the one Malipo confirmed: money and
 * the account's safeguards. Left out: what a user needs to recover (signing out everywhere,
 * devices, a step-up and the email change itself).
 */
export const CONTACT_CHECKED: ReadonlySet<string> = new Set([
  "withdraw",
  "payBill",
  "checkout",
  "setPin",
  "changePin",
  "refundPayment",
  "startTwoFactorEnrolment",
  "confirmTwoFactorEnrolment",
  "disableTwoFactor",
]);

/** The routes where a new account counts against its address (payments, codes, money, account). */
export const ACCOUNT_COUNTED: ReadonlySet<string> = new Set([
  ...SESSION_CHECKED,
  "createPayment",
  "verifyPaymentCode",
  "resendPaymentCode",
  "verifyBillCustomer",
  "submitEntry",
]);

/** Whether a call to `name` (with or without a device id) needs session.ts at all. */
export function needsSessionCheck(name: string, deviceId: string | undefined): boolean {
  return deviceId !== undefined || ACCOUNT_COUNTED.has(name);
}
