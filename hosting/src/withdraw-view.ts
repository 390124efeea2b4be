// Pure helpers for the wallet page's withdraw form: what getWithdrawalOptions, quote and withdraw
// answer, the amount typed, the limits, and how a withdrawal reads while it travels. Free of the
// DOM so they are unit-tested. The functions decide every limit and outcome: the page checks only
// what getWithdrawalOptions told it, to say so before asking for a quote, and shows the
// functions' sentences for everything else.
import { toMinorUnits, type Country } from "./checkout";
import type { PayoutCurrency, WithdrawalStatus } from "../../functions/src/payouts/collections.ts";
import type { WithdrawalOptions } from "../../functions/src/payouts/read.ts";
import type { WithdrawalView } from "../../functions/src/payouts/view.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";

/** The currencies a wallet pays out in, and where the money goes. */
export const WITHDRAWAL_CURRENCIES = {
  KES: { country: "KE", destination: "M-Pesa" },
  UGX: { country: "UG", destination: "MTN or Airtel Money" },
} as const satisfies Record<PayoutCurrency, { country: Country; destination: string }>;
export type WithdrawalCurrency = PayoutCurrency;

export function isWithdrawalCurrency(currency: string): currency is WithdrawalCurrency {
  return Object.hasOwn(WITHDRAWAL_CURRENCIES, currency);
}

export type { WithdrawalOptions, WithdrawalStatus, WithdrawalView };

export interface WithdrawalQuote {
  readonly quoteId: string;
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
  readonly points: number;
  readonly expiresAt: string;
}

export const WITHDRAWAL_STATUS_LABELS: Readonly<Record<WithdrawalStatus, string>> = {
  sending: "sending",
  pending: "on its way",
  succeeded: "sent",
  failed: "failed",
  conflict: "under review",
};

/**
 * Succeeded or failed: a terminal state never changes, so the page stops following it. A conflict
 * (the provider's result does not match what was asked) waits for an operator, who may settle it
 * either way: the page keeps following it, and the hold stays, like the one-at-a-time lock.
 */
export function isFinalWithdrawal(status: WithdrawalStatus): boolean {
  return status === "succeeded" || status === "failed";
}

/** "Withdrawal to M-Pesa": what the page and the activity list call it, by currency. */
export function withdrawalName(currency: string): string {
  return isWithdrawalCurrency(currency)
    ? `Withdrawal to ${WITHDRAWAL_CURRENCIES[currency].destination}`
    : "Withdrawal to mobile money";
}

/** Money left to withdraw today; never negative. */
export function leftToday(options: Pick<WithdrawalOptions, "perDay" | "usedToday">): number {
  return Math.max(0, options.perDay - options.usedToday);
}

/** "KES 50.00 to KES 150,000.00 at a time, up to KES 300,000.00 a day." */
export function limitsLine(options: Pick<WithdrawalOptions, "currency" | "min" | "max" | "perDay">): string {
  const money = (minor: number) => formatMoney(minor, options.currency);
  return `${money(options.min)} to ${money(options.max)} at a time, up to ${money(options.perDay)} a day.`;
}

/** "Used today: KES 500.00 (KES 299,500.00 left)." */
export function usedTodayLine(options: Pick<WithdrawalOptions, "currency" | "perDay" | "usedToday">): string {
  const money = (minor: number) => formatMoney(minor, options.currency);
  return `Used today: ${money(options.usedToday)} (${money(leftToday(options))} left).`;
}

/**
 * The amount typed in whole units (mobile money pays out whole shillings) as minor units, or the
 * sentence saying what to change: the same parsing as the top-up form, then the limits the
 * functions gave the page.
 */
export function withdrawalAmount(
  text: string,
  options: Pick<WithdrawalOptions, "currency" | "min" | "max" | "perDay" | "usedToday">,
): number | string {
  const { currency } = options;
  const minor = toMinorUnits(text, WITHDRAWAL_CURRENCIES[currency].country);
  if (minor === undefined) return "Enter the amount as a whole number, for example 500.";
  if (minor < options.min) return `The smallest withdrawal is ${formatMoney(options.min, currency)}.`;
  if (minor > options.max) return `The largest withdrawal is ${formatMoney(options.max, currency)} at a time.`;
  const left = leftToday(options);
  if (minor > left) {
    return left === 0
      ? `You have withdrawn today's limit of ${formatMoney(options.perDay, currency)}. Try again tomorrow.`
      : `You can withdraw ${formatMoney(left, currency)} more today.`;
  }
  return minor;
}

/** "You receive KES 500.00 · fee KES 30.00 · KES 530.00 from your wallet" */
export function withdrawalQuoteLine(
  quote: Pick<WithdrawalQuote, "amount" | "fee" | "total">,
  currency: WithdrawalCurrency,
): string {
  const money = (minor: number) => formatMoney(minor, currency);
  return `You receive ${money(quote.amount)} · fee ${money(quote.fee)} · ${money(quote.total)} from your wallet`;
}

/** A quote the page may still send: withdraw refuses an expired one, so keep a margin for the trip. */
export function withdrawalQuoteUsable(
  quote: Pick<WithdrawalQuote, "expiresAt">,
  now: number,
  marginMs = 15_000,
): boolean {
  return Date.parse(quote.expiresAt) - marginMs > now;
}

/** "KES 500.00 to +254712340000 · fee KES 30.00" */
export function withdrawalSummary(withdrawal: Pick<WithdrawalView, "currency" | "amount" | "fee" | "phone">): string {
  const money = (minor: number) => formatMoney(minor, withdrawal.currency);
  return `${money(withdrawal.amount)} to ${withdrawal.phone} · fee ${money(withdrawal.fee)}`;
}

/** "M-Pesa receipt QK1234ABCD", or "" until the provider has given one. */
export function receiptLine(withdrawal: Pick<WithdrawalView, "currency" | "receipt">): string {
  if (!withdrawal.receipt) return "";
  return `${WITHDRAWAL_CURRENCIES[withdrawal.currency].destination} receipt ${withdrawal.receipt}`;
}
