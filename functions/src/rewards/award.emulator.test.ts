// Reward points against the emulators: a posted purchase earns the points it promised once,
// however often its announcement is followed (in-process twice, concurrently, and by the deployed
// onLedgerEntryPosted trigger); a held or voided purchase earns nothing; a reversal claws the
// points back in proportion, even below zero once they were spent.
import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { eventually } from "../../../tests/support/eventually.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { accounts, balanceOf, type Account } from "../ledger/accounts.js";
import { commitHold, postEntry, readBalances, readEntry, reverseEntry, voidHold } from "../ledger/journal.js";
import type { Posting } from "../ledger/postings.js";
import { followPostedEntry, pointsEntryId } from "./award.js";

const db = adminDb();
const payee = accounts.clearing("vtpass", "KES");
const debit = (account: Account, amount: number): Posting => ({ account, side: "debit", amount });
const credit = (account: Account, amount: number): Posting => ({ account, side: "credit", amount });

async function fundedUser(amount: number): Promise<string> {
  const uid = `rewards-${randomUUID()}`;
  await postEntry(db, {
    id: `topup:${randomUUID()}`,
    kind: "topup",
    postings: [debit(accounts.clearing("mpesa", "KES"), amount), credit(accounts.wallet(uid, "KES"), amount)],
  });
  return uid;
}

/** A held purchase of KES 1,000 with a KES 50 fee that promises 10 points. */
async function heldPurchase(uid: string): Promise<string> {
  const id = `purchase:${randomUUID()}`;
  await postEntry(db, {
    id,
    kind: "purchase",
    hold: true,
    announce: true,
    meta: { uid, payee: payee.id, pointsEarned: 10 },
    postings: [
      debit(accounts.wallet(uid, "KES"), 1_050_00),
      credit(payee, 1_000_00),
      credit(accounts.fees("KES"), 50_00),
    ],
  });
  return id;
}

const points = async (uid: string) => balanceOf(await readBalances(db, accounts.points(uid)));

describe("reward points", () => {
  it("a delivered purchase earns its points once: the trigger, and following it twice at once", async () => {
    const uid = await fundedUser(2_000_00);
    const purchase = await heldPurchase(uid);
    expect(await points(uid)).toBe(0);
    await commitHold(db, purchase);
    await Promise.all([followPostedEntry(db, purchase), followPostedEntry(db, purchase)]);
    expect(await points(uid)).toBe(10);
    // The deployed trigger follows the same announcement; it must not add a second award.
    await eventually(
      async () => (await db.collection("ledgerEvents").doc(purchase).get()).exists,
      (exists) => exists,
    );
    const award = await eventually(
      () => readEntry(db, pointsEntryId(purchase)),
      (entry) => entry !== undefined,
    );
    expect(award).toMatchObject({ kind: "points-earned", status: "posted", parent: purchase });
    await followPostedEntry(db, purchase);
    expect(await points(uid)).toBe(10);
  });

  it("a held purchase earns nothing, and a voided one never does", async () => {
    const uid = await fundedUser(2_000_00);
    const purchase = await heldPurchase(uid);
    await followPostedEntry(db, purchase);
    await voidHold(db, purchase);
    await followPostedEntry(db, purchase);
    expect(await readEntry(db, pointsEntryId(purchase))).toBeUndefined();
    expect(await points(uid)).toBe(0);
  });

  it("a reversal claws the points back, below zero when they were already spent", async () => {
    const uid = await fundedUser(2_000_00);
    const purchase = await heldPurchase(uid);
    await commitHold(db, purchase);
    await followPostedEntry(db, purchase);
    // The 10 points are spent on something else before the purchase is refunded.
    await postEntry(db, {
      id: `redeem:${randomUUID()}`,
      kind: "redemption",
      postings: [debit(accounts.points(uid), 10), credit(accounts.pointsLiability(), 10)],
    });
    const reversal = await reverseEntry(db, purchase, { allowNegative: true });
    await Promise.all([followPostedEntry(db, reversal.id), followPostedEntry(db, reversal.id)]);
    expect(await readEntry(db, pointsEntryId(reversal.id))).toMatchObject({
      kind: "points-clawback",
      allowNegative: true,
    });
    expect(await points(uid)).toBe(-10);
  });

  it("a partial reversal claws back its share of the points, rounded up", async () => {
    const uid = await fundedUser(2_000_00);
    const purchase = await heldPurchase(uid);
    await commitHold(db, purchase);
    await followPostedEntry(db, purchase);
    // A third of the purchase returned: ceil(10 × 333.33 / 1,000) = 4 points back.
    const refund = `refund:${randomUUID()}`;
    await postEntry(db, {
      id: refund,
      kind: "reversal",
      parent: purchase,
      announce: true,
      postings: [debit(payee, 333_33), credit(accounts.wallet(uid, "KES"), 333_33)],
    });
    await followPostedEntry(db, refund);
    expect(await points(uid)).toBe(6);
  });
});
