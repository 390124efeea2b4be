// What a withdrawal's owner is shown: the callables and the page read the same.
import type { WithdrawalRecord } from "./collections.js";

export interface WithdrawalView {
  readonly withdrawalId: string;
  readonly status: WithdrawalRecord["status"];
  readonly currency: WithdrawalRecord["currency"];
  readonly amount: number;
  readonly fee: number;
  readonly total: number;
  readonly phone: string;
  readonly customerMessage: string;
  /** The provider's receipt (M-Pesa TransactionID), once paid. */
  readonly receipt: string | null;
  readonly createdAt: string;
  readonly settledAt: string | null;
}

export function withdrawalView(withdrawalId: string, withdrawal: WithdrawalRecord): WithdrawalView {
  return {
    withdrawalId,
    status: withdrawal.status,
    currency: withdrawal.currency,
    amount: withdrawal.amount,
    fee: withdrawal.fee,
    total: withdrawal.total,
    phone: withdrawal.phone,
    customerMessage: withdrawal.customerMessage,
    receipt: withdrawal.receipt,
    createdAt: withdrawal.createdAt.toDate().toISOString(),
    settledAt: withdrawal.settledAt?.toDate().toISOString() ?? null,
  };
}
