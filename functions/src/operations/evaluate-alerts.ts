// The alert evaluator (the evaluateAlerts schedule, every minute): reads what each rule looks at
// (operations/alert-rules.ts), then for each rule and scope moves alerts/rule:{rule}:{scope}
// between open and resolved in a transaction that also appends the transition to its timeline
// and creates the operators' mails for it. The alert's id is the rule and scope, so a lasting
// condition is one alert; the transition's number is in the timeline's id and the mails' ids, and
// all of it is one commit, so however many evaluations run at once each transition happens, and is
// mailed, exactly once. (The mails are documents: sendMail delivers them after the commit.)
import { Timestamp, type Firestore, type QueryDocumentSnapshot, type Transaction } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";
import { z } from "zod";

import { BILLS } from "../bills/collections.js";
import { MAIL } from "../notifications/send.js";
import { alertMail } from "../notifications/templates.js";
import { ALERTS, PROVIDER_EVENTS } from "../payments/collections.js";
import { PAYMENTS } from "../payments/records.js";
import { CURRENCY_CODES, PROVIDERS } from "../shared/catalog.js";
import { sha256Hex } from "../shared/hashing.js";
import {
  ALERT_RULES,
  alertId,
  callbacksSilentRule,
  healthRule,
  payoutFloatRule,
  RULE_LIMITS,
  serverErrorsRule,
  slowResponsesRule,
  successRateRule,
  vtpassBalanceRule,
  type AlertRule,
  type FloatReading,
  type Finding,
  type MinuteCount,
  type RuleResult,
} from "./alert-rules.js";
import { ALERT_TIMELINE, OPS_COUNTERS, OPS_READINGS } from "./collections.js";
import { counterId } from "./metrics.js";

export interface EvaluateDeps {
  readonly db: Firestore;
  readonly now: () => number;
  /** Who is mailed on every transition (ALERT_EMAILS). */
  readonly recipients: readonly string[];
  /** PAYOUT_FLOAT_LOW, by currency, in minor units. */
  readonly floatLow: () => Readonly<Partial<Record<string, number>>>;
  /** The health check's verdict (operations/health.ts checkHealth with the Firestore probe). */
  readonly health: () => Promise<{ ok: boolean; firestore: string; version: string }>;
  /** Only these rules (tests evaluate one at a time); all of them by default. */
  readonly rules?: readonly AlertRule[];
}

export interface EvaluationReport {
  readonly opened: string[];
  readonly resolved: string[];
  /** Rules whose inputs could not be read: their alerts are left as they are. */
  readonly failed: AlertRule[];
}

const SETTLED_UNSUCCESSFUL = new Set(["failed", "cancelled", "expired", "conflict"]);

// The rules read only the fields they need (select), parsed with schemas of their own: a
// payment or bill another feature wrote in a newer shape does not stop the alerts.
const paymentFields = z.object({
  provider: z.string(),
  status: z.string(),
  createdAt: z.instanceof(Timestamp),
});
const billFields = z.object({
  status: z.string(),
  providerCode: z.string().nullable(),
  updatedAt: z.instanceof(Timestamp),
});

function parsedDocs<T>(docs: readonly QueryDocumentSnapshot[], schema: z.ZodType<T>): { id: string; data: T }[] {
  return docs.flatMap((doc) => {
    const parsed = schema.safeParse(doc.data());
    return parsed.success ? [{ id: doc.id, data: parsed.data }] : [];
  });
}

async function successRate(db: Firestore, now: number): Promise<RuleResult> {
  const since = Timestamp.fromMillis(now - RULE_LIMITS.successRate.windowMs);
  const recent = await db
    .collection(PAYMENTS.id)
    .where("createdAt", ">", since)
    .where("createdAt", "<=", Timestamp.fromMillis(now))
    .select("provider", "status", "createdAt")
    .limit(10_000)
    .get();
  const counts = new Map(
    PROVIDERS.map((provider) => [provider as string, { provider, succeeded: 0, unsuccessful: 0 }]),
  );
  for (const { data: payment } of parsedDocs(recent.docs, paymentFields)) {
    const count = counts.get(payment.provider);
    if (!count) continue;
    if (payment.status === "succeeded") count.succeeded++;
    else if (SETTLED_UNSUCCESSFUL.has(payment.status)) count.unsuccessful++;
  }
  return successRateRule([...counts.values()]);
}

async function minuteCounts(db: Firestore, kind: "error" | "slow", now: number, minutes: number) {
  const refs = Array.from({ length: minutes }, (_, back) =>
    OPS_COUNTERS.ref(db).doc(counterId(kind, now - back * 60_000)),
  );
  const snapshots = await db.getAll(...refs);
  return snapshots.flatMap((snapshot): MinuteCount[] => {
    if (!snapshot.exists) return [];
    const parsed = OPS_COUNTERS.schema.safeParse(snapshot.data());
    if (!parsed.success) return [];
    return [{ minute: snapshot.id.split(":")[1] ?? snapshot.id, count: parsed.data.count, byName: parsed.data.byName }];
  });
}

async function callbacksSilent(db: Firestore, now: number): Promise<RuleResult> {
  const limits = RULE_LIMITS.callbacksSilent;
  const open = await db
    .collection(PAYMENTS.id)
    .where("status", "in", ["pending", "processing"])
    .where("createdAt", ">=", Timestamp.fromMillis(now - limits.openWithinMs))
    .where("createdAt", "<=", Timestamp.fromMillis(now - limits.openAfterMs))
    .select("provider", "status", "createdAt")
    .limit(5_000)
    .get();
  const payments = parsedDocs(open.docs, paymentFields).map(({ data }) => data);
  const providers = await Promise.all(
    PROVIDERS.map(async (provider) => {
      const mine = payments.filter((payment) => payment.provider === provider);
      if (mine.length === 0) return { provider, open: 0, oldestOpenAt: null, lastCallbackAt: null };
      const last = await PROVIDER_EVENTS.ref(db)
        .where("provider", "==", provider)
        .where("receivedAt", "<=", Timestamp.fromMillis(now))
        .orderBy("receivedAt", "desc")
        .limit(1)
        .get();
      return {
        provider,
        open: mine.length,
        oldestOpenAt: Math.min(...mine.map((payment) => payment.createdAt.toMillis())),
        lastCallbackAt: last.docs[0]?.data().receivedAt.toMillis() ?? null,
      };
    }),
  );
  return callbacksSilentRule(providers, now);
}

async function payoutFloat(db: Firestore, now: number, thresholds: Readonly<Partial<Record<string, number>>>) {
  const readings = await OPS_READINGS.ref(db)
    .where("kind", "==", "payout-float")
    .where("reportedAt", ">", Timestamp.fromMillis(now - RULE_LIMITS.readings.maxAgeMs))
    .where("reportedAt", "<=", Timestamp.fromMillis(now))
    .orderBy("reportedAt", "desc")
    .limit(500)
    .get();
  const latest = new Map<string, FloatReading>();
  for (const doc of readings.docs) {
    const reading = doc.data();
    const currency = z.enum(CURRENCY_CODES).safeParse(reading.currency);
    const key = `${reading.provider}:${reading.currency}`;
    if (!currency.success || latest.has(key)) continue;
    latest.set(key, {
      provider: reading.provider,
      currency: currency.data,
      amount: reading.amount,
      reportedAt: reading.reportedAt.toMillis(),
    });
  }
  return payoutFloatRule([...latest.values()], thresholds);
}

async function vtpassBalance(db: Firestore, now: number): Promise<RuleResult> {
  const recent = await db
    .collection(BILLS.id)
    .where("updatedAt", ">", Timestamp.fromMillis(now - RULE_LIMITS.readings.maxAgeMs))
    .where("updatedAt", "<=", Timestamp.fromMillis(now))
    .orderBy("updatedAt", "desc")
    .select("status", "providerCode", "updatedAt")
    .limit(500)
    .get();
  let lastLowAt: number | null = null;
  let lastLowBill: string | null = null;
  let lastDeliveredAt: number | null = null;
  for (const { id, data: bill } of parsedDocs(recent.docs, billFields)) {
    if (lastLowAt === null && bill.providerCode === "018") {
      lastLowAt = bill.updatedAt.toMillis();
      lastLowBill = id;
    }
    if (lastDeliveredAt === null && bill.status === "delivered") lastDeliveredAt = bill.updatedAt.toMillis();
  }
  return vtpassBalanceRule({ lastLowAt, lastLowBill, lastDeliveredAt });
}

async function readRule(rule: AlertRule, deps: EvaluateDeps, now: number): Promise<RuleResult> {
  switch (rule) {
    case "success-rate":
      return successRate(deps.db, now);
    case "server-errors":
      // The current minute and the last whole one.
      return serverErrorsRule(await minuteCounts(deps.db, "error", now, 2));
    case "slow-responses":
      return slowResponsesRule(await minuteCounts(deps.db, "slow", now, RULE_LIMITS.slowResponses.windowMinutes));
    case "callbacks-silent":
      return callbacksSilent(deps.db, now);
    case "payout-float-low":
      return payoutFloat(deps.db, now, deps.floatLow());
    case "vtpass-balance-low":
      return vtpassBalance(deps.db, now);
    case "health-failing":
      return healthRule(await deps.health());
  }
}

/** The mail document of one recipient for one transition: its id names both. */
function alertMailId(id: string, seq: number, recipient: string): string {
  return `alert-${sha256Hex(`${id}|${seq}|${recipient.toLowerCase()}`).slice(0, 32)}`;
}

/**
 * Opens (finding given) or resolves (null) the alert of a rule and scope, when it is not so
 * already. Returns the transition made, or null when there was none to make.
 */
export async function settleAlert(
  deps: Pick<EvaluateDeps, "db" | "recipients">,
  rule: AlertRule,
  scope: string,
  finding: Finding | null,
  now: number,
): Promise<"opened" | "resolved" | null> {
  const id = alertId(rule, scope);
  const ref = ALERTS.ref(deps.db).doc(id);
  // Most evaluations change nothing: a read outside a transaction finds that without contention.
  const seen = (await ref.get()).data();
  const isOpen = seen?.state === "open";
  if ((finding !== null) === isOpen) return null;
  return deps.db.runTransaction(
    async (tx: Transaction) => {
      const current = (await tx.get(ref)).data();
      const open = current?.state === "open";
      if ((finding !== null) === open) return null;
      const kind = finding ? "opened" : "resolved";
      const seq = (current?.transitions ?? 0) + 1;
      const at = Timestamp.fromMillis(now);
      const message = finding?.message ?? current?.message ?? "";
      const detail = { ...(finding?.detail ?? current?.detail ?? {}) };
      tx.set(ref, {
        type: rule,
        rule,
        scope,
        state: finding ? "open" : "resolved",
        resolved: !finding,
        message,
        detail,
        createdAt: current?.createdAt ?? at,
        openedAt: finding ? at : (current?.openedAt ?? at),
        resolvedAt: finding ? null : at,
        updatedAt: at,
        transitions: seq,
      });
      tx.create(ALERT_TIMELINE.under(ref).doc(String(seq)), { kind, seq, message, detail, at });
      const content = alertMail({ kind, rule, scope, message, at: at.toDate().toISOString(), alertId: id });
      for (const to of deps.recipients) {
        tx.create(MAIL.ref(deps.db).doc(alertMailId(id, seq, to)), {
          to,
          kind: `alert-${kind}`,
          message: content,
          createdAt: at,
        });
      }
      return kind;
    },
    // A burst of evaluations queues on the one document; each later one finds nothing to do.
    { maxAttempts: 30 },
  );
}

/** One evaluation of every rule (or deps.rules): what opened and what resolved. */
export async function evaluateAlerts(deps: EvaluateDeps): Promise<EvaluationReport> {
  const now = deps.now();
  const rules = deps.rules ?? ALERT_RULES;
  const report: EvaluationReport = { opened: [], resolved: [], failed: [] };
  await Promise.all(
    rules.map(async (rule) => {
      let result: RuleResult;
      let open: string[];
      try {
        result = await readRule(rule, deps, now);
        const openAlerts = await ALERTS.ref(deps.db).where("rule", "==", rule).where("state", "==", "open").get();
        open = openAlerts.docs.map((doc) => doc.data().scope ?? "");
      } catch (error) {
        // Not knowing is not "cleared": the rule's alerts stay as they are until it can be read.
        logger.error("alert rule not evaluated", {
          rule,
          error: error instanceof Error ? error.message : String(error),
        });
        report.failed.push(rule);
        return;
      }
      const firing = new Map(result.firing.map((finding) => [finding.scope, finding]));
      const scopes = new Set([...firing.keys(), ...open]);
      for (const scope of scopes) {
        const changed = await settleAlert(deps, rule, scope, firing.get(scope) ?? null, now);
        if (changed === "opened") report.opened.push(alertId(rule, scope));
        if (changed === "resolved") report.resolved.push(alertId(rule, scope));
      }
    }),
  );
  return report;
}
