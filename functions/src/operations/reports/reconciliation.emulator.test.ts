// The daily reconciliation report against the emulators and the Daraja simulator: a day seeded
// with every exception kind (directly with the Admin SDK: the report reads documents, it does not
// care how they were made) gives exactly the expected report, the same document when run again,
// and never one payment matched to two provider records. Local successes nothing confirmed are
// re-queried at the real simulator. Money rules 20 and 21 (docs/money-rules.md).
import { randomInt } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { kenyanPhone } from "../../../../tests/support/client.js";
import { runSchedule } from "../../../../tests/support/emulators.js";
import { adminDb, eventually } from "../../../../tests/support/firestore.js";
import { simulatorProvider } from "../../../../tests/support/providers.js";
import { requestsFor, waitForSimulator } from "../../../../tests/support/sandbox.js";
import { BILLS } from "../../bills/collections.js";
import { LEDGER_CHECKS } from "../../ledger/check.js";
import { EVENTS, PROVIDER_EVENTS } from "../../payments/collections.js";
import { PAYMENTS, type PaymentRecord } from "../../payments/records.js";
import { WITHDRAWALS } from "../../payouts/collections.js";
import { RECONCILIATION_REPORTS, type ReconciliationLine } from "./collections.js";
import { addDays, dayOf, dayWindow } from "./days.js";
import { runReconciliationReport } from "./reconciliation.js";

const db = adminDb();
// A day long ago, its own per run: no other test writes payments there.
const DATE = `20${10 + randomInt(0, 8)}-0${1 + randomInt(0, 9)}-${10 + randomInt(0, 18)}`;
const { fromMs, toMs } = dayWindow(DATE, "Africa/Nairobi");
const run = `recon-${Date.now().toString(36)}-${randomInt(0, 1e6).toString(36)}`;
const id = (name: string) => `${run}-${name}`;
const at = (minutes: number) => Timestamp.fromMillis(fromMs + minutes * 60_000);
const iso = (minutes: number) => new Date(fromMs + minutes * 60_000).toISOString();

function payment(overrides: Partial<PaymentRecord> & { createdAt: Timestamp }): PaymentRecord {
  const terminal = !["pending", "processing"].includes(overrides.status ?? "succeeded");
  return {
    uid: `u-${run}`,
    // An entry payment without an email has no settlement side effect (no code, no mail).
    purpose: "entry",
    provider: "mpesa",
    amount: 100_00,
    currency: "KES",
    phone: "+254712000001",
    email: null,
    name: null,
    reference: null,
    competitionId: null,
    status: "succeeded",
    providerReference: null,
    receipt: null,
    failureCode: null,
    customerMessage: "seeded",
    idempotencyKey: `k-${randomInt(0, 1e9)}`,
    verified: false,
    initiatedAt: overrides.createdAt,
    updatedAt: overrides.createdAt,
    settledAt: terminal ? Timestamp.fromMillis(overrides.createdAt.toMillis() + 60_000) : null,
    refund: null,
    ...overrides,
  };
}

async function callback(
  name: string,
  fields: {
    providerReference: string;
    outcome: "succeeded" | "failed";
    amount: number;
    paymentId: string | null;
    receivedAt: Timestamp;
  },
): Promise<void> {
  const { providerReference, outcome, amount, paymentId, receivedAt } = fields;
  await PROVIDER_EVENTS.ref(db)
    .doc(`mpesa_${id(name)}`)
    .set({
      provider: "mpesa",
      eventKey: id(name),
      providerReference,
      outcome,
      status: { outcome, providerReference, customerMessage: "seeded", amount, currency: "KES" },
      raw: { seeded: true },
      receivedAt,
      matched: paymentId !== null,
      paymentId,
    });
}

/** A real STK push at the Daraja simulator, finished there; its callback goes nowhere we read. */
async function simulatorPush(name: string, phone: string): Promise<string> {
  const { providerReference } = await simulatorProvider("mpesa").initiate({
    paymentId: id(name),
    amount: 100_00,
    currency: "KES",
    phone,
    reference: "RECON",
    description: "Reconciliation test",
  });
  await waitForSimulator("daraja", "settled", { reference: providerReference });
  return providerReference;
}

const common = {
  localAmount: 100_00,
  localCurrency: "KES",
  provider: "mpesa",
  mismatched: [],
};

async function seedDay() {
  const confirmedRef = await simulatorPush("by-requery", kenyanPhone("0000"));
  const cancelledRef = await simulatorPush("unconfirmed", kenyanPhone("1032"));
  const seeds: [string, PaymentRecord][] = [
    // Matched by its callback, delivered twice; a second success under another reference names it too.
    ["matched", payment({ providerReference: `ws_${id("matched")}`, createdAt: at(60) })],
    // Matched by a re-query's answer kept in its events (reconcilePayments).
    ["requeried", payment({ providerReference: `ws_${id("requeried")}`, createdAt: at(70) })],
    // Matched only once this report asked the simulator (no callback, no re-query before).
    ["by-requery", payment({ providerReference: confirmedRef, createdAt: at(80) })],
    // Succeeded here, the simulator says the payer cancelled.
    ["unconfirmed", payment({ providerReference: cancelledRef, createdAt: at(90) })],
    // The provider reported 99 instead of 100: conflict.
    ["short", payment({ status: "conflict", providerReference: `ws_${id("short")}`, createdAt: at(100) })],
    // Still waiting hours later.
    ["stuck", payment({ status: "processing", providerReference: `ws_${id("stuck")}`, createdAt: at(110) })],
    // Closed as expired, then the provider's success arrived.
    ["late", payment({ status: "expired", providerReference: `ws_${id("late")}`, createdAt: at(120) })],
    // Failed at the provider too: nothing to do.
    ["failed", payment({ status: "failed", providerReference: `ws_${id("failed")}`, createdAt: at(130) })],
    // The day before: its late callback, received today, is not this day's.
    ["yesterday", payment({ providerReference: `ws_${id("yesterday")}`, createdAt: at(-10) })],
  ];
  await Promise.all(seeds.map(([name, data]) => PAYMENTS.ref(db).doc(id(name)).set(data)));
  await Promise.all([
    callback("matched-1", {
      providerReference: `ws_${id("matched")}`,
      outcome: "succeeded",
      amount: 100_00,
      paymentId: id("matched"),
      receivedAt: at(61),
    }),
    callback("matched-2", {
      providerReference: `ws_${id("matched")}`,
      outcome: "succeeded",
      amount: 100_00,
      paymentId: id("matched"),
      receivedAt: at(62),
    }),
    callback("matched-other", {
      providerReference: `ws_${id("matched-other")}`,
      outcome: "succeeded",
      amount: 100_00,
      paymentId: id("matched"),
      receivedAt: at(63),
    }),
    callback("short", {
      providerReference: `ws_${id("short")}`,
      outcome: "succeeded",
      amount: 99_00,
      paymentId: id("short"),
      receivedAt: at(101),
    }),
    callback("late", {
      providerReference: `ws_${id("late")}`,
      outcome: "succeeded",
      amount: 100_00,
      paymentId: id("late"),
      receivedAt: at(150),
    }),
    callback("failed", {
      providerReference: `ws_${id("failed")}`,
      outcome: "failed",
      amount: 100_00,
      paymentId: id("failed"),
      receivedAt: at(131),
    }),
    callback("stranger", {
      providerReference: `ws_${id("stranger")}`,
      outcome: "succeeded",
      amount: 42_00,
      paymentId: null,
      receivedAt: at(140),
    }),
    callback("yesterday", {
      providerReference: `ws_${id("yesterday")}`,
      outcome: "succeeded",
      amount: 100_00,
      paymentId: id("yesterday"),
      receivedAt: at(1),
    }),
    EVENTS.under(PAYMENTS.ref(db).doc(id("requeried")))
      .doc()
      .set({
        type: "requery",
        from: "processing",
        to: "succeeded",
        data: {
          outcome: "succeeded",
          providerReference: `ws_${id("requeried")}`,
          amount: 100_00,
          currency: "KES",
          phone: "+254712000001",
          raw: null,
        },
        at: at(75),
      }),
    BILLS.ref(db)
      .doc(id("bill"))
      .set({
        uid: `u-${run}`,
        provider: "vtpass",
        serviceId: "ikeja-electric",
        serviceName: "Ikeja Electric",
        category: "electricity",
        variationCode: "prepaid",
        variationName: "Prepaid",
        customerNumber: "1111111111111",
        customerName: null,
        phone: "+2348031234567",
        email: null,
        subscriptionType: null,
        currency: "NGN",
        amount: 1_000_00,
        fee: 50_00,
        total: 1_050_00,
        points: 0,
        redeemPoints: 0,
        quoteId: id("quote"),
        entryId: id("hold"),
        requestHash: "seeded",
        requestId: id("request"),
        status: "pending",
        providerCode: "099",
        providerReference: null,
        customerMessage: "seeded",
        delivery: null,
        payCalls: 1,
        checks: 3,
        nextCheckAt: at(200),
        alertedAt: null,
        receiptsSent: 0,
        refundedAt: null,
        createdAt: at(30),
        updatedAt: at(30),
        settledAt: null,
      }),
    WITHDRAWALS.ref(db)
      .doc(id("withdrawal"))
      .set({
        uid: `u-${run}`,
        provider: "mpesa",
        currency: "KES",
        phone: "+254712000001",
        amount: 300_00,
        fee: 10_00,
        total: 310_00,
        quoteId: id("wquote"),
        payoutId: id("payout"),
        requestHash: "seeded",
        day: DATE,
        status: "conflict",
        providerReference: `AG_${id("w")}`,
        receipt: null,
        failureCode: "mismatch:amount",
        customerMessage: "seeded",
        checks: 1,
        nextCheckAt: null,
        alertedAt: null,
        createdAt: at(40),
        updatedAt: at(41),
        settledAt: null,
      }),
    LEDGER_CHECKS.ref(db)
      .doc(addDays(DATE, 1))
      .set({
        date: addDays(DATE, 1),
        ok: true,
        entriesChecked: 12,
        accountsChecked: 4,
        currencies: { KES: { debits: 500_00, credits: 500_00 }, PTS: { debits: 7, credits: 7 } },
        unbalancedEntries: [],
        accountDifferences: [],
        malformed: [],
        startedAt: at(24 * 60 + 120),
        finishedAt: at(24 * 60 + 121),
      }),
  ]);
  return { confirmedRef, cancelledRef };
}

describe("the daily reconciliation report", () => {
  it("sorts a day with every exception kind into exactly the expected report, and runs again the same", async () => {
    const { confirmedRef, cancelledRef } = await seedDay();
    const deps = { db, provider: simulatorProvider, now: Date.now };

    const first = await runReconciliationReport(deps, DATE);
    const stored = (await RECONCILIATION_REPORTS.ref(db).doc(DATE).get()).data();
    expect(stored).toEqual(first);

    const expected: ReconciliationLine[] = [
      {
        ...common,
        kind: "provider-success-unmatched",
        subject: "provider-record",
        id: null,
        providerReference: `ws_${id("matched-other")}`,
        localStatus: null,
        providerOutcome: "succeeded",
        localAmount: null,
        localCurrency: null,
        providerAmount: 100_00,
        providerCurrency: "KES",
        at: iso(63),
        action: expect.stringContaining(
          `naming payment ${id("matched")}, whose reference is ws_${id("matched")}`,
        ) as string,
      },
      {
        ...common,
        kind: "provider-success-unmatched",
        subject: "payment",
        id: id("late"),
        providerReference: `ws_${id("late")}`,
        localStatus: "expired",
        providerOutcome: "succeeded",
        providerAmount: 100_00,
        providerCurrency: "KES",
        at: iso(120),
        action: expect.stringMatching(/closed as expired: refund the payer/) as string,
      },
      {
        ...common,
        kind: "provider-success-unmatched",
        subject: "provider-record",
        id: null,
        providerReference: `ws_${id("stranger")}`,
        localStatus: null,
        providerOutcome: "succeeded",
        localAmount: null,
        localCurrency: null,
        providerAmount: 42_00,
        providerCurrency: "KES",
        at: iso(140),
        action: expect.stringMatching(/that no payment claims/) as string,
      },
      {
        ...common,
        kind: "local-success-unconfirmed",
        subject: "payment",
        id: id("unconfirmed"),
        providerReference: cancelledRef,
        localStatus: "succeeded",
        providerOutcome: "cancelled",
        providerAmount: null,
        providerCurrency: null,
        at: iso(90),
        action: expect.stringMatching(/provider has not confirmed it \(its records say cancelled\)/) as string,
      },
      {
        ...common,
        kind: "amount-mismatch",
        subject: "withdrawal",
        id: id("withdrawal"),
        providerReference: `AG_${id("w")}`,
        localStatus: "conflict",
        providerOutcome: null,
        localAmount: 300_00,
        providerAmount: null,
        providerCurrency: null,
        at: iso(40),
        action: expect.stringMatching(/the hold stays/) as string,
      },
      {
        ...common,
        kind: "amount-mismatch",
        subject: "payment",
        id: id("short"),
        providerReference: `ws_${id("short")}`,
        localStatus: "conflict",
        providerOutcome: "succeeded",
        providerAmount: 99_00,
        providerCurrency: "KES",
        mismatched: ["amount"],
        at: iso(100),
        action: expect.stringMatching(/reports amount other than the request/) as string,
      },
      {
        ...common,
        kind: "pending-past-limit",
        subject: "bill",
        id: id("bill"),
        provider: "vtpass",
        providerReference: null,
        localStatus: "pending",
        providerOutcome: null,
        localAmount: 1_050_00,
        localCurrency: "NGN",
        providerAmount: null,
        providerCurrency: null,
        at: iso(30),
        action: expect.stringMatching(/still pending after \d+ hours: ask the provider/) as string,
      },
      {
        ...common,
        kind: "pending-past-limit",
        subject: "payment",
        id: id("stuck"),
        providerReference: `ws_${id("stuck")}`,
        localStatus: "processing",
        providerOutcome: null,
        providerAmount: null,
        providerCurrency: null,
        at: iso(110),
        action: expect.stringMatching(/Still processing after \d+ hours: re-query it/) as string,
      },
    ];
    expect(first).toEqual({
      date: DATE,
      timeZone: "Africa/Nairobi",
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      // 6 callbacks about the day's payments and the stranger's, 1 re-query event, 2 answers this report asked for.
      inputs: { payments: 8, providerRecords: 10, bills: 1, withdrawals: 1 },
      counts: {
        matched: 3,
        "provider-success-unmatched": 3,
        "local-success-unconfirmed": 1,
        "amount-mismatch": 2,
        "pending-past-limit": 2,
      },
      unexceptional: { closed: 1, inFlight: 0 },
      matchedTotals: [{ currency: "KES", count: 3, amount: 300_00 }],
      exceptions: expected,
      exceptionsLeftOut: 0,
      ledger: {
        checkDate: addDays(DATE, 1),
        status: "balanced",
        entriesChecked: 12,
        accountsChecked: 4,
        unbalancedEntries: 0,
        accountDifferences: 0,
        malformed: 0,
        currencies: [
          { currency: "KES", debits: 500_00, credits: 500_00 },
          { currency: "PTS", debits: 7, credits: 7 },
        ],
      },
      ok: false,
      digest: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      lastRunAt: expect.any(Timestamp) as Timestamp,
    });
    // The report asked the simulator about each unconfirmed success once, and kept the answers.
    for (const reference of [confirmedRef, cancelledRef]) {
      expect((await requestsFor("daraja", { reference })).filter((r) => r.path === "stkquery")).toHaveLength(1);
    }
    const asked = await EVENTS.under(PAYMENTS.ref(db).doc(id("by-requery")))
      .where("type", "==", "report-requery")
      .get();
    expect(asked.docs.map((doc) => doc.data().data)).toEqual([
      expect.objectContaining({ outcome: "succeeded", providerReference: confirmedRef }),
    ]);

    // Again over the same records: the same document but lastRunAt, and no new question asked.
    const second = await runReconciliationReport(deps, DATE);
    const { lastRunAt: firstRun, ...firstRest } = first;
    const { lastRunAt: secondRun, ...secondRest } = second;
    expect(secondRest).toEqual(firstRest);
    expect(secondRun.toMillis()).toBeGreaterThanOrEqual(firstRun.toMillis());
    for (const reference of [confirmedRef, cancelledRef]) {
      expect((await requestsFor("daraja", { reference })).filter((r) => r.path === "stkquery")).toHaveLength(1);
    }
  });

  it("the deployed schedule writes yesterday's report and the two days before", async () => {
    const today = dayOf(Date.now(), "Africa/Nairobi");
    const days = [addDays(today, -1), addDays(today, -2), addDays(today, -3)];
    const before = Date.now();
    expect((await runSchedule("reconciliationReport")).status).toBe(200);
    const reports = await eventually(
      async () => Promise.all(days.map(async (day) => (await RECONCILIATION_REPORTS.ref(db).doc(day).get()).data())),
      (found) => found.every((report) => report !== undefined && report.lastRunAt.toMillis() >= before - 1_000),
    );
    expect(reports.map((report) => [report?.date, report?.timeZone])).toEqual(
      days.map((day) => [day, "Africa/Nairobi"]),
    );
  });
});
