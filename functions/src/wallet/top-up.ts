// A wallet top-up: when a `wallet-topup` payment succeeds, the money the provider collected is
// credited to the payer's wallet in the payment's currency (the provider's clearing account is
// debited), exactly once: the journal entry's id is topup:{paymentId}. Failed, cancelled, expired
// and conflicting top-ups credit nothing; a conflict waits for an operator.
import type { Firestore } from "firebase-admin/firestore";

import { accounts } from "../ledger/accounts.js";
import { postEntry } from "../ledger/journal.js";
import type { StatusChange } from "../payments/settlement.js";

export function topUpEntryId(paymentId: string): string {
  return `topup:${paymentId}`;
}

export async function creditTopUp(db: Firestore, change: StatusChange): Promise<void> {
  const { after: payment, paymentId } = change;
  if (payment.purpose !== "wallet-topup" || payment.status !== "succeeded") return;
  await postEntry(db, {
    id: topUpEntryId(paymentId),
    kind: "topup",
    ...(payment.receipt ? { reference: payment.receipt } : {}),
    postings: [
      { account: accounts.clearing(payment.provider, payment.currency), side: "debit", amount: payment.amount },
      { account: accounts.wallet(payment.uid, payment.currency), side: "credit", amount: payment.amount },
    ],
  });
}
