import { describe, expect, it } from "vitest";

import { accounts, availableOf, balanceOf, ZERO } from "./accounts.js";
import { applyStage, checkPostings, type Posting } from "./postings.js";

const wallet = accounts.wallet("u1", "KES");
const clearing = accounts.clearing("mpesa", "KES");
const fees = accounts.fees("KES");

const debit = (account: Posting["account"], amount: number): Posting => ({ account, side: "debit", amount });
const credit = (account: Posting["account"], amount: number): Posting => ({ account, side: "credit", amount });

describe("checkPostings", () => {
  it("accepts a balanced movement, fee leg included", () => {
    expect(() => {
      checkPostings([debit(wallet, 1_050_00), credit(clearing, 1_000_00), credit(fees, 50_00)]);
    }).not.toThrow();
  });

  it.each([
    ["one posting", [debit(wallet, 100)], "at least one debit and one credit"],
    ["debits above credits", [debit(wallet, 101), credit(clearing, 100)], "KES debits and credits differ by 1"],
    ["a zero amount", [debit(wallet, 0), credit(clearing, 0)], "postings.0.amount"],
    ["a fraction", [debit(wallet, 10.5), credit(clearing, 10.5)], "whole number of minor units"],
    ["a negative amount", [debit(wallet, -5), credit(clearing, -5)], "above zero"],
    ["an account twice", [debit(wallet, 5), credit(wallet, 5)], "appears twice"],
    [
      "currencies that only balance together",
      [debit(wallet, 100), credit(accounts.clearing("iotec", "UGX"), 100)],
      "every currency must balance",
    ],
  ])("refuses %s, saying what to fix", (_name, postings, message) => {
    expect(() => {
      checkPostings(postings);
    }).toThrow(message);
  });
});

describe("applyStage", () => {
  it("a hold is not spendable, its commit posts it, its void releases it", () => {
    const funded = applyStage(ZERO, "credit", 5_000, "post");
    expect([balanceOf(funded), availableOf(funded)]).toEqual([5_000, 5_000]);
    const held = applyStage(funded, "debit", 1_000, "hold");
    expect([balanceOf(held), availableOf(held)]).toEqual([5_000, 4_000]);
    const committed = applyStage(held, "debit", 1_000, "commit");
    expect(committed).toEqual({ debits: 1_000, credits: 5_000, pendingDebits: 0, pendingCredits: 0 });
    expect(availableOf(committed)).toBe(4_000);
    expect(applyStage(held, "debit", 1_000, "void")).toEqual(funded);
  });

  it("a held credit is not available until posted", () => {
    const incoming = applyStage(ZERO, "credit", 700, "hold");
    expect([balanceOf(incoming), availableOf(incoming)]).toEqual([0, 0]);
    expect(availableOf(applyStage(incoming, "credit", 700, "commit"))).toBe(700);
  });
});
