// Money a provider collected for a payment, booked to whoever it is owed to: the provider's
// clearing account debited (what the provider now holds for Malipo) and the owner's account
// credited, by the amount paid. A shop order's sale (commerce/fulfil.ts) and an entry's fee
// (entries/fees.ts) are each one such movement, keyed by the payment so it is booked once.
import type { PaymentRecord } from "../payments/records.js";
import { accounts, type Account } from "./accounts.js";
import type { Movement } from "./journal.js";

export function collectedMovement(
  entry: { readonly id: string; readonly kind: string; readonly meta: Readonly<Record<string, string | number>> },
  paymentId: string,
  payment: Pick<PaymentRecord, "amount" | "currency" | "provider">,
  owedTo: Account,
): Movement {
  return {
    ...entry,
    // The payment, not the provider's receipt: every attempt must build the identical movement.
    reference: paymentId,
    postings: [
      { account: accounts.clearing(payment.provider, payment.currency), side: "debit", amount: payment.amount },
      { account: owedTo, side: "credit", amount: payment.amount },
    ],
  };
}
