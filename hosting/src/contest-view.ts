// Pure helpers for the join page's contest steps: which competitions are open, what an entry
// costs in the payer's currency, and which step a payment is at. Kept free of the DOM and of
// Firestore so they are unit-tested.
import { formatMoney } from "../../functions/src/shared/money.ts";
import type { PaymentStatus } from "./checkout";

export interface CompetitionView {
  readonly id: string;
  readonly name: string;
  /** Minor units per currency, as the server charges them. */
  readonly entryFee: Readonly<Record<string, number>>;
  readonly categories: readonly string[];
  readonly opensAtMs: number;
  readonly closesAtMs: number;
}

export function isOpenAt(competition: CompetitionView, now: number): boolean {
  return competition.opensAtMs <= now && now < competition.closesAtMs;
}

/** The fee in `currency`, or undefined when the competition takes no entries in it. */
export function entryFee(competition: CompetitionView, currency: string): number | undefined {
  return competition.entryFee[currency];
}

/** What the page says about the fee: the amount, or which currencies the competition takes. */
export function feeText(competition: CompetitionView, currency: string): string {
  const fee = entryFee(competition, currency);
  if (fee !== undefined) return `Entry fee: ${formatMoney(fee, currency as Parameters<typeof formatMoney>[1])}`;
  const taken = Object.keys(competition.entryFee).join(" or ");
  return `${competition.name} takes entries paid in ${taken} only.`;
}

export type EntryStep = "paying" | "code" | "entry" | "done" | "not-paid";

/** Where an entry payment is: the payment's status, whether the code is confirmed, the entry sent. */
export function entryStep(payment: { status: PaymentStatus; verified: boolean }, submitted: boolean): EntryStep {
  if (submitted) return "done";
  if (payment.status === "pending" || payment.status === "processing") return "paying";
  if (payment.status !== "succeeded") return "not-paid";
  return payment.verified ? "entry" : "code";
}

/** The payment id a link names (?payment=<id>): the email's link and a reloaded page resume it. */
export function paymentOfUrl(href: string): string | undefined {
  const id = new URL(href).searchParams.get("payment") ?? "";
  return /^[A-Za-z0-9]{10,40}$/.test(id) ? id : undefined;
}
