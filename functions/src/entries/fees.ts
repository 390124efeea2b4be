// An entry's fee in the ledger: a competition has no organiser whose account it could be owed to,
// so the fee is Malipo's own revenue. When an entry payment succeeds, one journal entry,
// entry-fee:{paymentId}, debits the provider's clearing account (what the provider now holds for
// Malipo) and credits @revenue:entries:{currency}. Its id is the payment's, so however often the
// settlement is delivered it is booked once; a refund of the entry is paid back from the same
// revenue account (refunds/records.ts).
import type { Firestore } from "firebase-admin/firestore";

import { accounts } from "../ledger/accounts.js";
import { collectedMovement } from "../ledger/collected.js";
import { postEntry, type Movement } from "../ledger/journal.js";
import type { PaymentRecord } from "../payments/records.js";
import type { StatusChange } from "../payments/settlement.js";

/** The revenue account's source for contest entry fees. */
export const ENTRY_REVENUE = "entries";

export function entryFeeEntryId(paymentId: string): string {
  return `entry-fee:${paymentId}`;
}

export function entryFeeMovement(
  paymentId: string,
  payment: Pick<PaymentRecord, "amount" | "currency" | "provider" | "competitionId">,
): Movement {
  return collectedMovement(
    {
      id: entryFeeEntryId(paymentId),
      kind: "entry-fee",
      meta: { paymentId, ...(payment.competitionId ? { competitionId: payment.competitionId } : {}) },
    },
    paymentId,
    payment,
    accounts.revenue(ENTRY_REVENUE, payment.currency),
  );
}

/** The settlement handler: books a succeeded entry payment's fee, once. */
export async function bookEntryFee(db: Firestore, change: StatusChange, now: () => number = Date.now): Promise<void> {
  const { after, paymentId } = change;
  if (after.purpose !== "entry" || after.status !== "succeeded" || after.amount <= 0) return;
  await postEntry(db, entryFeeMovement(paymentId, after), now);
}
