// The alert rules: what each one looks at and when it fires, as pure functions of what the
// evaluator read (operations/evaluate-alerts.ts). A rule returns the scopes it fires for; every
// other scope of that rule with an open alert is resolved. The thresholds are the seeds'.
import { formatMoney } from "../shared/money.js";
import type { Currency } from "../shared/catalog.js";

export const ALERT_RULES = [
  "success-rate",
  "server-errors",
  "slow-responses",
  "callbacks-silent",
  "payout-float-low",
  "vtpass-balance-low",
  "health-failing",
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export const RULE_LIMITS = {
  /** Success rate below 90 % over 15 minutes, once at least 20 payments of the provider settled. */
  successRate: { windowMs: 15 * 60_000, below: 0.9, minSettled: 20 },
  /** More than 5 unexpected errors in one minute (the current or the last whole one). */
  serverErrors: { perMinuteAbove: 5 },
  /** At least 3 answers slower than 5 s within 5 minutes (one cold start is not an incident). */
  slowResponses: { windowMinutes: 5, atLeast: 3 },
  /**
   * No callback from a provider for 30 minutes while it has payments open: sent at least 2
   * minutes ago and at most a day ago (older ones are reconciliation's and the daily report's).
   */
  callbacksSilent: { silenceMs: 30 * 60_000, openAfterMs: 2 * 60_000, openWithinMs: 24 * 60 * 60_000 },
  /** A reading older than a day says nothing about the float now. */
  readings: { maxAgeMs: 24 * 60 * 60_000 },
} as const;

export interface Finding {
  readonly rule: AlertRule;
  readonly scope: string;
  /** One sentence an operator acts on. */
  readonly message: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** What a rule looked at: the scopes it fires for. */
export interface RuleResult {
  readonly rule: AlertRule;
  readonly firing: readonly Finding[];
}

export interface SettledCounts {
  readonly provider: string;
  readonly succeeded: number;
  /** failed, cancelled, expired and conflict: every settled payment that did not succeed. */
  readonly unsuccessful: number;
}

export function successRateRule(counts: readonly SettledCounts[]): RuleResult {
  const { below, minSettled, windowMs } = RULE_LIMITS.successRate;
  const firing = counts.flatMap((count): Finding[] => {
    const settled = count.succeeded + count.unsuccessful;
    if (settled < minSettled) return [];
    const rate = count.succeeded / settled;
    if (rate >= below) return [];
    const percent = Math.round(rate * 1000) / 10;
    return [
      {
        rule: "success-rate",
        scope: count.provider,
        message: `${count.provider}: ${percent} % of the last ${settled} payments settled in ${windowMs / 60_000} minutes succeeded (below ${below * 100} %). Check the provider's status and the failure codes.`,
        detail: { succeeded: count.succeeded, unsuccessful: count.unsuccessful, settled, rate: percent },
      },
    ];
  });
  return { rule: "success-rate", firing };
}

export interface MinuteCount {
  /** The minute's id suffix (metrics.ts minuteKey). */
  readonly minute: string;
  readonly count: number;
  readonly byName: Readonly<Record<string, number>>;
}

export function serverErrorsRule(minutes: readonly MinuteCount[]): RuleResult {
  const { perMinuteAbove } = RULE_LIMITS.serverErrors;
  const worst = minutes.reduce<MinuteCount | undefined>((a, b) => (a && a.count >= b.count ? a : b), undefined);
  if (!worst || worst.count <= perMinuteAbove) return { rule: "server-errors", firing: [] };
  return {
    rule: "server-errors",
    firing: [
      {
        rule: "server-errors",
        scope: "callables",
        message: `${worst.count} unexpected errors in the minute ${worst.minute} UTC (more than ${perMinuteAbove}): read the functions' error logs ("unexpected error in callable").`,
        detail: { minute: worst.minute, count: worst.count, byName: worst.byName },
      },
    ],
  };
}

export function slowResponsesRule(minutes: readonly MinuteCount[]): RuleResult {
  const { atLeast, windowMinutes } = RULE_LIMITS.slowResponses;
  const total = minutes.reduce((sum, minute) => sum + minute.count, 0);
  if (total < atLeast) return { rule: "slow-responses", firing: [] };
  const byName: Record<string, number> = {};
  for (const minute of minutes) {
    for (const [name, count] of Object.entries(minute.byName)) byName[name] = (byName[name] ?? 0) + count;
  }
  const slowest = Object.entries(byName)
    .sort((a, b) => b[1] - a[1])
    .map(([name, count]) => `${name} ${count}`)
    .join(", ");
  return {
    rule: "slow-responses",
    firing: [
      {
        rule: "slow-responses",
        scope: "callables",
        message: `${total} answers took more than 5 s in the last ${windowMinutes} minutes (${slowest}): check the providers' latency and Firestore contention.`,
        detail: { total, byName },
      },
    ],
  };
}

export interface CallbackSilence {
  readonly provider: string;
  /** Open payments (pending or processing) sent within the window. */
  readonly open: number;
  readonly oldestOpenAt: number | null;
  /** The provider's latest callback at or before now, if any. */
  readonly lastCallbackAt: number | null;
}

export function callbacksSilentRule(providers: readonly CallbackSilence[], now: number): RuleResult {
  const { silenceMs } = RULE_LIMITS.callbacksSilent;
  const firing = providers.flatMap((p): Finding[] => {
    if (p.open === 0) return [];
    if (p.lastCallbackAt !== null && now - p.lastCallbackAt < silenceMs) return [];
    const since =
      p.lastCallbackAt === null ? "no callback on record" : `the last at ${new Date(p.lastCallbackAt).toISOString()}`;
    return [
      {
        rule: "callbacks-silent",
        scope: p.provider,
        message: `${p.provider}: no callback for ${silenceMs / 60_000} minutes (${since}) while ${p.open} payments are open: check the callback URL and the provider's status; reconciliation re-queries them meanwhile.`,
        detail: {
          open: p.open,
          oldestOpenAt: p.oldestOpenAt === null ? null : new Date(p.oldestOpenAt).toISOString(),
          lastCallbackAt: p.lastCallbackAt === null ? null : new Date(p.lastCallbackAt).toISOString(),
        },
      },
    ];
  });
  return { rule: "callbacks-silent", firing };
}

export interface FloatReading {
  readonly provider: string;
  readonly currency: Currency;
  readonly amount: number;
  readonly reportedAt: number;
}

export function payoutFloatRule(
  latest: readonly FloatReading[],
  thresholds: Readonly<Partial<Record<string, number>>>,
): RuleResult {
  const firing = latest.flatMap((reading): Finding[] => {
    const threshold = thresholds[reading.currency];
    if (threshold === undefined || reading.amount >= threshold) return [];
    return [
      {
        rule: "payout-float-low",
        scope: `${reading.provider}:${reading.currency}`,
        message: `The ${reading.provider} payout account reported ${formatMoney(reading.amount, reading.currency)} at ${new Date(reading.reportedAt).toISOString()}, below ${formatMoney(threshold, reading.currency)} (PAYOUT_FLOAT_LOW): top it up before withdrawals and refunds fail.`,
        detail: {
          provider: reading.provider,
          currency: reading.currency,
          amount: reading.amount,
          threshold,
          reportedAt: new Date(reading.reportedAt).toISOString(),
        },
      },
    ];
  });
  return { rule: "payout-float-low", firing };
}

/** VTpass never reports its balance with a purchase; its refusal 018 says the wallet is too low. */
export interface VtpassBalanceSignal {
  /** The latest bill VTpass refused with 018 (LOW WALLET BALANCE), within the last day. */
  readonly lastLowAt: number | null;
  readonly lastLowBill: string | null;
  /** The latest bill delivered, within the last day. */
  readonly lastDeliveredAt: number | null;
}

export function vtpassBalanceRule(signal: VtpassBalanceSignal): RuleResult {
  const { lastLowAt, lastLowBill, lastDeliveredAt } = signal;
  if (lastLowAt === null || (lastDeliveredAt !== null && lastDeliveredAt >= lastLowAt)) {
    return { rule: "vtpass-balance-low", firing: [] };
  }
  const at = new Date(lastLowAt).toISOString();
  return {
    rule: "vtpass-balance-low",
    firing: [
      {
        rule: "vtpass-balance-low",
        scope: "vtpass:NGN",
        message: `VTpass refused bill ${lastLowBill ?? "(unknown)"} with 018 (LOW WALLET BALANCE) at ${at} and has delivered none since: fund Malipo's VTpass wallet.`,
        detail: { lastLowBill, lastLowAt: at },
      },
    ],
  };
}

export function healthRule(health: { ok: boolean; firestore: string; version: string }): RuleResult {
  if (health.ok) return { rule: "health-failing", firing: [] };
  return {
    rule: "health-failing",
    firing: [
      {
        rule: "health-failing",
        scope: "health",
        message: `The health check fails (Firestore ${health.firestore}, version ${health.version}): read the "health check" error log.`,
        detail: { ...health },
      },
    ],
  };
}

/** alerts/{id} of a rule and scope: one per pair, so a condition that lasts is one alert. */
export function alertId(rule: AlertRule, scope: string): string {
  return `rule:${rule}:${scope}`.replace(/\//g, "_");
}
