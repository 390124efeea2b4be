// The ledger's documents: journal entries, user accounts with their balances, each account's
// activity lines, and the shards that hold platform accounts' balances.
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { LEDGER_CURRENCIES } from "../shared/catalog.js";
import { ACCOUNT_KINDS } from "./accounts.js";

const timestamp = z.instanceof(Timestamp);
const minor = z.number().int();
const side = z.enum(["debit", "credit"]);
export const ENTRY_STATUSES = ["pending", "posted", "voided"] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
export const STAGES = ["post", "hold", "commit", "void"] as const;

export const entrySchema = z.object({
  kind: z.string(),
  status: z.enum(ENTRY_STATUSES),
  postings: z.array(
    z.object({
      accountId: z.string(),
      kind: z.enum(ACCOUNT_KINDS),
      owner: z.string(),
      currency: z.enum(LEDGER_CURRENCIES),
      side,
      amount: minor.positive(),
    }),
  ),
  requestHash: z.string(),
  reference: z.string().nullable(),
  parent: z.string().nullable(),
  allowNegative: z.boolean(),
  /** What the movement's feature needs to know later (the buyer, the points a purchase earns). */
  meta: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .nullable()
    .optional(),
  /** Whether posting it is announced in ledgerEvents (for the features that follow entries). */
  announce: z.boolean().optional(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type EntryRecord = z.infer<typeof entrySchema>;

const balances = { debits: minor, credits: minor, pendingDebits: minor, pendingCredits: minor };

/** A user account (wallet, points): its balances and who owns it. */
export const accountSchema = z.object({
  ...balances,
  uid: z.string(),
  owner: z.string(),
  kind: z.enum(ACCOUNT_KINDS),
  currency: z.enum(LEDGER_CURRENCIES),
  updatedAt: timestamp,
});
export type AccountRecord = z.infer<typeof accountSchema>;

/**
 * One line per account per stage of an entry. User accounts' lines carry the owner's uid and the
 * balance after the line, so a wallet's history is one query and its balance can be checked
 * against it.
 */
export const activitySchema = z.object({
  entryId: z.string(),
  /** The entry's kind: "topup", "purchase", "transfer", ... */
  kind: z.string(),
  stage: z.enum(STAGES),
  side,
  amount: minor.positive(),
  currency: z.enum(LEDGER_CURRENCIES),
  at: timestamp,
  uid: z.string().optional(),
  balanceAfter: minor.optional(),
  availableAfter: minor.optional(),
});
export type ActivityRecord = z.infer<typeof activitySchema>;

/** A platform account's shard: increments only, summed on read. */
export const shardSchema = z.object(balances).partial();

export const JOURNAL = defineCollection("journal", entrySchema);

/**
 * ledgerEvents/{entryId}: written in the same commit that posts an entry that asked to be
 * announced, so a trigger follows exactly those entries (points for a purchase) instead of every
 * journal write.
 */
export const LEDGER_EVENTS = defineCollection(
  "ledgerEvents",
  z.object({ entryId: z.string(), kind: z.string(), at: timestamp }),
);
export const LEDGER_ACCOUNTS = defineCollection("ledgerAccounts", accountSchema);
export const ACTIVITY = defineCollection("ledgerAccounts/{accountId}/activity", activitySchema);
export const SHARDS = defineCollection("ledgerAccounts/{accountId}/shards", shardSchema);
