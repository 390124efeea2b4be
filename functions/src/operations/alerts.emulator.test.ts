// The alert rules against the Firestore emulator: each rule, under a burst of concurrent
// evaluations, opens one alert with one timeline entry and one mail per operator; when its
// condition clears, another burst resolves it once, with one more mail each; and a burst that
// finds nothing changed writes nothing. Every test evaluates at a clock of its own in 2001, so
// the rules see only the documents it seeded, never what other test files write meanwhile.
import { randomUUID } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";
import type { CallableRequest } from "firebase-functions/v2/https";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { adminDb } from "../../../tests/support/firestore.js";
import { handleCallable } from "../core/callable.js";
import { ALERTS, PROVIDER_EVENTS } from "../payments/collections.js";
import { alertId, type AlertRule } from "./alert-rules.js";
import { ALERT_TIMELINE, OPS_READINGS } from "./collections.js";
import { evaluateAlerts, type EvaluateDeps } from "./evaluate-alerts.js";
import { recordCallMetric } from "./metrics.js";

const DAY = 24 * 60 * 60_000;
const MINUTE = 60_000;
const run = randomUUID().slice(0, 8);
// Far from real time and from any other run's clocks: three days apart per test.
let nextWindow = Date.UTC(2001, 0, 1) + Math.floor(Math.random() * 2_000) * 10 * DAY;
const BURST = 8;

let recipients: string[];
let clock: number;
// What a test seeded outside its alerts: removed afterwards, so that other files' jobs (the
// reconcilePayments schedule takes the oldest open payments first) never meet it.
const seeded: string[] = [];

afterEach(async () => {
  await Promise.all(seeded.splice(0).map((path) => adminDb().doc(path).delete()));
});

beforeEach(() => {
  nextWindow += 3 * DAY;
  clock = nextWindow;
  const tag = randomUUID().slice(0, 8);
  recipients = [`ops-${tag}@example.com`, `oncall-${tag}@example.com`];
});

function deps(rule: AlertRule, extra: Partial<EvaluateDeps> = {}): EvaluateDeps {
  return {
    db: adminDb(),
    now: () => clock,
    recipients,
    floatLow: () => ({ KES: 50_000_00, UGX: 2_000_000 }),
    health: () => Promise.resolve({ ok: true, firestore: "ok", version: "test" }),
    rules: [rule],
    ...extra,
  };
}

/** A rule's alert from earlier runs of this file in the same emulator is removed first. */
async function fresh(rule: AlertRule, scope: string) {
  const ref = ALERTS.ref(adminDb()).doc(alertId(rule, scope));
  await adminDb().recursiveDelete(ref);
  return ref;
}

async function burst(evaluation: EvaluateDeps) {
  const reports = await Promise.all(Array.from({ length: BURST }, () => evaluateAlerts(evaluation)));
  for (const report of reports) expect(report.failed).toEqual([]);
  return reports;
}

async function timeline(rule: AlertRule, scope: string) {
  const ref = ALERTS.ref(adminDb()).doc(alertId(rule, scope));
  const entries = await ALERT_TIMELINE.under(ref).orderBy("seq").get();
  return entries.docs.map((doc) => doc.data().kind);
}

async function mailsTo(to: string) {
  const mails = await adminDb().collection("mail").where("to", "==", to).get();
  return mails.docs.map((doc) => doc.get("kind") as string).sort();
}

/**
 * The whole life of one alert: the condition holds (burst: opened once), clears (burst: resolved
 * once), stays cleared (burst: nothing). `clear` changes the data and may move the clock.
 */
async function proveLifecycle(rule: AlertRule, scope: string, clear: () => Promise<void>, extra = {}) {
  const ref = ALERTS.ref(adminDb()).doc(alertId(rule, scope));
  const opened = (await burst(deps(rule, extra))).flatMap((report) => report.opened);
  expect(opened).toEqual([alertId(rule, scope)]);
  const alert = (await ref.get()).data();
  expect(alert).toMatchObject({ rule, scope, state: "open", resolved: false, transitions: 1 });
  expect(alert?.message?.length).toBeGreaterThan(20);
  expect(await timeline(rule, scope)).toEqual(["opened"]);
  for (const to of recipients) expect(await mailsTo(to)).toEqual(["alert-opened"]);

  await clear();
  const resolved = (await burst(deps(rule, extra))).flatMap((report) => report.resolved);
  expect(resolved).toEqual([alertId(rule, scope)]);
  expect((await ref.get()).data()).toMatchObject({ state: "resolved", resolved: true, transitions: 2 });
  expect(await timeline(rule, scope)).toEqual(["opened", "resolved"]);
  for (const to of recipients) expect(await mailsTo(to)).toEqual(["alert-opened", "alert-resolved"]);

  const again = await burst(deps(rule, extra));
  expect(again.flatMap((report) => [...report.opened, ...report.resolved])).toEqual([]);
  expect(await timeline(rule, scope)).toEqual(["opened", "resolved"]);
  for (const to of recipients) expect(await mailsTo(to)).toHaveLength(2);
}

let paymentCount = 0;
async function seedPayment(provider: string, status: string, createdAt: number) {
  const id = `alerts${run}${++paymentCount}`;
  const at = Timestamp.fromMillis(createdAt);
  seeded.push(`payments/${id}`);
  await adminDb()
    .collection("payments")
    .doc(id)
    .set({
      uid: `alerts-${run}`,
      purpose: "wallet-topup",
      provider,
      amount: 100_00,
      currency: "KES",
      phone: "254700000000",
      email: null,
      name: null,
      reference: null,
      status,
      providerReference: null,
      receipt: null,
      failureCode: null,
      customerMessage: "",
      idempotencyKey: id,
      verified: false,
      initiatedAt: at,
      createdAt: at,
      updatedAt: at,
      settledAt: null,
    });
}

/** Calls a callable's edge in-process, as the Functions runtime would. */
function callableRequest(): CallableRequest<unknown> {
  return {
    data: {},
    rawRequest: { headers: {}, ip: "127.0.0.1" },
    auth: { uid: `alerts-${run}`, token: {} },
    app: { appId: "test-app" },
  } as unknown as CallableRequest<unknown>;
}

describe("alert rules", () => {
  it("success rate below 90 % over 15 minutes opens one alert for the provider; a good quarter hour resolves it", async () => {
    await fresh("success-rate", "mpesa");
    // 17 of 20 settled: 85 %. Open ones count neither way.
    for (let i = 0; i < 20; i++) await seedPayment("mpesa", i < 17 ? "succeeded" : "failed", clock - 10 * MINUTE + i);
    // Below the minimum volume another provider does not alert, however bad.
    for (let i = 0; i < 5; i++) await seedPayment("iotec", "failed", clock - 5 * MINUTE + i);
    await fresh("success-rate", "iotec");
    await proveLifecycle("success-rate", "mpesa", async () => {
      clock += 20 * MINUTE;
      for (let i = 0; i < 20; i++) await seedPayment("mpesa", "succeeded", clock - 5 * MINUTE + i);
    });
    expect((await ALERTS.ref(adminDb()).doc(alertId("success-rate", "iotec")).get()).exists).toBe(false);
  });

  it("more than 5 unexpected errors in a minute, counted at the callables' edge, open one alert", async () => {
    await fresh("server-errors", "callables");
    const failing = handleCallable(
      "alertsTestFailing",
      () => import("zod").then(({ z }) => z.object({})),
      {
        allowedOrigins: () => [],
        enforceAppCheck: () => true,
        now: () => clock,
        record: (metric) => recordCallMetric(adminDb(), metric),
      },
      () => Promise.reject(new Error("a bug")),
    );
    // Five in a minute is within the rule; the sixth crosses it.
    for (let i = 0; i < 6; i++) {
      await expect(failing(callableRequest())).rejects.toMatchObject({ code: "internal" });
      if (i === 4) expect((await evaluateAlerts(deps("server-errors"))).opened).toEqual([]);
    }
    await proveLifecycle("server-errors", "callables", () => {
      clock += 3 * MINUTE;
      return Promise.resolve();
    });
  });

  it("answers slower than 5 s, timed at the edge, open one alert once 3 fall within 5 minutes", async () => {
    await fresh("slow-responses", "callables");
    // Each answer takes 6 s on this clock.
    const slow = handleCallable(
      "alertsTestSlow",
      () => import("zod").then(({ z }) => z.object({})),
      {
        allowedOrigins: () => [],
        enforceAppCheck: () => true,
        now: () => clock,
        record: (metric) => recordCallMetric(adminDb(), metric),
      },
      () => {
        clock += 6_000;
        return Promise.resolve("late");
      },
    );
    for (let i = 0; i < 3; i++) expect(await slow(callableRequest())).toBe("late");
    await proveLifecycle("slow-responses", "callables", () => {
      clock += 10 * MINUTE;
      return Promise.resolve();
    });
  });

  it("no callback from a provider for 30 minutes while its payments are open opens one alert; a callback resolves it", async () => {
    await fresh("callbacks-silent", "iotec");
    // Open for 5 minutes, and the provider's last callback 40 minutes ago.
    await seedPayment("iotec", "processing", clock - 5 * MINUTE);
    const events = PROVIDER_EVENTS.ref(adminDb());
    const callback = (at: number) => {
      seeded.push(`providerEvents/iotec_alerts-${run}-${at}`);
      return events.doc(`iotec_alerts-${run}-${at}`).set({
        provider: "iotec",
        eventKey: `alerts-${run}-${at}`,
        providerReference: `ref-${run}`,
        outcome: "succeeded",
        status: { outcome: "succeeded", providerReference: `ref-${run}`, customerMessage: "" },
        raw: {},
        receivedAt: Timestamp.fromMillis(at),
        matched: true,
        paymentId: null,
      });
    };
    await callback(clock - 40 * MINUTE);
    await proveLifecycle("callbacks-silent", "iotec", async () => {
      clock += MINUTE;
      await callback(clock - 10_000);
    });
  });

  it("a payout float reported below PAYOUT_FLOAT_LOW opens one alert; a later reading above it resolves it", async () => {
    await fresh("payout-float-low", "mpesa:KES");
    const reading = (amount: number, at: number) => {
      seeded.push(`opsReadings/payout-float:mpesa:KES:alerts-${run}-${at}`);
      return OPS_READINGS.ref(adminDb())
        .doc(`payout-float:mpesa:KES:alerts-${run}-${at}`)
        .set({
          kind: "payout-float",
          provider: "mpesa",
          currency: "KES",
          amount,
          source: `alerts-${run}`,
          reportedAt: Timestamp.fromMillis(at),
        });
    };
    await reading(100_000_00, clock - 10 * MINUTE);
    await reading(1_000_00, clock - MINUTE);
    await proveLifecycle("payout-float-low", "mpesa:KES", async () => {
      clock += MINUTE;
      await reading(200_000_00, clock - 10_000);
    });
  });

  it("VTpass refusing a bill with 018 (low wallet balance) opens one alert; a bill delivered after it resolves it", async () => {
    await fresh("vtpass-balance-low", "vtpass:NGN");
    const bill = (status: string, providerCode: string | null, at: number) => {
      seeded.push(`bills/alerts-${run}-${at}`);
      return adminDb()
        .collection("bills")
        .doc(`alerts-${run}-${at}`)
        .set({ uid: `alerts-${run}`, status, providerCode, updatedAt: Timestamp.fromMillis(at) });
    };
    await bill("delivered", "000", clock - 30 * MINUTE);
    await bill("failed", "018", clock - 2 * MINUTE);
    await proveLifecycle("vtpass-balance-low", "vtpass:NGN", async () => {
      clock += MINUTE;
      await bill("delivered", "000", clock - 10_000);
    });
  });

  it("the health check failing opens one alert; passing again resolves it", async () => {
    await fresh("health-failing", "health");
    let ok = false;
    await proveLifecycle(
      "health-failing",
      "health",
      () => {
        ok = true;
        return Promise.resolve();
      },
      { health: () => Promise.resolve({ ok, firestore: ok ? "ok" : "unavailable", version: "test" }) },
    );
  });

  it("a rule whose inputs cannot be read leaves its open alert as it is", async () => {
    await fresh("health-failing", "health");
    await evaluateAlerts(
      deps("health-failing", { health: () => Promise.resolve({ ok: false, firestore: "unavailable", version: "t" }) }),
    );
    const report = await evaluateAlerts(
      deps("health-failing", { health: () => Promise.reject(new Error("no network")) }),
    );
    expect(report.failed).toEqual(["health-failing"]);
    expect((await ALERTS.ref(adminDb()).doc(alertId("health-failing", "health")).get()).get("state")).toBe("open");
  });
});
