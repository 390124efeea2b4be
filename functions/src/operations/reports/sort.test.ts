// The daily report's sorting (sort.ts): each kind from hand-made records, then properties over
// random days: every payment lands once, no payment or provider transaction is matched twice
// (money rule 20), and the result does not depend on the order the records were read in (21).
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { RECONCILIATION_KINDS } from "../../shared/analytics.js";
import {
  PAYMENT_PENDING_LIMIT_MS,
  sortDay,
  TRANSFER_PENDING_LIMIT_MS,
  type LocalPayment,
  type LocalTransfer,
  type ProviderRecord,
} from "./sort.js";

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const NOW = Date.UTC(2026, 11, 3, 21, 30, 0);

function payment(id: string, overrides: Partial<LocalPayment> = {}): LocalPayment {
  return {
    id,
    provider: "mpesa",
    providerReference: `ws_${id}`,
    status: "succeeded",
    amount: 100_00,
    currency: "KES",
    phone: "+254712345678",
    createdAtMs: T0,
    ...overrides,
  };
}

function record(id: string, overrides: Partial<ProviderRecord> = {}): ProviderRecord {
  return {
    recordId: `providerEvents/${id}`,
    provider: "mpesa",
    providerReference: `ws_${id}`,
    outcome: "succeeded",
    amount: 100_00,
    currency: "KES",
    phone: "+254712345678",
    paymentId: id,
    receivedAtMs: T0 + 30_000,
    ...overrides,
  };
}

describe("sortDay", () => {
  it("matches a success to its payment and totals it", () => {
    const result = sortDay({ payments: [payment("p1")], records: [record("p1")], transfers: [], nowMs: NOW });
    expect(result.counts.matched).toBe(1);
    expect(result.exceptions).toEqual([]);
    expect(result.matched).toEqual([
      { paymentId: "p1", provider: "mpesa", providerReference: "ws_p1", amount: 100_00, currency: "KES" },
    ]);
    expect(result.matchedTotals).toEqual([{ currency: "KES", count: 1, amount: 100_00 }]);
  });

  it("duplicate deliveries of one callback are one provider transaction", () => {
    const copies = [record("p1"), record("p1", { recordId: "providerEvents/p1-again", receivedAtMs: T0 + 60_000 })];
    const result = sortDay({ payments: [payment("p1")], records: copies, transfers: [], nowMs: NOW });
    expect(result.counts.matched).toBe(1);
    expect(result.exceptions).toEqual([]);
  });

  it("sorts every exception kind into its line", () => {
    const payments = [
      payment("matched"),
      payment("unconfirmed"),
      payment("short", { status: "conflict" }),
      payment("stuck", { status: "processing", createdAtMs: NOW - PAYMENT_PENDING_LIMIT_MS - 1 }),
      payment("young", { status: "processing", createdAtMs: NOW - 60_000 }),
      payment("expired", { status: "expired" }),
      payment("failed", { status: "failed" }),
    ];
    const records = [
      record("matched"),
      record("unconfirmed", { outcome: "failed" }),
      record("short", { amount: 99_00 }),
      record("expired"),
      record("failed", { outcome: "failed" }),
      record("stranger", { paymentId: null, receivedAtMs: T0 + 5_000, amount: 42_00 }),
    ];
    const transfers: LocalTransfer[] = [
      {
        subject: "bill",
        id: "b1",
        provider: "vtpass",
        providerReference: null,
        status: "pending",
        open: true,
        conflict: false,
        amount: 500_00,
        currency: "NGN",
        createdAtMs: NOW - TRANSFER_PENDING_LIMIT_MS - 1,
      },
      {
        subject: "bill",
        id: "b2",
        provider: "vtpass",
        providerReference: null,
        status: "pending",
        open: true,
        conflict: false,
        amount: 500_00,
        currency: "NGN",
        createdAtMs: NOW - 60_000,
      },
      {
        subject: "withdrawal",
        id: "w1",
        provider: "mpesa",
        providerReference: "AG_1",
        status: "conflict",
        open: false,
        conflict: true,
        amount: 300_00,
        currency: "KES",
        createdAtMs: T0 + 1,
      },
    ];
    const result = sortDay({ payments, records, transfers, nowMs: NOW });
    expect(result.counts).toEqual({
      matched: 1,
      "provider-success-unmatched": 2,
      "local-success-unconfirmed": 1,
      "amount-mismatch": 2,
      "pending-past-limit": 2,
    });
    expect(result.unexceptional).toEqual({ closed: 1, inFlight: 1 });
    expect(result.exceptions.map((line) => [line.kind, line.subject, line.id])).toEqual([
      ["provider-success-unmatched", "payment", "expired"],
      ["provider-success-unmatched", "provider-record", null],
      ["local-success-unconfirmed", "payment", "unconfirmed"],
      ["amount-mismatch", "payment", "short"],
      ["amount-mismatch", "withdrawal", "w1"],
      ["pending-past-limit", "bill", "b1"],
      ["pending-past-limit", "payment", "stuck"],
    ]);
    const short = result.exceptions.find((line) => line.id === "short");
    expect(short).toMatchObject({ localAmount: 100_00, providerAmount: 99_00, mismatched: ["amount"] });
    expect(short?.action).toMatch(/amount other than the request/);
    const stranger = result.exceptions.find((line) => line.subject === "provider-record");
    expect(stranger).toMatchObject({ providerReference: "ws_stranger", providerAmount: 42_00, localAmount: null });
    expect(result.exceptions.find((line) => line.id === "unconfirmed")).toMatchObject({ providerOutcome: "failed" });
  });

  it("never matches one payment to two provider successes", () => {
    // A second success names p1 under another reference: p1 keeps its own, the other is a line.
    const records = [record("p1"), record("p1", { recordId: "providerEvents/x", providerReference: "ws_other" })];
    const result = sortDay({ payments: [payment("p1")], records, transfers: [], nowMs: NOW });
    expect(result.counts.matched).toBe(1);
    expect(result.exceptions).toHaveLength(1);
    expect(result.exceptions[0]).toMatchObject({
      kind: "provider-success-unmatched",
      subject: "provider-record",
      providerReference: "ws_other",
    });
    expect(result.exceptions[0]?.action).toContain("naming payment p1, whose reference is ws_p1");
  });

  it("never matches one provider success to two payments", () => {
    const payments = [payment("p1"), payment("p2", { providerReference: "ws_p1" })];
    const result = sortDay({ payments, records: [record("p1")], transfers: [], nowMs: NOW });
    expect(result.counts.matched).toBe(1);
    expect(result.exceptions.map((line) => [line.kind, line.id])).toEqual([["local-success-unconfirmed", "p2"]]);
  });

  it("a payment that never learnt its reference is matched by the record that names it", () => {
    const result = sortDay({
      payments: [payment("p1", { providerReference: null })],
      records: [record("p1", { providerReference: "ws_late" })],
      transfers: [],
      nowMs: NOW,
    });
    expect(result.counts.matched).toBe(1);
  });
});

// Random days: few ids and references so collisions (two payments, two records, one reference) are common.
const ids = ["a", "b", "c", "d", "e"];
const refs = ["r1", "r2", "r3", "r4"];
const paymentArb = fc.record({
  id: fc.constantFrom(...ids),
  provider: fc.constantFrom("mpesa", "iotec"),
  providerReference: fc.option(fc.constantFrom(...refs), { nil: null }),
  status: fc.constantFrom("pending", "processing", "succeeded", "failed", "cancelled", "expired", "conflict"),
  amount: fc.constantFrom(100, 200),
  currency: fc.constant("KES"),
  phone: fc.constant("+254712345678"),
  createdAtMs: fc.integer({ min: NOW - 60 * 60_000, max: NOW }),
});
const recordArb = fc.record({
  recordId: fc.string({ minLength: 1, maxLength: 4 }),
  provider: fc.constantFrom("mpesa", "iotec"),
  providerReference: fc.constantFrom(...refs),
  outcome: fc.constantFrom("pending", "succeeded", "failed", "cancelled"),
  amount: fc.option(fc.constantFrom(100, 200), { nil: null }),
  currency: fc.option(fc.constant("KES"), { nil: null }),
  phone: fc.constant(null),
  paymentId: fc.option(fc.constantFrom(...ids), { nil: null }),
  receivedAtMs: fc.integer({ min: NOW - 60 * 60_000, max: NOW }),
});
const dayArb = fc.record({
  payments: fc.uniqueArray(paymentArb, { selector: (p) => p.id, maxLength: 5 }),
  records: fc.uniqueArray(recordArb, { selector: (r) => r.recordId, maxLength: 8 }),
});

describe("sortDay properties", () => {
  it("every payment lands once; no payment or provider transaction is matched twice", () => {
    fc.assert(
      fc.property(dayArb, ({ payments, records }) => {
        const result = sortDay({ payments, records, transfers: [], nowMs: NOW });
        const paymentLines = result.exceptions.filter((line) => line.subject === "payment");
        const landed = [...paymentLines.map((line) => line.id), ...result.matched.map((m) => m.paymentId)];
        expect(new Set(landed).size).toBe(landed.length);
        expect(landed.length + result.unexceptional.closed + result.unexceptional.inFlight).toBe(payments.length);
        const matchedKeys = result.matched.map((m) => `${m.provider}|${m.providerReference}`);
        expect(new Set(matchedKeys).size).toBe(matchedKeys.length);
        const total = RECONCILIATION_KINDS.reduce((sum, kind) => sum + result.counts[kind], 0);
        expect(total).toBe(result.exceptions.length + result.matched.length);
        // Every provider success is accounted for: matched, a payment's line, or a line of its own.
        const successKeys = new Set(
          records.filter((r) => r.outcome === "succeeded").map((r) => `${r.provider}|${r.providerReference}`),
        );
        for (const key of successKeys) {
          const [provider, reference] = key.split("|");
          // …or the payment it belongs to is still open within its limit (the success is on its way).
          const inFlight = payments.some(
            (p) =>
              (p.status === "pending" || p.status === "processing") &&
              p.provider === provider &&
              (p.providerReference === reference ||
                records.some((r) => r.paymentId === p.id && r.providerReference === reference)),
          );
          const accounted =
            inFlight ||
            matchedKeys.includes(key) ||
            result.exceptions.some((line) => line.provider === provider && line.providerReference === reference);
          expect(accounted).toBe(true);
        }
      }),
      { seed: 20261203, numRuns: 500 },
    );
  });

  it("is a function of the records, not of the order they were read in", () => {
    fc.assert(
      fc.property(dayArb, ({ payments, records }) => {
        const once = sortDay({ payments, records, transfers: [], nowMs: NOW });
        const again = sortDay({
          payments: [...payments].reverse(),
          records: [...records].reverse(),
          transfers: [],
          nowMs: NOW,
        });
        expect(again).toEqual(once);
      }),
      { seed: 20261203, numRuns: 500 },
    );
  });
});
