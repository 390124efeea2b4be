// The pure rules of a journal entry: what makes its postings valid, and what each stage of an
// entry (posted at once, held, a hold committed or voided) does to an account's balances.
import { AppError } from "../core/errors.js";
import type { Account, Balances } from "./accounts.js";

export type Side = "debit" | "credit";

export interface Posting {
  readonly account: Account;
  readonly side: Side;
  /** Integer minor units (points for PTS), greater than zero. */
  readonly amount: number;
}

/**
 * What an entry does to an account at each step:
 *   post    posted at once          debits/credits += amount
 *   hold    placed as pending       pendingDebits/pendingCredits += amount
 *   commit  a hold becomes posted   pending -= amount, posted += amount
 *   void    a hold is released      pending -= amount
 */
export type Stage = "post" | "hold" | "commit" | "void";

/** Refuses postings that are not one balanced movement, with what to fix. */
export function checkPostings(postings: readonly Posting[]): void {
  if (postings.length < 2) {
    throw new AppError("invalid-argument", "postings: a movement needs at least one debit and one credit.");
  }
  const seen = new Set<string>();
  const net = new Map<string, number>();
  for (const [i, posting] of postings.entries()) {
    if (!Number.isSafeInteger(posting.amount) || posting.amount <= 0) {
      throw new AppError("invalid-argument", `postings.${i}.amount: must be a whole number of minor units above zero.`);
    }
    if (seen.has(posting.account.id)) {
      throw new AppError(
        "invalid-argument",
        `postings.${i}: account ${posting.account.id} appears twice; combine them.`,
      );
    }
    seen.add(posting.account.id);
    const signed = posting.side === "credit" ? posting.amount : -posting.amount;
    net.set(posting.account.currency, (net.get(posting.account.currency) ?? 0) + signed);
  }
  for (const [currency, difference] of net) {
    if (difference !== 0) {
      throw new AppError(
        "invalid-argument",
        `postings: ${currency} debits and credits differ by ${Math.abs(difference)}; every currency must balance.`,
      );
    }
  }
}

export function applyStage(balances: Balances, side: Side, amount: number, stage: Stage): Balances {
  const posted = side === "debit" ? "debits" : "credits";
  const pending = side === "debit" ? "pendingDebits" : "pendingCredits";
  switch (stage) {
    case "post":
      return { ...balances, [posted]: balances[posted] + amount };
    case "hold":
      return { ...balances, [pending]: balances[pending] + amount };
    case "commit":
      return { ...balances, [pending]: balances[pending] - amount, [posted]: balances[posted] + amount };
    case "void":
      return { ...balances, [pending]: balances[pending] - amount };
  }
}
