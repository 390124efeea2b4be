// The journal against the Firestore emulator: idempotent movements, balanced postings, no user
// balance below zero under concurrent debits and holds, holds resolved exactly once, reversals as
// new entries, sharded platform accounts, and a model-based run of random concurrent movements.
import { randomUUID } from "node:crypto";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { adminDb } from "../../../tests/support/firestore.js";
import { AppError } from "../core/errors.js";
import { accounts, availableOf, balanceOf, type Account } from "./accounts.js";
import { commitHold, postEntry, readBalances, reverseEntry, voidHold, type JournalEntry } from "./journal.js";
import type { Posting } from "./postings.js";

const db = adminDb();
const clearing = accounts.clearing("mpesa", "KES");
const fees = accounts.fees("KES");

const debit = (account: Account, amount: number): Posting => ({ account, side: "debit", amount });
const credit = (account: Account, amount: number): Posting => ({ account, side: "credit", amount });

function newWallet(): Account {
  return accounts.wallet(`ledger-${randomUUID()}`, "KES");
}

async function topUp(wallet: Account, amount: number, id = `topup:${randomUUID()}`): Promise<JournalEntry> {
  return postEntry(db, { id, kind: "topup", postings: [debit(clearing, amount), credit(wallet, amount)] });
}

function spend(wallet: Account, amount: number, options: { id?: string; hold?: boolean } = {}) {
  return postEntry(db, {
    id: options.id ?? `purchase:${randomUUID()}`,
    kind: "purchase",
    postings: [debit(wallet, amount), credit(fees, amount)],
    ...(options.hold ? { hold: true } : {}),
  });
}

/** Runs every attempt at once; a refusal comes back as its AppError code. */
async function settleAll<T>(attempts: readonly (() => Promise<T>)[]): Promise<(T | { refused: string })[]> {
  return Promise.all(
    attempts.map(async (attempt) => {
      try {
        return await attempt();
      } catch (error) {
        if (error instanceof AppError) return { refused: error.code };
        throw error;
      }
    }),
  );
}

const refused = (result: unknown): boolean => typeof result === "object" && result !== null && "refused" in result;

async function activityOf(account: Account) {
  const lines = await db.collection("ledgerAccounts").doc(account.id).collection("activity").get();
  return lines.docs.map((doc) => doc.data());
}

describe("movements", () => {
  it("a top-up credits the wallet once, however often it is posted, and leaves an activity line", async () => {
    const wallet = newWallet();
    const id = `topup:${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 10 }, () => topUp(wallet, 1_000_00, id)));
    expect(new Set(results.map((entry) => entry.id))).toEqual(new Set([id]));
    expect(balanceOf(await readBalances(db, wallet))).toBe(1_000_00);
    expect(await activityOf(wallet)).toMatchObject([
      { entryId: id, side: "credit", amount: 1_000_00, balanceAfter: 1_000_00 },
    ]);
    const entry = (await db.collection("journal").doc(id).get()).data();
    expect(entry).toMatchObject({ kind: "topup", status: "posted", parent: null });
  });

  it("the same id for a different movement is refused and changes nothing", async () => {
    const wallet = newWallet();
    const id = `topup:${randomUUID()}`;
    await topUp(wallet, 500_00, id);
    await expect(topUp(wallet, 600_00, id)).rejects.toMatchObject({ code: "already-exists" });
    expect(balanceOf(await readBalances(db, wallet))).toBe(500_00);
  });

  it("unbalanced postings are refused before anything is written", async () => {
    const wallet = newWallet();
    const id = `topup:${randomUUID()}`;
    await expect(
      postEntry(db, { id, kind: "topup", postings: [debit(clearing, 100), credit(wallet, 99)] }),
    ).rejects.toMatchObject({ code: "invalid-argument", message: expect.stringContaining("differ by 1") });
    expect((await db.collection("journal").doc(id).get()).exists).toBe(false);
    expect((await db.collection("ledgerAccounts").doc(wallet.id).get()).exists).toBe(false);
  });

  it("50 concurrent debits totalling twice the balance: exactly floor(balance / amount) succeed, never below zero", async () => {
    const wallet = newWallet();
    await topUp(wallet, 1_000_00);
    const amount = 40_00; // 50 × 40 = 2,000 = twice the balance
    const results = await settleAll(Array.from({ length: 50 }, () => () => spend(wallet, amount)));
    expect(results.filter((result) => !refused(result))).toHaveLength(Math.floor(1_000_00 / amount));
    expect(results.filter(refused)).toEqual(Array(25).fill({ refused: "failed-precondition" }));
    const balances = await readBalances(db, wallet);
    expect(balanceOf(balances)).toBe(0);
    // Every activity line's balance after stayed at or above zero, and they end at the balance.
    const lines = await activityOf(wallet);
    expect(lines).toHaveLength(26);
    for (const line of lines) expect(line.balanceAfter).toBeGreaterThanOrEqual(0);
  });

  it("a refusal says how much is available and how much was needed", async () => {
    const wallet = newWallet();
    await topUp(wallet, 10_00);
    await expect(spend(wallet, 25_00)).rejects.toMatchObject({
      code: "failed-precondition",
      message: "Insufficient funds: KES 10.00 available in your KES wallet, KES 25.00 needed.",
      details: { available: 10_00, needed: 25_00 },
    });
  });
});

describe("holds", () => {
  it("six concurrent holds of 1,000 on 5,000 available: exactly five are placed", async () => {
    const wallet = newWallet();
    await topUp(wallet, 5_000);
    const results = await settleAll(Array.from({ length: 6 }, () => () => spend(wallet, 1_000, { hold: true })));
    expect(results.filter((result) => !refused(result))).toHaveLength(5);
    const balances = await readBalances(db, wallet);
    expect([balanceOf(balances), availableOf(balances)]).toEqual([5_000, 0]);
    // Committing them all spends exactly what was available.
    const placed = results.filter((result): result is JournalEntry => !refused(result));
    await Promise.all(placed.map((hold) => commitHold(db, hold.id)));
    const after = await readBalances(db, wallet);
    expect([balanceOf(after), availableOf(after), after.pendingDebits]).toEqual([0, 0, 0]);
  });

  it("a hold resolves exactly once: repeats are answered, the other way round is refused", async () => {
    const wallet = newWallet();
    await topUp(wallet, 3_000);
    const committed = await spend(wallet, 1_000, { hold: true });
    const voided = await spend(wallet, 1_000, { hold: true });

    expect((await commitHold(db, committed.id)).status).toBe("posted");
    expect((await commitHold(db, committed.id)).status).toBe("posted");
    await expect(voidHold(db, committed.id)).rejects.toMatchObject({ code: "failed-precondition" });
    expect((await voidHold(db, voided.id)).status).toBe("voided");
    await expect(commitHold(db, voided.id)).rejects.toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("cannot be committed"),
    });
    await expect(commitHold(db, `purchase:${randomUUID()}`)).rejects.toMatchObject({ code: "not-found" });
    const balances = await readBalances(db, wallet);
    expect([balanceOf(balances), availableOf(balances), balances.pendingDebits]).toEqual([2_000, 2_000, 0]);
  });

  it("a commit and a void racing for one hold: exactly one wins", async () => {
    const wallet = newWallet();
    await topUp(wallet, 1_000);
    const hold = await spend(wallet, 1_000, { hold: true });
    const results = await settleAll([
      ...Array.from({ length: 5 }, () => () => commitHold(db, hold.id)),
      ...Array.from({ length: 5 }, () => () => voidHold(db, hold.id)),
    ]);
    const outcomes = new Set(results.filter((r): r is JournalEntry => !refused(r)).map((entry) => entry.status));
    expect(outcomes.size).toBe(1);
    const [status] = [...outcomes];
    const balances = await readBalances(db, wallet);
    expect(balances.pendingDebits).toBe(0);
    expect(balanceOf(balances)).toBe(status === "posted" ? 0 : 1_000);
  });
});

describe("reversals", () => {
  it("a reversal is a new entry pointing at its parent; the original is untouched; twice is once", async () => {
    const wallet = newWallet();
    const original = await topUp(wallet, 800);
    const before = (await db.collection("journal").doc(original.id).get()).data();
    const [first, second] = await Promise.all([reverseEntry(db, original.id), reverseEntry(db, original.id)]);
    expect(first).toEqual(second);
    expect(first).toMatchObject({ id: `reverse:${original.id}`, kind: "reversal", parent: original.id });
    expect((await db.collection("journal").doc(original.id).get()).data()).toEqual(before);
    expect(balanceOf(await readBalances(db, wallet))).toBe(0);
  });

  it("reversing money already spent is refused unless the movement allows going below zero", async () => {
    const wallet = newWallet();
    const original = await topUp(wallet, 800);
    await spend(wallet, 500);
    await expect(reverseEntry(db, original.id)).rejects.toMatchObject({ code: "failed-precondition" });
    await reverseEntry(db, original.id, { allowNegative: true });
    expect(balanceOf(await readBalances(db, wallet))).toBe(-500);
  });

  it("a hold is voided, not reversed", async () => {
    const wallet = newWallet();
    await topUp(wallet, 800);
    const hold = await spend(wallet, 300, { hold: true });
    await expect(reverseEntry(db, hold.id)).rejects.toMatchObject({ code: "failed-precondition" });
  });
});

describe("platform accounts", () => {
  it("100 concurrent top-ups through one sharded clearing account all land and sum up", async () => {
    const provider = accounts.clearing("iotec", "UGX");
    const before = balanceOf(await readBalances(db, provider));
    const wallets = Array.from({ length: 100 }, () => accounts.wallet(`ledger-${randomUUID()}`, "UGX"));
    await Promise.all(
      wallets.map((wallet, i) =>
        postEntry(db, {
          id: `topup:${randomUUID()}`,
          kind: "topup",
          postings: [debit(provider, 1_000 + i), credit(wallet, 1_000 + i)],
        }),
      ),
    );
    const total = wallets.reduce((sum, _, i) => sum + 1_000 + i, 0);
    expect(balanceOf(await readBalances(db, provider))).toBe(before - total);
    const shards = await db.collection("ledgerAccounts").doc(provider.id).collection("shards").get();
    expect(shards.size).toBeGreaterThan(1);
  });
});

describe("model: random concurrent movements", () => {
  type Op =
    | { kind: "topup"; user: number; amount: number }
    | { kind: "spend"; user: number; amount: number; hold: boolean }
    | { kind: "earn"; user: number; points: number }
    | { kind: "redeem"; user: number; amount: number; points: number; hold: boolean }
    | { kind: "resolve"; index: number; commit: boolean }
    | { kind: "reverse"; index: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant("topup" as const), user: fc.nat(2), amount: fc.integer({ min: 1, max: 5_000 }) }),
    fc.record({
      kind: fc.constant("spend" as const),
      user: fc.nat(2),
      amount: fc.integer({ min: 1, max: 5_000 }),
      hold: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("earn" as const), user: fc.nat(2), points: fc.integer({ min: 1, max: 50 }) }),
    // A purchase paid partly with points: the wallet pays the cash, the platform's rewards account
    // pays the points' value, and the points go back to the liability.
    fc.record({
      kind: fc.constant("redeem" as const),
      user: fc.nat(2),
      amount: fc.integer({ min: 1, max: 5_000 }),
      points: fc.integer({ min: 1, max: 50 }),
      hold: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("resolve" as const), index: fc.nat(40), commit: fc.boolean() }),
    fc.record({ kind: fc.constant("reverse" as const), index: fc.nat(40) }),
  );

  it("every run ends balanced per currency, nothing below zero, every account equal to its activity", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 5 }),
        async (rounds) => {
          const run = randomUUID();
          const wallets = [0, 1, 2].map((n) => accounts.wallet(`model-${run}-${n}`, "KES"));
          const pointsOf = [0, 1, 2].map((n) => accounts.points(`model-${run}-${n}`));
          const source = accounts.suspense("KES");
          const sink = accounts.fees("KES");
          const entries: JournalEntry[] = [];
          const touched = new Set<string>();
          // Each round's operations run concurrently; rounds follow each other.
          for (const round of rounds) {
            const results = await settleAll(
              round.map((step) => async (): Promise<JournalEntry | undefined> => {
                switch (step.kind) {
                  case "topup":
                    return postEntry(db, {
                      id: `model:${randomUUID()}`,
                      kind: "topup",
                      postings: [debit(source, step.amount), credit(wallets[step.user]!, step.amount)],
                    });
                  case "spend":
                    return postEntry(db, {
                      id: `model:${randomUUID()}`,
                      kind: "purchase",
                      postings: [debit(wallets[step.user]!, step.amount), credit(sink, step.amount)],
                      hold: step.hold,
                    });
                  case "earn":
                    return postEntry(db, {
                      id: `model:${randomUUID()}`,
                      kind: "points-earned",
                      postings: [
                        debit(accounts.pointsLiability(), step.points),
                        credit(pointsOf[step.user]!, step.points),
                      ],
                    });
                  case "redeem": {
                    const value = step.points * 100;
                    return postEntry(db, {
                      id: `model:${randomUUID()}`,
                      kind: "purchase",
                      postings: [
                        debit(wallets[step.user]!, step.amount),
                        debit(accounts.rewards("KES"), value),
                        credit(sink, step.amount + value),
                        debit(pointsOf[step.user]!, step.points),
                        credit(accounts.pointsLiability(), step.points),
                      ],
                      hold: step.hold,
                    });
                  }
                  case "resolve": {
                    const entry = entries[step.index % Math.max(entries.length, 1)];
                    if (!entry) return undefined;
                    return step.commit ? commitHold(db, entry.id) : voidHold(db, entry.id);
                  }
                  case "reverse": {
                    const entry = entries[step.index % Math.max(entries.length, 1)];
                    return entry ? reverseEntry(db, entry.id) : undefined;
                  }
                }
              }),
            );
            for (const result of results) {
              if (result && !refused(result)) {
                entries.push(result as JournalEntry);
                touched.add((result as JournalEntry).id);
              }
            }
          }
          // Sum of the wallets and the two platform legs of this run's entries is zero: recompute
          // the platform side from the journal, since the platform accounts are shared by all runs.
          const journal = await Promise.all([...touched].map((id) => db.collection("journal").doc(id).get()));
          const platformNet = { KES: 0, PTS: 0 };
          for (const doc of journal) {
            const data = doc.data() as {
              status: string;
              postings: { accountId: string; currency: "KES" | "PTS"; side: string; amount: number }[];
            };
            if (data.status !== "posted") continue;
            for (const p of data.postings) {
              if (p.accountId.startsWith("@")) platformNet[p.currency] += p.side === "credit" ? p.amount : -p.amount;
            }
          }
          const usersNet = { KES: 0, PTS: 0 };
          for (const wallet of [...wallets, ...pointsOf]) {
            const balances = await readBalances(db, wallet);
            expect(availableOf(balances)).toBeGreaterThanOrEqual(0);
            usersNet[wallet.currency === "PTS" ? "PTS" : "KES"] += balanceOf(balances);
            const lines = await activityOf(wallet);
            const fromLines = lines.reduce((sum, line) => {
              const posted = line.stage === "post" || line.stage === "commit";
              if (!posted) return sum;
              return sum + (line.side === "credit" ? (line.amount as number) : -(line.amount as number));
            }, 0);
            expect(fromLines).toBe(balanceOf(balances));
          }
          expect(usersNet.KES + platformNet.KES).toBe(0);
          expect(usersNet.PTS + platformNet.PTS).toBe(0);
        },
      ),
      { numRuns: 15, seed: 20_261_201 },
    );
  });
});
