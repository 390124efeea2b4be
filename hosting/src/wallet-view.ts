// Pure helpers for the wallet page: the callables' answers and how a balance or an activity line
// reads. Free of the DOM so they are unit-tested; amounts are formatted with the functions' own
// formatter, so the page and a receipt never disagree on a currency's digits.
import { POINTS, type LedgerCurrency } from "../../functions/src/shared/catalog.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";
import type { ActivityLineView, ActivityPage } from "../../functions/src/wallet/activity.ts";
import type { BalanceView, WalletView } from "../../functions/src/wallet/get-wallet.ts";
import { withdrawalName } from "./withdraw-view";

export type { ActivityLineView, ActivityPage, BalanceView, WalletView };

/** Minor units (whole points for PTS) as a person reads them: "KES 1,250.00", "150 points". */
export function formatAmount(amount: number, currency: LedgerCurrency): string {
  if (currency === POINTS) return `${amount.toLocaleString("en-US")} ${Math.abs(amount) === 1 ? "point" : "points"}`;
  return formatMoney(amount, currency);
}

/** "available KES 50.00 · held KES 50.00" when something is held, "" otherwise. */
export function heldNote(balance: BalanceView, currency: LedgerCurrency): string {
  if (balance.held === 0) return "";
  return `available ${formatAmount(balance.available, currency)} · held ${formatAmount(balance.held, currency)}`;
}

const KIND_LABELS: Readonly<Record<string, string>> = {
  topup: "Top-up",
  purchase: "Purchase",
  transfer: "Transfer",
  reward: "Reward",
  reversal: "Correction",
};

const STAGE_NOTES: Readonly<Record<ActivityLineView["stage"], string>> = {
  post: "",
  hold: " (held)",
  commit: " (completed)",
  void: " (released)",
};

/** What the line was: "Top-up", "Purchase (held)", "Withdrawal to M-Pesa (completed)". */
export function lineTitle(line: Pick<ActivityLineView, "kind" | "stage"> & { readonly currency?: string }): string {
  // A withdrawal is named by where the money went, which its currency says.
  const kind =
    line.kind === "withdrawal"
      ? withdrawalName(line.currency ?? "")
      : (KIND_LABELS[line.kind] ?? line.kind.charAt(0).toUpperCase() + line.kind.slice(1).replaceAll("-", " "));
  return `${kind}${STAGE_NOTES[line.stage]}`;
}

/** Money in is "+", out is "−"; a released hold moved nothing, so it has no sign. */
export function lineAmount(line: Pick<ActivityLineView, "side" | "stage" | "amount" | "currency">): string {
  const amount = formatAmount(line.amount, line.currency);
  if (line.stage === "void") return amount;
  return `${line.side === "credit" ? "+" : "−"}${amount}`;
}

/** When, in the reader's own time zone (tests pass one). */
export function lineTime(line: Pick<ActivityLineView, "at">, timeZone?: string): string {
  return new Date(line.at).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone });
}
