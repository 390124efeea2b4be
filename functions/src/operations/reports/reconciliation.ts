// The daily reconciliation report (docs/operations.md): reads one Nairobi day's payments, bills
// and withdrawals and every provider record about them, asks the provider again about local
// successes it never confirmed (outside any transaction), sorts them (sort.ts) and writes
// reconciliationReports/{date} in one write. Money rules 20 and 21 (docs/money-rules.md).
//
// The providers (and their simulators) have no "list the day's transactions" API, so the
// provider's side of a day is what they told us: every callback as received (providerEvents,
// matched or not) and every re-query answer kept in a payment's events (reconcilePayments', and
// this report's own `report-requery`).
import { createHash } from "node:crypto";

import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { BILLS, TERMINAL_BILL_STATUSES } from "../../bills/collections.js";
import { LEDGER_CHECKS } from "../../ledger/check.js";
import { EVENTS, PROVIDER_EVENTS } from "../../payments/collections.js";
import { PAYMENTS, type PaymentRecord } from "../../payments/records.js";
import { WITHDRAWALS } from "../../payouts/collections.js";
import type { CollectionProvider, ProviderName } from "../../providers/collections.js";
import { providerRefDoc } from "../../payments/callbacks.js";
import { RECONCILIATION_REPORTS, type ReconciliationReport } from "./collections.js";
import { addDays, dayWindow } from "./days.js";
import { REPORT_TIME_ZONE } from "./schedule-options.js";
import { sortDay, type LocalPayment, type LocalTransfer, type ProviderRecord } from "./sort.js";

/** Exception lines kept in the document (its counts have them all): a document stays far below 1 MiB. */
export const REPORT_MAX_LINES = 500;
/** Provider records up to this long after the day are read: late callbacks and re-queries. */
export const LATE_RECORDS_MS = 72 * 60 * 60_000;
/** A local success is re-queried once it is this old and still unconfirmed. */
export const CONFIRMATION_GRACE_MS = 15 * 60_000;
/** The events that are a provider's answer to a re-query. */
const REQUERY_EVENTS = new Set(["requery", "requery-after-final", "report-requery"]);

export interface ReportDeps {
  readonly db: Firestore;
  readonly provider: (name: ProviderName) => CollectionProvider;
  readonly now: () => number;
}

type Stored = Omit<ReconciliationReport, "lastRunAt" | "digest">;

function toLocal(id: string, payment: PaymentRecord): LocalPayment {
  return {
    id,
    provider: payment.provider,
    providerReference: payment.providerReference,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    phone: payment.phone,
    createdAtMs: payment.createdAt.toMillis(),
  };
}

function optionalNumber(value: unknown): number | null {
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

function optionalString(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Callbacks as received: those about the day's payments, and unmatched ones that may be. */
async function callbackRecords(
  db: Firestore,
  fromMs: number,
  toMs: number,
  payments: ReadonlyMap<string, PaymentRecord>,
): Promise<ProviderRecord[]> {
  const snapshot = await PROVIDER_EVENTS.ref(db)
    .where("receivedAt", ">=", Timestamp.fromMillis(fromMs))
    .where("receivedAt", "<", Timestamp.fromMillis(toMs + LATE_RECORDS_MS))
    .get();
  const references = new Set(
    [...payments.values()].flatMap((p) => (p.providerReference ? [`${p.provider}|${p.providerReference}`] : [])),
  );
  const kept: ProviderRecord[] = [];
  const unclaimed: { record: ProviderRecord; provider: ProviderName }[] = [];
  for (const doc of snapshot.docs) {
    const event = doc.data();
    const record: ProviderRecord = {
      recordId: `providerEvents/${doc.id}`,
      provider: event.provider,
      providerReference: event.providerReference,
      outcome: event.outcome,
      amount: optionalNumber(event.status.amount),
      currency: optionalString(event.status.currency),
      phone: optionalString(event.status.phone),
      paymentId: event.paymentId,
      receivedAtMs: event.receivedAt.toMillis(),
    };
    if (event.paymentId !== null) {
      // Applied to a payment: it belongs to that payment's day.
      if (payments.has(event.paymentId)) kept.push(record);
    } else if (references.has(`${event.provider}|${event.providerReference}`)) {
      kept.push(record);
    } else if (record.receivedAtMs < toMs) {
      unclaimed.push({ record, provider: event.provider });
    }
  }
  // An unmatched callback of the day whose reference a payment of another day has claimed since
  // belongs to that day's report.
  const owners = await Promise.all(
    unclaimed.map(async ({ record, provider }) => {
      const index = await providerRefDoc(db, provider, record.providerReference).get();
      return index.data()?.paymentId ?? null;
    }),
  );
  unclaimed.forEach(({ record }, i) => {
    const owner = owners[i] ?? null;
    if (owner === null || payments.has(owner)) kept.push(record);
  });
  return kept;
}

function requeryRecord(paymentId: string, eventPath: string, data: Record<string, unknown>, atMs: number) {
  const providerReference = optionalString(data.providerReference);
  const outcome = optionalString(data.outcome);
  if (!providerReference || !outcome) return undefined;
  return {
    recordId: eventPath,
    providerReference,
    outcome,
    amount: optionalNumber(data.amount),
    currency: optionalString(data.currency),
    phone: optionalString(data.phone),
    paymentId,
    receivedAtMs: atMs,
  };
}

/** Successes reported by re-queries (payments' events), for the day's payments. */
async function requerySuccessRecords(
  db: Firestore,
  fromMs: number,
  toMs: number,
  payments: ReadonlyMap<string, PaymentRecord>,
): Promise<ProviderRecord[]> {
  // Bills and withdrawals have `events` too: the group is read without the payments' converter
  // and only events under a payment are parsed with its schema.
  const snapshot = await db
    .collectionGroup(EVENTS.id)
    .where("data.outcome", "==", "succeeded")
    .where("at", ">=", Timestamp.fromMillis(fromMs))
    .where("at", "<", Timestamp.fromMillis(toMs + LATE_RECORDS_MS))
    .get();
  return snapshot.docs.flatMap((doc) => {
    const parent = doc.ref.parent.parent;
    const payment = parent?.parent.id === PAYMENTS.id ? payments.get(parent.id) : undefined;
    const parsed = payment ? EVENTS.schema.safeParse(doc.data()) : undefined;
    if (!parent || !payment || !parsed?.success) return [];
    const paymentId = parent.id;
    const event = parsed.data;
    if (!REQUERY_EVENTS.has(event.type)) return [];
    const record = requeryRecord(paymentId, doc.ref.path, event.data, event.at.toMillis());
    return record ? [{ ...record, provider: payment.provider }] : [];
  });
}

/**
 * The answer this report got (or gets now) about a local success nothing confirmed: asked once
 * per payment, once the grace period has passed, and kept as a `report-requery` event so a
 * re-run reads the same answer instead of asking again.
 */
async function confirmationRecord(
  deps: ReportDeps,
  paymentId: string,
  payment: PaymentRecord,
  nowMs: number,
): Promise<ProviderRecord | undefined> {
  const ref = PAYMENTS.ref(deps.db).doc(paymentId);
  const asked = await EVENTS.under(ref).where("type", "==", "report-requery").limit(1).get();
  const previous = asked.docs[0];
  if (previous) {
    const event = previous.data();
    const record = requeryRecord(paymentId, previous.ref.path, event.data, event.at.toMillis());
    return record ? { ...record, provider: payment.provider } : undefined;
  }
  const settledAt = (payment.settledAt ?? payment.updatedAt).toMillis();
  if (nowMs - settledAt < CONFIRMATION_GRACE_MS) return undefined;
  try {
    const status = await deps.provider(payment.provider).queryStatus({
      paymentId,
      providerReference: payment.providerReference ?? undefined,
    });
    const data = {
      outcome: status.outcome,
      providerReference: status.providerReference || payment.providerReference || "",
      amount: status.amount ?? null,
      currency: status.currency ?? null,
      phone: status.phone ?? null,
    };
    const eventRef = EVENTS.under(ref).doc();
    await eventRef.create({ type: "report-requery", from: null, to: null, data, at: Timestamp.fromMillis(nowMs) });
    const record = requeryRecord(paymentId, eventRef.path, data, nowMs);
    return record ? { ...record, provider: payment.provider } : undefined;
  } catch (error) {
    // No answer is no confirmation: the line stays, and the next run asks again.
    logger.warn("report re-query failed; the payment stays unconfirmed", {
      paymentId,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  }
}

async function transfers(db: Firestore, from: Timestamp, to: Timestamp): Promise<LocalTransfer[]> {
  const [bills, withdrawals] = await Promise.all([
    BILLS.ref(db).where("createdAt", ">=", from).where("createdAt", "<", to).get(),
    WITHDRAWALS.ref(db).where("createdAt", ">=", from).where("createdAt", "<", to).get(),
  ]);
  return [
    ...bills.docs.map((doc): LocalTransfer => {
      const bill = doc.data();
      return {
        subject: "bill",
        id: doc.id,
        provider: bill.provider,
        providerReference: bill.providerReference,
        status: bill.status,
        open: !TERMINAL_BILL_STATUSES.includes(bill.status),
        conflict: false,
        amount: bill.total,
        currency: bill.currency,
        createdAtMs: bill.createdAt.toMillis(),
      };
    }),
    ...withdrawals.docs.map((doc): LocalTransfer => {
      const withdrawal = doc.data();
      return {
        subject: "withdrawal",
        id: doc.id,
        provider: withdrawal.provider,
        providerReference: withdrawal.providerReference,
        status: withdrawal.status,
        open: withdrawal.status === "sending" || withdrawal.status === "pending",
        conflict: withdrawal.status === "conflict",
        amount: withdrawal.amount,
        currency: withdrawal.currency,
        createdAtMs: withdrawal.createdAt.toMillis(),
      };
    }),
  ];
}

async function ledgerOf(db: Firestore, date: string): Promise<Stored["ledger"]> {
  // The 02:00 check of the next day is the first to have seen the whole day.
  const checkDate = addDays(date, 1);
  const check = (await LEDGER_CHECKS.ref(db).doc(checkDate).get()).data();
  if (!check) {
    return {
      checkDate,
      status: "not-run",
      entriesChecked: 0,
      accountsChecked: 0,
      unbalancedEntries: 0,
      accountDifferences: 0,
      malformed: 0,
      currencies: [],
    };
  }
  return {
    checkDate,
    status: check.ok ? "balanced" : "differences",
    entriesChecked: check.entriesChecked,
    accountsChecked: check.accountsChecked,
    unbalancedEntries: check.unbalancedEntries.length,
    accountDifferences: check.accountDifferences.length,
    malformed: check.malformed.length,
    currencies: Object.entries(check.currencies)
      .map(([currency, { debits, credits }]) => ({ currency, debits, credits }))
      .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0)),
  };
}

/** JSON with keys in order at every level: the same content always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function reportDigest(report: Stored): string {
  return createHash("sha256").update(canonical(report)).digest("hex");
}

export async function runReconciliationReport(deps: ReportDeps, date: string): Promise<ReconciliationReport> {
  const { fromMs, toMs } = dayWindow(date, REPORT_TIME_ZONE);
  const nowMs = deps.now();
  const from = Timestamp.fromMillis(fromMs);
  const to = Timestamp.fromMillis(toMs);
  const snapshot = await PAYMENTS.ref(deps.db).where("createdAt", ">=", from).where("createdAt", "<", to).get();
  const payments = new Map(snapshot.docs.map((doc) => [doc.id, doc.data()]));
  const [callbacks, requeries, localTransfers, ledger] = await Promise.all([
    callbackRecords(deps.db, fromMs, toMs, payments),
    requerySuccessRecords(deps.db, fromMs, toMs, payments),
    transfers(deps.db, from, to),
    ledgerOf(deps.db, date),
  ]);
  const local = [...payments.entries()].map(([id, payment]) => toLocal(id, payment));
  const records = [...callbacks, ...requeries];
  const first = sortDay({ payments: local, records, transfers: localTransfers, nowMs });
  // Local successes nothing confirmed: ask the provider (once, after the grace period).
  const unconfirmed = first.exceptions.filter((line) => line.kind === "local-success-unconfirmed" && line.id);
  for (const line of unconfirmed) {
    const payment = line.id ? payments.get(line.id) : undefined;
    if (!line.id || !payment) continue;
    const answer = await confirmationRecord(deps, line.id, payment, nowMs);
    if (answer) records.push(answer);
  }
  const sorted =
    unconfirmed.length > 0 ? sortDay({ payments: local, records, transfers: localTransfers, nowMs }) : first;
  const exceptionsShown = sorted.exceptions.slice(0, REPORT_MAX_LINES);
  const stored: Stored = {
    date,
    timeZone: REPORT_TIME_ZONE,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    inputs: {
      payments: payments.size,
      providerRecords: records.length,
      bills: localTransfers.filter((t) => t.subject === "bill").length,
      withdrawals: localTransfers.filter((t) => t.subject === "withdrawal").length,
    },
    counts: sorted.counts,
    unexceptional: sorted.unexceptional,
    matchedTotals: [...sorted.matchedTotals],
    exceptions: exceptionsShown,
    exceptionsLeftOut: sorted.exceptions.length - exceptionsShown.length,
    ledger,
    ok: sorted.exceptions.length === 0 && ledger.status === "balanced",
  };
  const report: ReconciliationReport = {
    ...stored,
    digest: reportDigest(stored),
    lastRunAt: Timestamp.fromMillis(nowMs),
  };
  await RECONCILIATION_REPORTS.ref(deps.db).doc(date).set(report);
  logger.info("reconciliation report written", { date, counts: sorted.counts, ok: report.ok });
  return report;
}
