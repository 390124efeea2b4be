// What the wallet page asks before and after a withdrawal: the numbers money may go to, the
// limits and what is left of today's, the one in flight; and one withdrawal by id.
import type { Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { PAYOUT_ROUTES, TERMINAL_WITHDRAWAL_STATUSES, WITHDRAWALS, type PayoutCurrency } from "./collections.js";
import { localDay } from "./config.js";
import type { PayoutsDeps } from "./deps.js";
import { dayRef, lockRef } from "./outcome.js";
import type { GetWithdrawalInput, GetWithdrawalOptionsInput } from "./schemas.js";
import { withdrawalView, type WithdrawalView } from "./view.js";
import { limitFor, verifiedNumbers } from "./withdraw.js";

export interface WithdrawalOptions {
  readonly currency: PayoutCurrency;
  /** E.164 numbers the user topped up from: the only ones money is sent to. */
  readonly numbers: readonly string[];
  /** Per withdrawal and per local day, in minor units. */
  readonly min: number;
  readonly max: number;
  readonly perDay: number;
  readonly usedToday: number;
  readonly inFlight: WithdrawalView | null;
}

type ReadDeps = Pick<PayoutsDeps, "db" | "now" | "limits" | "provider">;

async function inFlightOf(db: Firestore, uid: string): Promise<WithdrawalView | null> {
  const withdrawalId = (await lockRef(db, uid).get()).data()?.withdrawalId;
  if (!withdrawalId) return null;
  const withdrawal = (await WITHDRAWALS.ref(db).doc(withdrawalId).get()).data();
  if (!withdrawal || TERMINAL_WITHDRAWAL_STATUSES.includes(withdrawal.status)) return null;
  return withdrawalView(withdrawalId, withdrawal);
}

export async function getWithdrawalOptions(
  input: GetWithdrawalOptionsInput,
  caller: Caller,
  deps: ReadDeps,
): Promise<WithdrawalOptions> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "getWithdrawalOptions", caller, now);
  const { currency } = input;
  const limit = limitFor(deps, currency);
  const provider = deps.provider(PAYOUT_ROUTES[currency]);
  const day = localDay(now, currency);
  const [numbers, daySnap, inFlight] = await Promise.all([
    verifiedNumbers(db, caller.uid, currency),
    dayRef(db, { uid: caller.uid, currency, day }).get(),
    inFlightOf(db, caller.uid),
  ]);
  return {
    currency,
    numbers,
    min: Math.max(limit.min, provider.limits.min),
    max: Math.min(limit.max, provider.limits.max),
    perDay: limit.perDay,
    usedToday: daySnap.data()?.total ?? 0,
    inFlight,
  };
}

export async function getWithdrawal(
  input: GetWithdrawalInput,
  caller: Caller,
  deps: Pick<PayoutsDeps, "db" | "now">,
): Promise<WithdrawalView> {
  await enforceRateLimits(deps.db, "getWithdrawal", caller, deps.now());
  const withdrawal = (await WITHDRAWALS.ref(deps.db).doc(input.withdrawalId).get()).data();
  // Someone else's withdrawal is answered exactly like one that does not exist.
  if (withdrawal?.uid !== caller.uid)
    throw new AppError("not-found", "withdrawalId: there is no such withdrawal for you.");
  return withdrawalView(input.withdrawalId, withdrawal);
}
