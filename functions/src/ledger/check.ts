// The nightly ledger check. Two properties, each read so that traffic during the check cannot
// fake a difference:
//   1. Every journal entry balances per currency (each entry is read whole, so summing entry by
//      entry is consistent however many movements land meanwhile), and so does the journal.
//   2. Every account's stored balances equal the sum of its activity lines: the account (its
//      document, or its shards) and its lines are read in one read-only transaction, which sees one
//      moment of the database.
// A document that does not match its schema is reported, not skipped and not a crash. The report
// goes to ledgerChecks/{date in Africa/Nairobi}; any difference also raises an alert.
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { ALERTS } from "../payments/collections.js";
import { LEDGER_CURRENCIES, type LedgerCurrency } from "../shared/catalog.js";
import { ZERO, type Balances } from "./accounts.js";
import { ACTIVITY, JOURNAL, LEDGER_ACCOUNTS, SHARDS } from "./collections.js";
import { CHECK_TIME_ZONE } from "./check-time-zone.js";
import { applyStage } from "./postings.js";

const PAGE = 500;
const MAX_LISTED = 50;

const balancesSchema = z.object({
  debits: z.number().int(),
  credits: z.number().int(),
  pendingDebits: z.number().int(),
  pendingCredits: z.number().int(),
});

export const LEDGER_CHECKS = defineCollection(
  "ledgerChecks",
  z.object({
    date: z.string(),
    ok: z.boolean(),
    entriesChecked: z.number().int(),
    accountsChecked: z.number().int(),
    /** Per currency: the journal's posted debits and credits (they must be equal). */
    currencies: z.record(z.string(), z.object({ debits: z.number().int(), credits: z.number().int() })),
    unbalancedEntries: z.array(z.object({ entryId: z.string(), currency: z.string(), difference: z.number().int() })),
    accountDifferences: z.array(
      z.object({ accountId: z.string(), stored: balancesSchema, fromActivity: balancesSchema }),
    ),
    /** Documents that do not match their schema: a bug or a hand edit, either way a difference. */
    malformed: z.array(z.string()),
    startedAt: z.instanceof(Timestamp),
    finishedAt: z.instanceof(Timestamp),
  }),
);
export type LedgerCheckReport = z.infer<typeof LEDGER_CHECKS.schema>;

/** The calendar date in Nairobi: the check that runs at 02:00 EAT is that day's. */
export function checkDate(at: number): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: CHECK_TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

function equal(a: Balances, b: Balances): boolean {
  return (
    a.debits === b.debits &&
    a.credits === b.credits &&
    a.pendingDebits === b.pendingDebits &&
    a.pendingCredits === b.pendingCredits
  );
}

function add(a: Balances, b: { readonly [K in keyof Balances]?: number | undefined }): Balances {
  return {
    debits: a.debits + (b.debits ?? 0),
    credits: a.credits + (b.credits ?? 0),
    pendingDebits: a.pendingDebits + (b.pendingDebits ?? 0),
    pendingCredits: a.pendingCredits + (b.pendingCredits ?? 0),
  };
}

async function checkJournal(db: Firestore) {
  const currencies = new Map<LedgerCurrency, { debits: number; credits: number }>(
    LEDGER_CURRENCIES.map((currency) => [currency, { debits: 0, credits: 0 }]),
  );
  const unbalancedEntries: LedgerCheckReport["unbalancedEntries"] = [];
  const malformed: string[] = [];
  let entriesChecked = 0;
  const raw = JOURNAL.ref(db).withConverter(null);
  let query = raw.orderBy("__name__").limit(PAGE);
  for (;;) {
    const page = await query.get();
    for (const doc of page.docs) {
      entriesChecked += 1;
      const parsed = JOURNAL.schema.safeParse(doc.data());
      if (!parsed.success) {
        malformed.push(doc.ref.path);
        continue;
      }
      const entry = parsed.data;
      const net = new Map<LedgerCurrency, number>();
      for (const posting of entry.postings) {
        net.set(
          posting.currency,
          (net.get(posting.currency) ?? 0) + (posting.side === "credit" ? 1 : -1) * posting.amount,
        );
        if (entry.status !== "posted") continue;
        const total = currencies.get(posting.currency) ?? { debits: 0, credits: 0 };
        total[posting.side === "credit" ? "credits" : "debits"] += posting.amount;
        currencies.set(posting.currency, total);
      }
      for (const [currency, difference] of net) {
        if (difference !== 0) unbalancedEntries.push({ entryId: doc.id, currency, difference });
      }
    }
    const last = page.docs.at(-1);
    if (page.size < PAGE || !last) break;
    query = raw.orderBy("__name__").startAfter(last).limit(PAGE);
  }
  return { currencies: Object.fromEntries(currencies), unbalancedEntries, malformed, entriesChecked };
}

/** One account, read at one moment: its stored balances against the sum of its activity lines. */
async function checkAccount(db: Firestore, accountId: string) {
  const ref = LEDGER_ACCOUNTS.ref(db).withConverter(null).doc(accountId);
  return db.runTransaction(
    async (tx) => {
      const [account, shards, lines] = await Promise.all([
        tx.get(ref),
        tx.get(SHARDS.under(ref).withConverter(null)),
        tx.get(ACTIVITY.under(ref).withConverter(null)),
      ]);
      const malformed: string[] = [];
      let stored = ZERO;
      if (account.exists) {
        const parsed = LEDGER_ACCOUNTS.schema.safeParse(account.data());
        if (parsed.success) stored = add(ZERO, parsed.data);
        else malformed.push(account.ref.path);
      } else {
        for (const shard of shards.docs) {
          const parsed = SHARDS.schema.safeParse(shard.data());
          if (parsed.success) stored = add(stored, parsed.data);
          else malformed.push(shard.ref.path);
        }
      }
      let fromActivity = ZERO;
      for (const line of lines.docs) {
        const parsed = ACTIVITY.schema.safeParse(line.data());
        if (!parsed.success) {
          malformed.push(line.ref.path);
          continue;
        }
        const { side, amount, stage } = parsed.data;
        fromActivity = applyStage(fromActivity, side, amount, stage);
      }
      return { difference: { accountId, stored, fromActivity }, malformed };
    },
    { readOnly: true },
  );
}

/** Account ids: user accounts have documents; platform accounts may exist only as shards. */
async function accountIds(db: Firestore): Promise<string[]> {
  const refs = await LEDGER_ACCOUNTS.ref(db).listDocuments();
  return refs.map((ref) => ref.id).sort();
}

export async function runLedgerCheck(db: Firestore, now: () => number = Date.now): Promise<LedgerCheckReport> {
  const startedAt = Timestamp.fromMillis(now());
  const journal = await checkJournal(db);
  const ids = await accountIds(db);
  const accountDifferences: LedgerCheckReport["accountDifferences"] = [];
  const malformed = [...journal.malformed];
  for (const id of ids) {
    const result = await checkAccount(db, id);
    malformed.push(...result.malformed);
    const { stored, fromActivity } = result.difference;
    if (!equal(stored, fromActivity)) accountDifferences.push(result.difference);
  }
  const unbalancedCurrencies = Object.entries(journal.currencies).filter(([, t]) => t.debits !== t.credits);
  const ok =
    journal.unbalancedEntries.length === 0 &&
    accountDifferences.length === 0 &&
    unbalancedCurrencies.length === 0 &&
    malformed.length === 0;
  const date = checkDate(startedAt.toMillis());
  const report: LedgerCheckReport = {
    date,
    ok,
    entriesChecked: journal.entriesChecked,
    accountsChecked: ids.length,
    currencies: journal.currencies,
    unbalancedEntries: journal.unbalancedEntries.slice(0, MAX_LISTED),
    accountDifferences: accountDifferences.slice(0, MAX_LISTED),
    malformed: malformed.slice(0, MAX_LISTED),
    startedAt,
    finishedAt: Timestamp.fromMillis(now()),
  };
  const batch = db.batch();
  batch.set(LEDGER_CHECKS.ref(db).doc(date), report);
  if (!ok) {
    batch.create(ALERTS.ref(db).doc(`ledger-check-${date}-${startedAt.toMillis()}`), {
      type: "ledger-difference",
      detail: {
        date,
        unbalancedEntries: journal.unbalancedEntries.length,
        unbalancedCurrencies: unbalancedCurrencies.map(([currency]) => currency),
        accountDifferences: accountDifferences.length,
        malformed: malformed.length,
      },
      createdAt: FieldValue.serverTimestamp(),
      resolved: false,
    });
  }
  await batch.commit();
  return report;
}
