// The nightly ledger check against the Firestore emulator. Other test files move money at the same
// time, so this file asserts only about accounts it owns: a healthy account is never reported,
// a tampered one is, with an alert, and the report is filed under the date in Nairobi.
import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { adminDb } from "../../../tests/support/firestore.js";
import { accounts, type Account } from "./accounts.js";
import { checkDate, runLedgerCheck } from "./check.js";
import { commitHold, postEntry } from "./journal.js";
import type { Posting } from "./postings.js";

const db = adminDb();
const debit = (account: Account, amount: number): Posting => ({ account, side: "debit", amount });
const credit = (account: Account, amount: number): Posting => ({ account, side: "credit", amount });

describe("nightly ledger check", () => {
  it("dates a report by the calendar in Nairobi (UTC+3)", () => {
    expect(checkDate(Date.UTC(2026, 11, 1, 20, 59))).toBe("2026-12-01");
    expect(checkDate(Date.UTC(2026, 11, 1, 21, 0))).toBe("2026-12-02");
  });

  it("passes accounts that equal their activity, reports one that does not, and raises an alert", async () => {
    const healthy = accounts.wallet(`check-${randomUUID()}`, "KES");
    const tampered = accounts.wallet(`check-${randomUUID()}`, "KES");
    const clearing = accounts.clearing("mpesa", "KES");
    for (const wallet of [healthy, tampered]) {
      await postEntry(db, {
        id: `topup:${randomUUID()}`,
        kind: "topup",
        postings: [debit(clearing, 500_00), credit(wallet, 500_00)],
      });
    }
    const hold = `purchase:${randomUUID()}`;
    await postEntry(db, {
      id: hold,
      kind: "purchase",
      hold: true,
      postings: [debit(healthy, 120_00), credit(accounts.fees("KES"), 120_00)],
    });
    await commitHold(db, hold);
    // Someone edits a balance behind the ledger's back.
    await db.collection("ledgerAccounts").doc(tampered.id).update({ credits: 900_00 });

    const now = Date.now();
    const report = await runLedgerCheck(db, () => now);
    const reported = report.accountDifferences.map((difference) => difference.accountId);
    expect(reported).toContain(tampered.id);
    expect(reported).not.toContain(healthy.id);
    expect(report.ok).toBe(false);
    expect(report.unbalancedEntries).toEqual([]);
    const difference = report.accountDifferences.find((d) => d.accountId === tampered.id);
    expect(difference).toMatchObject({ stored: { credits: 900_00 }, fromActivity: { credits: 500_00 } });

    const stored = await db.collection("ledgerChecks").doc(checkDate(now)).get();
    expect(stored.get("ok")).toBe(false);
    const alerts = await db
      .collection("alerts")
      .where("type", "==", "ledger-difference")
      .where("detail.date", "==", checkDate(now))
      .get();
    expect(alerts.size).toBeGreaterThanOrEqual(1);
    // Put the account back so the other files' checks (and tomorrow's) see an honest ledger.
    await db.collection("ledgerAccounts").doc(tampered.id).update({ credits: 500_00 });
  });
});
