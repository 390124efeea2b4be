// The operator console's pure logic: what a search term asks for, a Nairobi day's window, the
// analytics series the charts draw, and the words shown. Unit-tested without a browser.
import { mergeAnalytics, summarise, type AnalyticsCounters } from "../../functions/src/shared/analytics.ts";
import { CURRENCIES, type Currency } from "../../functions/src/shared/catalog.ts";

export type SearchKind = "phone" | "receipt" | "reference" | "id";

export interface PaymentSearch {
  readonly kind: SearchKind;
  /** The values to look for: a phone has several spellings, the others one. */
  readonly values: readonly string[];
}

const CALLING_CODES = ["254", "256", "234"] as const;

/**
 * The spellings a payment's phone (stored E.164, +2547XXXXXXXX) may have been typed in: as stored,
 * without the +, or in the local form (0712…) of Kenya, Uganda or Nigeria.
 */
export function phoneCandidates(raw: string): string[] {
  const digits = raw.replace(/[^\d]/g, "");
  if (digits.length < 9) return [];
  const found = new Set<string>();
  if (CALLING_CODES.some((code) => digits.startsWith(code))) found.add(`+${digits}`);
  if (digits.startsWith("0")) for (const code of CALLING_CODES) found.add(`+${code}${digits.slice(1)}`);
  if (digits.length === 9) for (const code of CALLING_CODES) found.add(`+${code}${digits}`);
  return [...found].slice(0, 10);
}

/** What the search box asks for, or a sentence saying why it cannot be searched. */
export function parseSearch(kind: SearchKind, term: string): PaymentSearch | string {
  const value = term.trim();
  if (value === "") return "Type what to search for.";
  if (kind === "phone") {
    const values = phoneCandidates(value);
    return values.length > 0 ? { kind, values } : "A phone number has at least 9 digits (0712 345 678, +254712345678).";
  }
  if (kind === "id" && !/^[A-Za-z0-9]{10,40}$/.test(value)) return "A payment id is 10 to 40 letters and digits.";
  if (value.length > 200) return "That is too long to be a receipt or a reference.";
  return { kind, values: [value] };
}

/** Nairobi is UTC+3 all year (no daylight saving): a day there is [date 00:00 - 3 h, +24 h). */
export function nairobiDayWindow(date: string): { from: number; to: number } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  const from = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - 3 * 60 * 60_000;
  return { from, to: from + 24 * 60 * 60_000 };
}

/** Today's date in Nairobi, YYYY-MM-DD. */
export function nairobiToday(now: number): string {
  return new Date(now + 3 * 60 * 60_000).toISOString().slice(0, 10);
}

/** The days from `from` to `to`, inclusive (at most 62). */
export function daysBetween(from: string, to: string): string[] {
  const start = nairobiDayWindow(from);
  const end = nairobiDayWindow(to);
  if (!start || !end || end.from < start.from) return [];
  const days: string[] = [];
  for (let at = start.from; at <= end.from && days.length < 62; at += 24 * 60 * 60_000) {
    days.push(nairobiToday(at));
  }
  return days;
}

export interface AnalyticsShard extends AnalyticsCounters {
  readonly date: string;
  readonly provider: string;
  readonly currency: string;
}

export interface ProviderSeries {
  /** "mpesa · KES": revenue of different currencies is never added together. */
  readonly label: string;
  readonly provider: string;
  readonly currency: string;
  /** Per day, in major units of the currency. */
  readonly revenue: (number | null)[];
  /** Per day, succeeded / settled in %, null before anything settled that day. */
  readonly successRate: (number | null)[];
  /** Over the whole range. */
  readonly medianMs: number | null;
  readonly p95Ms: number | null;
  readonly settled: number;
  readonly succeeded: number;
}

function majorUnits(minor: number, currency: string): number {
  const digits = currency in CURRENCIES ? CURRENCIES[currency as Currency].minorDigits : 2;
  return minor / 10 ** digits;
}

/** Shards → one series per provider and currency, a value per day (shards and purposes summed). */
export function analyticsSeries(shards: readonly AnalyticsShard[], days: readonly string[]): ProviderSeries[] {
  const groups = new Map<string, AnalyticsShard[]>();
  for (const shard of shards) {
    const key = `${shard.provider}|${shard.currency}`;
    groups.set(key, [...(groups.get(key) ?? []), shard]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, group]) => {
      const [provider = "", currency = ""] = key.split("|");
      const perDay = days.map((day) => mergeAnalytics(group.filter((shard) => shard.date === day)));
      const whole = summarise(mergeAnalytics(group.filter((shard) => days.includes(shard.date))));
      return {
        label: `${provider} · ${currency}`,
        provider,
        currency,
        revenue: perDay.map((counters) =>
          counters.attempts === 0 && counters.revenue === 0 ? null : majorUnits(counters.revenue, currency),
        ),
        successRate: perDay.map((counters) => {
          const rate = summarise(counters).successRate;
          return rate === null ? null : Math.round(rate * 1000) / 10;
        }),
        medianMs: whole.medianMs,
        p95Ms: whole.p95Ms,
        settled: whole.settled,
        succeeded: perDay.reduce((sum, counters) => sum + counters.succeeded, 0),
      };
    });
}

/** "45 s", "90 s", "5 min", "1.5 h", "—". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}

/** "2026-12-03 14:05:09 UTC" from a Firestore timestamp's milliseconds. */
export function formatInstant(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return `${new Date(ms).toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** A JSON value as indented text for a <pre>, cut at 20,000 characters. */
export function rawText(value: unknown): string {
  let text: string;
  if (typeof value === "string") {
    try {
      text = JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      text = value;
    }
  } else {
    // JSON.stringify answers undefined for undefined or a function, whatever its type says.
    text = value === undefined || typeof value === "function" ? String(value) : JSON.stringify(value, null, 2);
  }
  return text.length > 20_000 ? `${text.slice(0, 20_000)}\n… (cut)` : text;
}

/** What the Mailbox says of a mail's delivery. */
export function deliveryLabel(delivery: { state?: unknown; error?: unknown; attempts?: unknown } | undefined): string {
  if (!delivery || typeof delivery.state !== "string") return "queued (not tried yet)";
  const attempts =
    typeof delivery.attempts === "number" && delivery.attempts > 0 ? `, ${delivery.attempts} attempts` : "";
  const error = typeof delivery.error === "string" ? `: ${delivery.error}` : "";
  return `${delivery.state}${attempts}${error}`;
}

/** Whether the Mailbox offers Retry (retryMailDelivery accepts these states). */
export function canRetry(state: unknown): boolean {
  return state === "error" || state === "not-sent" || state === "retrying";
}

export interface MailShown {
  readonly to: string;
  readonly kind: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly delivery: { state?: unknown; error?: unknown; attempts?: unknown } | undefined;
  readonly state: string | undefined;
  readonly attachments: string[];
}

function field(value: unknown, name: string): unknown {
  return value && typeof value === "object" ? (value as Record<string, unknown>)[name] : undefined;
}

function str(value: unknown, otherwise = ""): string {
  return typeof value === "string" ? value : otherwise;
}

/** A mail document as the Mailbox shows it, whatever shape it has (a malformed one shows blanks). */
export function mailShown(data: unknown): MailShown {
  const message = field(data, "message");
  const delivery = field(data, "delivery");
  const files = field(data, "attachments");
  return {
    to: str(field(data, "to")),
    kind: str(field(data, "kind"), "—"),
    subject: str(field(message, "subject"), "(no subject)"),
    html: str(field(message, "html")),
    text: str(field(message, "text")),
    delivery: delivery && typeof delivery === "object" ? delivery : undefined,
    state: typeof field(delivery, "state") === "string" ? str(field(delivery, "state")) : undefined,
    attachments: Array.isArray(files)
      ? files.map((file: unknown) => `${str(field(file, "filename"), "file")} (${str(field(file, "type"), "?")})`)
      : [],
  };
}
