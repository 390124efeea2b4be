// Ledger accounts: who owns them, in which currency, and the one sign convention.
//
// Every account keeps posted debits and credits and held (pending) debits and credits, all in
// integer minor units. balance = credits - debits: what Malipo owes the owner. A top-up debits the
// provider's clearing account and credits the user's wallet, so the wallet's balance rises and
// clearing goes below zero by what the provider holds for Malipo. Held debits are not spendable:
// available = balance - pendingDebits; held credits are not spendable either until posted.
//
// User accounts (wallets, points) never go below zero unless a movement says it may (a points
// clawback). Platform accounts (clearing, fees, points liability, rewards, suspense, revenue) may,
// and are touched by every movement of their kind, so they are sharded: each movement adds to one
// random shard document, and their balance is the sum of the shards.
//
// A merchant's account (merchant:{merchantId}:{currency}) is what Malipo owes a shop for its
// settled sales. It is kept like a user account (read, checked, compare-and-set), owned by
// "merchant:{merchantId}", which no signed-in user's uid is. Only fulfilment moves it, and
// fulfilment already confirms one merchant's orders one at a time (its invoice counter), so the
// account adds no contention of its own.
import type { Currency, LedgerCurrency, ProviderName } from "../shared/catalog.js";

export type { LedgerCurrency };
export const ACCOUNT_KINDS = [
  "wallet",
  "points",
  "clearing",
  "fees",
  "pointsLiability",
  "rewards",
  "suspense",
  "merchant",
  "revenue",
] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const PLATFORM = "@platform";

export interface Account {
  /** The ledgerAccounts document id. */
  readonly id: string;
  readonly kind: AccountKind;
  readonly currency: LedgerCurrency;
  /** A user's uid, or PLATFORM. */
  readonly owner: string;
}

export const accounts = {
  wallet: (uid: string, currency: Currency): Account => ({
    id: `wallet:${uid}:${currency}`,
    kind: "wallet",
    currency,
    owner: uid,
  }),
  points: (uid: string): Account => ({ id: `points:${uid}`, kind: "points", currency: "PTS", owner: uid }),
  /** Money received from, or owed to, a provider or biller (mpesa, iotec, vtpass, ...). */
  clearing: (counterparty: ProviderName | (string & {}), currency: Currency): Account => ({
    id: `@clearing:${counterparty}:${currency}`,
    kind: "clearing",
    currency,
    owner: PLATFORM,
  }),
  fees: (currency: Currency): Account => ({ id: `@fees:${currency}`, kind: "fees", currency, owner: PLATFORM }),
  pointsLiability: (): Account => ({
    id: "@points-liability",
    kind: "pointsLiability",
    currency: "PTS",
    owner: PLATFORM,
  }),
  /** What the platform pays for the points its users redeem, in money. */
  rewards: (currency: Currency): Account => ({
    id: `@rewards:${currency}`,
    kind: "rewards",
    currency,
    owner: PLATFORM,
  }),
  /** What Malipo owes a merchant (a shop) for its settled sales, in one currency. */
  merchant: (merchantId: string, currency: Currency): Account => ({
    id: `merchant:${merchantId}:${currency}`,
    kind: "merchant",
    currency,
    owner: `merchant:${merchantId}`,
  }),
  suspense: (currency: Currency): Account => ({
    id: `@suspense:${currency}`,
    kind: "suspense",
    currency,
    owner: PLATFORM,
  }),
  /** What Malipo itself earns from a kind of sale (contest entry fees: "entries"). */
  revenue: (source: string, currency: Currency): Account => ({
    id: `@revenue:${source}:${currency}`,
    kind: "revenue",
    currency,
    owner: PLATFORM,
  }),
} as const;

export function isPlatform(account: Pick<Account, "owner">): boolean {
  return account.owner === PLATFORM;
}

/** Shard documents per platform account: each takes about one write a second in production. */
export const PLATFORM_SHARDS = 10;

export interface Balances {
  readonly debits: number;
  readonly credits: number;
  readonly pendingDebits: number;
  readonly pendingCredits: number;
}

export const ZERO: Balances = { debits: 0, credits: 0, pendingDebits: 0, pendingCredits: 0 };

export function balanceOf(b: Balances): number {
  return b.credits - b.debits;
}

export function availableOf(b: Balances): number {
  return b.credits - b.debits - b.pendingDebits;
}
