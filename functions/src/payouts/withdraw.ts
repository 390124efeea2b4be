// withdraw: money from a user's wallet to their own mobile-money number. Checked first (the quote,
// the number, the limits, nothing else in flight), then held in the ledger with the PIN
// (withdrawal-{id}: wallet debit of amount + fee, the provider's clearing and the fees credited),
// then recorded as withdrawals/{id} together with the user's in-flight lock and the day's total,
// and only then sent to the provider, outside any transaction. The hold is posted on a success
// result and voided only on a definite failure (outcome.ts); anything else leaves it held for the
// status requests (requery.ts).
import { Timestamp, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { QUOTES, type QuoteRecord } from "../fees/quotes.js";
import { accounts } from "../ledger/accounts.js";
import { paymentsCollection } from "../payments/records.js";
import {
  ProviderDeclinedError,
  ProviderError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from "../providers/errors.js";
import type { PayoutStatus } from "../providers/payouts.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney, minorPerMajor } from "../shared/money.js";
import { parsePayerPhone, type PayerCountry } from "../shared/phone.js";
import { failPurchase, holdPurchase } from "../wallet/purchase.js";
import {
  PAYOUT_ROUTES,
  WITHDRAWAL_EVENTS,
  WITHDRAWALS,
  type PayoutCurrency,
  type WithdrawalDayRecord,
  type WithdrawalLockRecord,
  type WithdrawalRecord,
} from "./collections.js";
import { localDay, type WithdrawalLimit } from "./config.js";
import type { PayoutsDeps } from "./deps.js";
import { applyPayoutStatus, dayRef, lockRef } from "./outcome.js";
import { firstCheckAt, SENDING_GRACE_MS } from "./schedule.js";
import type { WithdrawInput } from "./schemas.js";
import { withdrawalView, type WithdrawalView } from "./view.js";

const COUNTRY: Readonly<Record<PayoutCurrency, PayerCountry>> = { KES: "KE", UGX: "UG" };
const NETWORK: Readonly<Record<PayoutCurrency, string>> = { KES: "M-Pesa", UGX: "MTN or Airtel Money" };

export function withdrawalIdFor(uid: string, idempotencyKey: string): string {
  return sha256Hex(`withdrawal|${uid}|${idempotencyKey}`).slice(0, 32);
}

/** The ledger hold's id and the provider's idempotency key; results name the withdrawal by it. */
export function payoutIdOf(withdrawalId: string): string {
  return `withdrawal-${withdrawalId}`;
}

/** The withdrawal a payout id names, if it names one. */
export function withdrawalIdOf(payoutId: string): string | undefined {
  return /^withdrawal-([a-f0-9]{32})$/.exec(payoutId)?.[1];
}

function isPayoutCurrency(currency: string): currency is PayoutCurrency {
  return Object.hasOwn(PAYOUT_ROUTES, currency);
}

export function limitFor(deps: Pick<PayoutsDeps, "limits">, currency: PayoutCurrency): WithdrawalLimit {
  const limit = deps.limits()[currency];
  if (!limit) throw new AppError("failed-precondition", `Withdrawals in ${currency} are not available yet.`);
  return limit;
}

/** The user's succeeded top-ups: the numbers they came from are proven theirs. */
function topUpsOf(db: Firestore, uid: string) {
  return paymentsCollection(db)
    .where("uid", "==", uid)
    .where("purpose", "==", "wallet-topup")
    .where("status", "==", "succeeded");
}

/** Numbers the user topped up from with a success: the ones money may be sent to. */
export async function verifiedNumbers(db: Firestore, uid: string, currency: PayoutCurrency): Promise<string[]> {
  const found = await topUpsOf(db, uid).where("currency", "==", currency).limit(100).get();
  return [...new Set(found.docs.map((doc) => doc.data().phone))].sort();
}

async function isVerified(db: Firestore, uid: string, phone: string): Promise<boolean> {
  return !(await topUpsOf(db, uid).where("phone", "==", phone).limit(1).get()).empty;
}

function inFlightRefusal(withdrawal: WithdrawalRecord | undefined): AppError {
  const what = withdrawal
    ? `Your withdrawal of ${formatMoney(withdrawal.amount, withdrawal.currency)} to ${withdrawal.phone} is still in progress`
    : "Another withdrawal of yours is in progress";
  return new AppError(
    "failed-precondition",
    `${what}. Wait until it completes (you will see it in your wallet), then withdraw again.`,
  );
}

function dayLimitRefusal(limit: WithdrawalLimit, used: number, currency: PayoutCurrency): AppError {
  const left = Math.max(0, limit.perDay - used);
  return new AppError(
    "failed-precondition",
    left === 0
      ? `quoteId: you have withdrawn your daily limit of ${formatMoney(limit.perDay, currency)} today; try again tomorrow.`
      : `quoteId: you can withdraw ${formatMoney(left, currency)} more today (daily limit ${formatMoney(limit.perDay, currency)}); ask for a quote within it.`,
    { remainingToday: left },
  );
}

interface Checked {
  readonly quote: QuoteRecord;
  readonly currency: PayoutCurrency;
  readonly phone: string;
  readonly limit: WithdrawalLimit;
}

/** Everything withdraw refuses before any write. */
async function check(input: WithdrawInput, uid: string, deps: PayoutsDeps, now: number): Promise<Checked> {
  const { db } = deps;
  const quote = (await QUOTES.ref(db).doc(input.quoteId).get()).data();
  if (quote?.uid !== uid) throw new AppError("not-found", "quoteId: there is no such quote for you.");
  if (quote.service !== "withdrawal") {
    throw new AppError(
      "failed-precondition",
      "quoteId: this quote is not for a withdrawal; ask for a withdrawal quote.",
    );
  }
  if (quote.expiresAt.toMillis() <= now) {
    throw new AppError("failed-precondition", "quoteId: this quote has expired; ask for a new quote.");
  }
  const { currency } = quote;
  if (!isPayoutCurrency(currency)) {
    throw new AppError(
      "failed-precondition",
      `quoteId: withdrawals are paid in KES (M-Pesa) and UGX (MTN or Airtel Money), not ${currency}.`,
    );
  }
  const limit = limitFor(deps, currency);
  const provider = deps.provider(PAYOUT_ROUTES[currency]);
  const min = Math.max(limit.min, provider.limits.min);
  const max = Math.min(limit.max, provider.limits.max);
  if (quote.amount < min || quote.amount > max) {
    throw new AppError(
      "failed-precondition",
      `quoteId: a withdrawal must be between ${formatMoney(min, currency)} and ${formatMoney(max, currency)}; ask for a new quote.`,
    );
  }
  if (quote.amount % minorPerMajor(currency) !== 0) {
    throw new AppError(
      "failed-precondition",
      `quoteId: ${NETWORK[currency]} pays out whole ${currency} only; ask for a quote in whole ${currency}.`,
    );
  }
  const phone = parsePayerPhone(input.phone, COUNTRY[currency], deps.allowSandboxPayers);
  if (phone.country !== COUNTRY[currency]) {
    throw new AppError("invalid-argument", `phone: ${currency} withdrawals go to a number from the same country.`);
  }
  if (!(await isVerified(db, uid, phone.e164))) {
    throw new AppError(
      "failed-precondition",
      `phone: money is only sent to a number you have topped up from. Top up once from ${phone.e164}, then withdraw to it.`,
    );
  }
  return { quote, currency, phone: phone.e164, limit };
}

function requestHashOf(input: WithdrawInput): string {
  return sha256Hex(`${input.quoteId}|${input.phone.replace(/[\s().-]/g, "")}`);
}

function existing(
  withdrawalId: string,
  withdrawal: WithdrawalRecord,
  uid: string,
  requestHash: string,
): WithdrawalView {
  if (withdrawal.uid !== uid || withdrawal.requestHash !== requestHash) {
    throw new AppError(
      "already-exists",
      "idempotencyKey: this key was already used for a different withdrawal. Use a new key for a new withdrawal.",
    );
  }
  return withdrawalView(withdrawalId, withdrawal);
}

type Decision =
  | { readonly kind: "existing"; readonly withdrawal: WithdrawalRecord }
  | { readonly kind: "in-flight"; readonly other: string }
  | { readonly kind: "day-limit"; readonly used: number }
  | { readonly kind: "created" };

export async function withdraw(input: WithdrawInput, caller: Caller, deps: PayoutsDeps): Promise<WithdrawalView> {
  const { db } = deps;
  const now = deps.now();
  const withdrawalId = withdrawalIdFor(caller.uid, input.idempotencyKey);
  const ref = WITHDRAWALS.ref(db).doc(withdrawalId);
  const requestHash = requestHashOf(input);
  const found = (await ref.get()).data();
  if (found) return existing(withdrawalId, found, caller.uid, requestHash);

  await enforceRateLimits(db, "withdraw", caller, now, { attemptKey: withdrawalId });
  const checked = await check(input, caller.uid, deps, now);
  const lock = lockRef(db, caller.uid);
  const open = (await lock.get()).data();
  if (open && open.withdrawalId !== withdrawalId) {
    throw inFlightRefusal((await WITHDRAWALS.ref(db).doc(open.withdrawalId).get()).data());
  }
  const day = localDay(now, checked.currency);
  const today = dayRef(db, { uid: caller.uid, currency: checked.currency, day });
  const used = (await today.get()).data()?.total ?? 0;
  if (used + checked.quote.amount > checked.limit.perDay) throw dayLimitRefusal(checked.limit, used, checked.currency);

  const provider = PAYOUT_ROUTES[checked.currency];
  const payoutId = payoutIdOf(withdrawalId);
  // The PIN, the quote's claim and the balance are checked here; a refusal writes nothing.
  const hold = await holdPurchase(
    {
      uid: caller.uid,
      quoteId: input.quoteId,
      idempotencyKey: `withdrawal:${input.idempotencyKey}`,
      pin: input.pin,
      payee: accounts.clearing(provider, checked.currency),
      entry: { id: payoutId, kind: "withdrawal" },
    },
    deps,
  );
  if (hold.status !== "pending") {
    // A concurrent call with this key recorded its withdrawal and settled it meanwhile: answer with it.
    const settled = (await ref.get()).data();
    if (settled) return existing(withdrawalId, settled, caller.uid, requestHash);
    // Else this key's hold was released when an earlier try with it was refused, or stopped before
    // recording its withdrawal.
    throw new AppError(
      "failed-precondition",
      "idempotencyKey: a withdrawal with this key was refused and its money released. Ask for a new quote and use a new key.",
    );
  }
  const at = Timestamp.fromMillis(deps.now());
  const withdrawal: WithdrawalRecord = {
    uid: caller.uid,
    provider,
    currency: checked.currency,
    phone: checked.phone,
    amount: checked.quote.amount,
    fee: checked.quote.fee,
    total: checked.quote.total,
    quoteId: input.quoteId,
    payoutId,
    requestHash,
    day,
    status: "sending",
    providerReference: null,
    receipt: null,
    failureCode: null,
    customerMessage: `Sending ${formatMoney(checked.quote.amount, checked.currency)} to ${checked.phone}…`,
    checks: 0,
    // Until the provider accepts it: if this call dies before it is sent, the job sends it.
    nextCheckAt: Timestamp.fromMillis(at.toMillis() + SENDING_GRACE_MS),
    alertedAt: null,
    createdAt: at,
    updatedAt: at,
    settledAt: null,
  };
  // Optimistic: of any number of concurrent calls exactly one records a withdrawal for this user
  // at a time (the lock), within the day's limit (the day's total), once per key.
  const decision = await commitOptimistically<Decision>(async () => {
    const [snapshot, lockSnap, daySnap] = (await db.getAll(ref, lock, today)) as [
      DocumentSnapshot<WithdrawalRecord>,
      DocumentSnapshot<WithdrawalLockRecord>,
      DocumentSnapshot<WithdrawalDayRecord>,
    ];
    const version = versionOf([snapshot, lockSnap, daySnap]);
    const before = snapshot.data();
    if (before) return { version, commit: () => Promise.resolve({ kind: "existing", withdrawal: before }) };
    const other = lockSnap.data()?.withdrawalId;
    if (other !== undefined && other !== withdrawalId) {
      return { version, commit: () => Promise.resolve({ kind: "in-flight", other }) };
    }
    const total = daySnap.data()?.total ?? 0;
    if (total + withdrawal.amount > checked.limit.perDay) {
      return { version, commit: () => Promise.resolve({ kind: "day-limit", used: total }) };
    }
    const ids = daySnap.data()?.withdrawals ?? [];
    const batch = db.batch();
    batch.create(ref, withdrawal);
    if (lockSnap.updateTime) batch.update(lock, { withdrawalId, since: at }, { lastUpdateTime: lockSnap.updateTime });
    else batch.create(lock, { withdrawalId, since: at });
    const dayTotal = {
      uid: caller.uid,
      currency: checked.currency,
      day,
      total: total + withdrawal.amount,
      withdrawals: [...ids, withdrawalId],
    };
    if (daySnap.updateTime) batch.update(today, dayTotal, { lastUpdateTime: daySnap.updateTime });
    else batch.create(today, dayTotal);
    batch.create(WITHDRAWAL_EVENTS.under(ref).doc("created"), {
      at,
      from: null,
      to: "sending",
      source: "withdraw",
      eventKey: null,
      detail: `${payoutId}: ${withdrawal.amount} ${withdrawal.currency} to ${withdrawal.phone} by ${provider}, ip ${caller.ip}`,
    });
    return { version, commit: async () => (await batch.commit(), { kind: "created" }) };
  }, "A withdrawal is being recorded right now. Please wait a few seconds and check your wallet.");
  if (decision.kind === "existing") return existing(withdrawalId, decision.withdrawal, caller.uid, requestHash);
  if (decision.kind !== "created") {
    // Another withdrawal got in between our checks and our hold: ours is released in full.
    await failPurchase(db, payoutId, deps.now);
    if (decision.kind === "day-limit") throw dayLimitRefusal(checked.limit, decision.used, checked.currency);
    throw inFlightRefusal((await WITHDRAWALS.ref(db).doc(decision.other).get()).data());
  }
  return withdrawalView(withdrawalId, await sendPayout(deps, withdrawalId, withdrawal));
}

/** What a request the provider refused before taking it means for the customer. */
function refusedStatus(withdrawal: WithdrawalRecord, error: ProviderError): PayoutStatus {
  return {
    outcome: "failed",
    providerReference: withdrawal.payoutId,
    failureCode: `${withdrawal.provider}:refused`,
    customerMessage: error.customerMessage || `${NETWORK[withdrawal.currency]} did not take this withdrawal.`,
    operatorMessage: error.message,
  };
}

/** Sends the payout under its stored id (a repeat is refused by the provider) and records the reply. */
export async function sendPayout(
  deps: Pick<PayoutsDeps, "db" | "provider" | "now" | "floatLow">,
  withdrawalId: string,
  withdrawal: WithdrawalRecord,
): Promise<WithdrawalRecord> {
  const provider = deps.provider(withdrawal.provider);
  try {
    const accepted = await provider.send({
      payoutId: withdrawal.payoutId,
      amount: withdrawal.amount,
      currency: withdrawal.currency,
      phone: withdrawal.phone,
      remarks: "Malipo wallet withdrawal",
    });
    return await recordAccepted(deps, withdrawalId, accepted.providerReference, accepted.customerMessage);
  } catch (error) {
    // Refused before it was taken (declined, turned away, never reached): nothing was paid. Any
    // other failure (a timeout, a reply we cannot read) may hide a payout taken: not released.
    const untouched =
      error instanceof ProviderDeclinedError ||
      error instanceof ProviderRateLimitedError ||
      (error instanceof ProviderUnavailableError && error.notProcessed);
    logger.warn("payout request failed", { withdrawalId, untouched, error: String(error) });
    if (untouched && error instanceof ProviderError) {
      return applyPayoutStatus(deps, withdrawalId, refusedStatus(withdrawal, error), "send", null);
    }
    // No answer: it may have been taken. The status requests find out; nothing is released.
    const current = (await WITHDRAWALS.ref(deps.db).doc(withdrawalId).get()).data();
    return current ?? withdrawal;
  }
}

/** The provider took the request: the withdrawal waits for its result. */
async function recordAccepted(
  deps: Pick<PayoutsDeps, "db" | "now">,
  withdrawalId: string,
  providerReference: string,
  customerMessage: string,
): Promise<WithdrawalRecord> {
  const ref = WITHDRAWALS.ref(deps.db).doc(withdrawalId);
  return commitOptimistically(async () => {
    const snapshot = await ref.get();
    const withdrawal = snapshot.data();
    const version = versionOf([snapshot]);
    if (!withdrawal || !snapshot.updateTime) throw new Error(`withdrawal ${withdrawalId} does not exist`);
    // A result may have come first: it stands.
    if (withdrawal.status !== "sending") return { version, commit: () => Promise.resolve(withdrawal) };
    const at = Timestamp.fromMillis(deps.now());
    const update: Partial<WithdrawalRecord> = {
      status: "pending",
      providerReference,
      customerMessage,
      nextCheckAt: Timestamp.fromMillis(
        Math.max(at.toMillis(), firstCheckAt(withdrawal.provider, withdrawal.createdAt.toMillis())),
      ),
      updatedAt: at,
    };
    const batch = deps.db.batch();
    batch.update(ref, update, { lastUpdateTime: snapshot.updateTime });
    batch.set(WITHDRAWAL_EVENTS.under(ref).doc("accepted"), {
      at,
      from: "sending",
      to: "pending",
      source: "send",
      eventKey: null,
      detail: `accepted by the provider as ${providerReference}`,
    });
    return { version, commit: async () => (await batch.commit(), { ...withdrawal, ...update }) };
  }, "This withdrawal is being updated right now.");
}
