// The daily report's sorting, as a pure function of the day's records (no Firestore, no clock but
// the `nowMs` it is given): every local payment and provider record of the day lands in exactly
// one place, matched or one exception kind. Money rules 20 and 21 (docs/money-rules.md): a
// provider success is matched to at most one payment and a payment to at most one provider
// transaction, and the same records always give the same lines in the same order.
import { RECONCILIATION_KINDS, type ReconciliationKind } from "../../shared/analytics.js";
import type { ReconciliationLine } from "./collections.js";

/** Open collections (STK pushes and the like) are exceptions after 15 minutes. */
export const PAYMENT_PENDING_LIMIT_MS = 15 * 60_000;
/** Bills and withdrawals may take longer at the biller or the network: a day. */
export const TRANSFER_PENDING_LIMIT_MS = 24 * 60 * 60_000;

export interface LocalPayment {
  readonly id: string;
  readonly provider: string;
  readonly providerReference: string | null;
  readonly status: string;
  readonly amount: number;
  readonly currency: string;
  readonly phone: string;
  readonly createdAtMs: number;
}

/** One thing a provider told us: a callback as received, or the answer to a re-query. */
export interface ProviderRecord {
  /** providerEvents/{id}, or payments/{id}/events/{id}: orders ties, never shown. */
  readonly recordId: string;
  readonly provider: string;
  readonly providerReference: string;
  readonly outcome: string;
  readonly amount: number | null;
  readonly currency: string | null;
  readonly phone: string | null;
  /** The payment the record names (it was applied to, or asked about); null when unmatched. */
  readonly paymentId: string | null;
  readonly receivedAtMs: number;
}

/** A bill or a withdrawal: only whether it is open too long, or (withdrawals) in conflict. */
export interface LocalTransfer {
  readonly subject: "bill" | "withdrawal";
  readonly id: string;
  readonly provider: string;
  readonly providerReference: string | null;
  readonly status: string;
  readonly open: boolean;
  readonly conflict: boolean;
  readonly amount: number;
  readonly currency: string;
  readonly createdAtMs: number;
}

export interface SortInput {
  readonly payments: readonly LocalPayment[];
  readonly records: readonly ProviderRecord[];
  readonly transfers: readonly LocalTransfer[];
  readonly nowMs: number;
}

export interface MatchedPair {
  readonly paymentId: string;
  readonly provider: string;
  readonly providerReference: string;
  readonly amount: number;
  readonly currency: string;
}

export interface SortResult {
  readonly counts: Record<ReconciliationKind, number>;
  readonly unexceptional: { closed: number; inFlight: number };
  readonly matched: readonly MatchedPair[];
  readonly matchedTotals: readonly { currency: string; count: number; amount: number }[];
  /** Every exception line, in report order. */
  readonly exceptions: readonly ReconciliationLine[];
}

/** One provider transaction: every record about one (provider, reference). */
interface ProviderTransaction {
  readonly key: string;
  readonly provider: string;
  readonly providerReference: string;
  readonly records: readonly ProviderRecord[];
  /** The first success record (by time, then id), the one whose amounts count. */
  readonly success: ProviderRecord | undefined;
  readonly successes: readonly ProviderRecord[];
  readonly bestOutcome: string;
  readonly firstReceivedAtMs: number;
}

const OPEN_PAYMENT = new Set(["pending", "processing"]);
const OUTCOME_RANK = ["succeeded", "failed", "cancelled", "expired", "pending"];

function keyOf(provider: string, reference: string): string {
  return `${provider}\u0000${reference}`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byTimeThenId(a: ProviderRecord, b: ProviderRecord): number {
  return a.receivedAtMs - b.receivedAtMs || compareStrings(a.recordId, b.recordId);
}

function rank(outcome: string): number {
  const index = OUTCOME_RANK.indexOf(outcome);
  return index === -1 ? OUTCOME_RANK.length : index;
}

function groupTransactions(records: readonly ProviderRecord[]): ProviderTransaction[] {
  const groups = new Map<string, ProviderRecord[]>();
  for (const record of records) {
    // A record without a reference cannot be one transaction with anything else.
    const key = record.providerReference
      ? keyOf(record.provider, record.providerReference)
      : `${record.provider}\u0000\u0000${record.recordId}`;
    const list = groups.get(key) ?? [];
    list.push(record);
    groups.set(key, list);
  }
  return [...groups.entries()]
    .map(([key, list]) => {
      const sorted = [...list].sort(byTimeThenId);
      const successes = sorted.filter((record) => record.outcome === "succeeded");
      const first = sorted[0];
      if (!first) throw new Error("empty provider transaction");
      const bestOutcome = [...sorted].sort((a, b) => rank(a.outcome) - rank(b.outcome))[0]?.outcome ?? first.outcome;
      return {
        key,
        provider: first.provider,
        providerReference: first.providerReference,
        records: sorted,
        success: successes[0],
        successes,
        bestOutcome,
        firstReceivedAtMs: first.receivedAtMs,
      };
    })
    .sort((a, b) => compareStrings(a.key, b.key));
}

/** What the provider reports that differs from the payment (only fields it reports). */
function differences(payment: LocalPayment, records: readonly ProviderRecord[]): string[] {
  const found = new Set<string>();
  for (const record of records) {
    if (record.amount !== null && record.amount !== payment.amount) found.add("amount");
    if (record.currency !== null && record.currency !== payment.currency) found.add("currency");
    if (record.phone !== null && record.phone !== payment.phone) found.add("phone");
  }
  return ["amount", "currency", "phone"].filter((field) => found.has(field));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function minutes(ms: number): string {
  const total = Math.floor(ms / 60_000);
  return total >= 120 ? `${Math.floor(total / 60)} hours` : `${total} minutes`;
}

/**
 * Pairs payments with provider transactions, one to one: first by the reference stored on the
 * payment (authoritative: it is what the provider answered our request with), then, for a
 * payment that never learnt its reference, the first transaction whose records name it. A
 * transaction that names a payment already paired stays unpaired: money rule 20.
 */
function pair(payments: readonly LocalPayment[], transactions: readonly ProviderTransaction[]) {
  const byKey = new Map(transactions.map((transaction) => [transaction.key, transaction]));
  const taken = new Set<string>();
  const paired = new Map<string, ProviderTransaction>();
  const sortedPayments = [...payments].sort((a, b) => compareStrings(a.id, b.id));
  for (const payment of sortedPayments) {
    if (payment.providerReference === null) continue;
    const transaction = byKey.get(keyOf(payment.provider, payment.providerReference));
    if (!transaction || taken.has(transaction.key)) continue;
    taken.add(transaction.key);
    paired.set(payment.id, transaction);
  }
  for (const payment of sortedPayments) {
    if (payment.providerReference !== null || paired.has(payment.id)) continue;
    const transaction = transactions.find(
      (candidate) =>
        !taken.has(candidate.key) &&
        candidate.provider === payment.provider &&
        candidate.records.some((record) => record.paymentId === payment.id),
    );
    if (!transaction) continue;
    taken.add(transaction.key);
    paired.set(payment.id, transaction);
  }
  return { paired, taken };
}

function paymentLine(
  kind: ReconciliationKind,
  payment: LocalPayment,
  transaction: ProviderTransaction | undefined,
  mismatched: readonly string[],
  action: string,
): ReconciliationLine {
  const reported = transaction?.success ?? transaction?.records[0];
  return {
    kind,
    subject: "payment",
    id: payment.id,
    provider: payment.provider,
    providerReference: payment.providerReference ?? transaction?.providerReference ?? null,
    localStatus: payment.status,
    providerOutcome: transaction?.bestOutcome ?? null,
    localAmount: payment.amount,
    localCurrency: payment.currency,
    providerAmount: reported?.amount ?? null,
    providerCurrency: reported?.currency ?? null,
    mismatched: [...mismatched],
    at: iso(payment.createdAtMs),
    action,
  };
}

function classifyPayment(
  payment: LocalPayment,
  transaction: ProviderTransaction | undefined,
  nowMs: number,
): { kind: ReconciliationKind; line?: ReconciliationLine } | "closed" | "in-flight" {
  const success = transaction?.success;
  if (OPEN_PAYMENT.has(payment.status)) {
    const age = nowMs - payment.createdAtMs;
    if (age <= PAYMENT_PENDING_LIMIT_MS) return "in-flight";
    const action = success
      ? `Still ${payment.status} after ${minutes(age)} although the provider reports success: re-query it (reconcilePayments) so the success is applied.`
      : `Still ${payment.status} after ${minutes(age)}: re-query it at the provider; reconcilePayments closes it as expired at 30 minutes if the provider has no answer.`;
    return { kind: "pending-past-limit", line: paymentLine("pending-past-limit", payment, transaction, [], action) };
  }
  if (payment.status === "succeeded" || payment.status === "conflict") {
    if (!success) {
      if (payment.status === "conflict") {
        const action =
          "In conflict but no provider record says it succeeded: re-query it at the provider, then complete or refund it by hand.";
        return { kind: "amount-mismatch", line: paymentLine("amount-mismatch", payment, transaction, [], action) };
      }
      const said = transaction ? ` (its records say ${transaction.bestOutcome})` : "";
      const action = `Succeeded here but the provider has not confirmed it${said}: check the provider's statement for ${payment.providerReference ?? "this payment"}; if the money never arrived, reverse what it paid for.`;
      return {
        kind: "local-success-unconfirmed",
        line: paymentLine("local-success-unconfirmed", payment, transaction, [], action),
      };
    }
    const mismatched = differences(payment, transaction.successes);
    if (mismatched.length > 0 || payment.status === "conflict") {
      const action = `The provider reports ${mismatched.length > 0 ? mismatched.join(" and ") : "details"} other than the request: confirm with the provider what the payer paid, then complete the payment at that amount or refund it.`;
      return {
        kind: "amount-mismatch",
        line: paymentLine("amount-mismatch", payment, transaction, mismatched, action),
      };
    }
    return { kind: "matched" };
  }
  // failed, cancelled, expired
  if (success) {
    const action = `The provider took the money but this payment was closed as ${payment.status}: refund the payer, or complete what they paid for by hand.`;
    return {
      kind: "provider-success-unmatched",
      line: paymentLine("provider-success-unmatched", payment, transaction, [], action),
    };
  }
  return "closed";
}

function unpairedLine(
  transaction: ProviderTransaction,
  claimedBy: ReadonlyMap<string, string>,
  references: ReadonlyMap<string, string | null>,
): ReconciliationLine {
  const success = transaction.success;
  if (!success) throw new Error("an unpaired transaction without a success is not a line");
  const named = transaction.records.find((record) => record.paymentId !== null)?.paymentId ?? null;
  const other = named ? (claimedBy.get(named) ?? references.get(named) ?? null) : null;
  const action =
    named && other
      ? `The provider reports a success under ${transaction.providerReference} naming payment ${named}, whose reference is ${other}: one payment cannot take two provider payments' money; find who paid and refund or credit them.`
      : `The provider reports a success under ${transaction.providerReference} that no payment claims: find the payer by phone and amount, then refund them or complete their payment by hand.`;
  return {
    kind: "provider-success-unmatched",
    subject: "provider-record",
    id: null,
    provider: transaction.provider,
    providerReference: transaction.providerReference,
    localStatus: null,
    providerOutcome: "succeeded",
    localAmount: null,
    localCurrency: null,
    providerAmount: success.amount,
    providerCurrency: success.currency,
    mismatched: [],
    at: iso(transaction.firstReceivedAtMs),
    action,
  };
}

function transferLine(transfer: LocalTransfer, nowMs: number): ReconciliationLine | undefined {
  const base = {
    subject: transfer.subject,
    id: transfer.id,
    provider: transfer.provider,
    providerReference: transfer.providerReference,
    localStatus: transfer.status,
    providerOutcome: null,
    localAmount: transfer.amount,
    localCurrency: transfer.currency,
    providerAmount: null,
    providerCurrency: null,
    mismatched: [],
    at: iso(transfer.createdAtMs),
  };
  if (transfer.conflict) {
    return {
      ...base,
      kind: "amount-mismatch",
      action: `The provider's result for this ${transfer.subject} differs from the request (the hold stays): confirm with the provider what was sent, then settle it by hand.`,
    };
  }
  const age = nowMs - transfer.createdAtMs;
  if (!transfer.open || age <= TRANSFER_PENDING_LIMIT_MS) return undefined;
  return {
    ...base,
    kind: "pending-past-limit",
    action: `This ${transfer.subject} is still ${transfer.status} after ${minutes(age)}: ask the provider about it; its hold is never released by time.`,
  };
}

const KIND_ORDER = new Map(RECONCILIATION_KINDS.map((kind, index) => [kind, index]));

export function compareLines(a: ReconciliationLine, b: ReconciliationLine): number {
  return (
    (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) ||
    compareStrings(a.at, b.at) ||
    compareStrings(a.subject, b.subject) ||
    compareStrings(a.id ?? "", b.id ?? "") ||
    compareStrings(a.provider, b.provider) ||
    compareStrings(a.providerReference ?? "", b.providerReference ?? "") ||
    (a.providerAmount ?? -1) - (b.providerAmount ?? -1)
  );
}

export function sortDay(input: SortInput): SortResult {
  const transactions = groupTransactions(input.records);
  const { paired, taken } = pair(input.payments, transactions);
  const counts = Object.fromEntries(RECONCILIATION_KINDS.map((kind) => [kind, 0])) as Record<
    ReconciliationKind,
    number
  >;
  const unexceptional = { closed: 0, inFlight: 0 };
  const matched: MatchedPair[] = [];
  const exceptions: ReconciliationLine[] = [];
  for (const payment of input.payments) {
    const transaction = paired.get(payment.id);
    const result = classifyPayment(payment, transaction, input.nowMs);
    if (result === "closed") unexceptional.closed++;
    else if (result === "in-flight") unexceptional.inFlight++;
    else {
      counts[result.kind]++;
      if (result.line) exceptions.push(result.line);
      if (result.kind === "matched" && transaction) {
        matched.push({
          paymentId: payment.id,
          provider: payment.provider,
          providerReference: transaction.providerReference,
          amount: payment.amount,
          currency: payment.currency,
        });
      }
    }
  }
  const references = new Map(input.payments.map((payment) => [payment.id, payment.providerReference]));
  const claimedBy = new Map([...paired.entries()].map(([paymentId, t]) => [paymentId, t.providerReference]));
  for (const transaction of transactions) {
    if (taken.has(transaction.key) || !transaction.success) continue;
    counts["provider-success-unmatched"]++;
    exceptions.push(unpairedLine(transaction, claimedBy, references));
  }
  for (const transfer of input.transfers) {
    const line = transferLine(transfer, input.nowMs);
    if (!line) continue;
    counts[line.kind]++;
    exceptions.push(line);
  }
  const totals = new Map<string, { currency: string; count: number; amount: number }>();
  for (const pairItem of matched) {
    const total = totals.get(pairItem.currency) ?? { currency: pairItem.currency, count: 0, amount: 0 };
    total.count++;
    total.amount += pairItem.amount;
    totals.set(pairItem.currency, total);
  }
  return {
    counts,
    unexceptional,
    matched: matched.sort((a, b) => compareStrings(a.paymentId, b.paymentId)),
    matchedTotals: [...totals.values()].sort((a, b) => compareStrings(a.currency, b.currency)),
    exceptions: exceptions.sort(compareLines),
  };
}
