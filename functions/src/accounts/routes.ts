// Which callables the session checks apply to (session.ts). Kept apart, with no imports, so the
// callable edge can tell whether a call needs them without loading them.

/**
 * The routes that also wait while Auth's email differs from the one Malipo confirmed
 * (email-change.ts): money out, purchases, the PIN and the second factor. Left out: what a user
 * needs to recover (signing out everywhere, devices, a step-up and the email change itself).
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

/**
 * The routes that refuse a revoked session: all of those, and the account's own (a revoked
 * session can neither step up, sign out others, change devices nor change the email).
 */
export const SESSION_CHECKED: ReadonlySet<string> = new Set([
  ...CONTACT_CHECKED,
  "stepUp",
  "signOutEverywhere",
  "removeDevice",
  "setDeviceTrusted",
  "requestEmailChange",
  "confirmEmailChange",
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
