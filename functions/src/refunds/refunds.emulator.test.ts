// Refunds end to end against the Firestore emulator and the Daraja and ioTec simulators: real
// payments (createPayment, the simulator's callback), refunds asked in-process through the very
// handler refundPayment wraps (so many can be in flight at once), the real Daraja adapter sending
// reversals and B2C payouts to the simulator, whose results are posted to a local receiver and
// handed to applyRefundResult as the result-receiving function will hand them. A few calls go
// over HTTP to prove the wiring (operators only, the edge's input checks, getPaymentStatus).
import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  call,
  idempotencyKey,
  iotecPhone,
  kenyanPhone,
  randomIp,
  signUpAnonymous,
  type TestUser,
} from "../../../tests/support/client.js";
import { checkoutPayment } from "../../../tests/support/shop.js";
import { adminDb, eventually, waitForStatus } from "../../../tests/support/firestore.js";
import { signUpOperator } from "../../../tests/support/operators.js";
import { addFault, requestsFor } from "../../../tests/support/sandbox.js";
import { emulatorParams, emulatorSecrets } from "../../../tests/support/providers.js";
import { refusal } from "../../../tests/support/refusal.js";
import { resultReceiver, type ResultReceiver } from "../../../tests/support/result-receiver.js";
import type { Caller } from "../core/callable.js";
import { accounts, availableOf, balanceOf } from "../ledger/accounts.js";
import { postEntry, readBalances, readEntry } from "../ledger/journal.js";
import { IotecDisbursements } from "../providers/iotec/disburse.js";
import { DarajaPayouts } from "../providers/mpesa/b2c.js";
import type { PayoutResult } from "../providers/payouts.js";
import { topUpEntryId } from "../wallet/top-up.js";
import { PAYMENT_REFUNDS, REFUNDS } from "./collections.js";
import { applyRefundResult } from "./outcome.js";
import { paymentPointsEntryId, refundPointsEntryId, type RefundDeps } from "./records.js";
import { refundPayment } from "./refund.js";
import { recheckRefund, requeryDueRefunds } from "./requery.js";

const db = adminDb();
const SECRET = "refund-test-result-secret";
let receiver: ResultReceiver;
let adapters: { daraja: DarajaPayouts; iotec: IotecDisbursements } | undefined;

beforeAll(async () => {
  receiver = await resultReceiver();
});
afterAll(async () => {
  await receiver.close();
});

const env = (values: Record<string, string>, name: string): string => {
  const value = values[name];
  if (value === undefined) throw new Error(`${name} is missing from the emulator configuration`);
  return value;
};

/** The adapters as the functions build them, except that Daraja's results come to our receiver. */
function deps(now: () => number = Date.now): RefundDeps {
  adapters ??= {
    daraja: new DarajaPayouts({
      baseUrl: env(emulatorParams, "MPESA_BASE_URL"),
      consumerKey: env(emulatorSecrets, "MPESA_CONSUMER_KEY"),
      consumerSecret: env(emulatorSecrets, "MPESA_CONSUMER_SECRET"),
      timeoutMs: Number(env(emulatorParams, "PROVIDER_TIMEOUT_MS")),
      initiatorName: env(emulatorParams, "MPESA_INITIATOR_NAME"),
      securityCredential: env(emulatorSecrets, "MPESA_SECURITY_CREDENTIAL"),
      b2cShortcode: env(emulatorParams, "MPESA_B2C_SHORTCODE"),
      collectionShortcode: env(emulatorParams, "MPESA_SHORTCODE"),
      resultUrl: receiver.url,
      resultSecret: SECRET,
    }),
    iotec: new IotecDisbursements({
      baseUrl: env(emulatorParams, "IOTEC_BASE_URL"),
      tokenUrl: env(emulatorParams, "IOTEC_TOKEN_URL"),
      clientId: env(emulatorSecrets, "IOTEC_CLIENT_ID"),
      clientSecret: env(emulatorSecrets, "IOTEC_CLIENT_SECRET"),
      walletId: env(emulatorParams, "IOTEC_WALLET_ID"),
      callbackSecret: env(emulatorSecrets, "IOTEC_CALLBACK_SECRET"),
      timeoutMs: Number(env(emulatorParams, "PROVIDER_TIMEOUT_MS")),
    }),
  };
  const { daraja, iotec } = adapters;
  return { db, now, payouts: (name) => (name === "mpesa" ? daraja : iotec), reversals: () => daraja };
}

function operator(): Caller {
  return { uid: `operator-${randomUUID()}`, ip: randomIp(), admin: true };
}

interface Paid {
  readonly user: TestUser;
  readonly paymentId: string;
  readonly phone: string;
}

/** A payment that succeeded at the Daraja simulator (and, for a top-up, credited the wallet). */
async function paid(purpose: "order" | "wallet-topup", amount: number, suffix = "0000"): Promise<Paid> {
  const user = await signUpAnonymous();
  const phone = kenyanPhone(suffix);
  const payer = { amount, currency: "KES" as const, phone, email: "payer@example.com", name: "Wanjiku" };
  let paymentId: string;
  if (purpose === "order") {
    // An order is paid through checkout, which prices it on the server.
    ({ paymentId } = await checkoutPayment(user, payer));
  } else {
    const result = await call<{ paymentId: string }>(
      "createPayment",
      { idempotencyKey: idempotencyKey(), purpose, ...payer },
      { user },
    );
    if (!result.ok) throw new Error(`createPayment failed: ${result.code} ${result.message}`);
    ({ paymentId } = result.result);
  }
  await waitForStatus(paymentId, "succeeded");
  if (purpose === "wallet-topup") {
    await eventually(
      () => wallet(user.uid),
      (balances) => balances.balance === amount,
    );
  }
  return { user, paymentId, phone };
}

async function wallet(uid: string): Promise<{ balance: number; available: number; held: number }> {
  const balances = await readBalances(db, accounts.wallet(uid, "KES"));
  return { balance: balanceOf(balances), available: availableOf(balances), held: balances.pendingDebits };
}

async function points(uid: string): Promise<number> {
  return balanceOf(await readBalances(db, accounts.points(uid)));
}

function ask(paymentId: string, amount: number, caller: Caller = operator(), key = idempotencyKey()) {
  return refundPayment(
    { paymentId, amount, reason: "The customer returned the goods", idempotencyKey: key },
    caller,
    deps(),
  );
}

/** The results Daraja posted about `id` under `kind`, read by the real adapter. */
async function results(kind: "payout" | "reversal" | "status", id: string, count = 1): Promise<PayoutResult[]> {
  const deliveries = await receiver.waitFor((r) => r.path === `/${SECRET}/${kind}/${id}`, count);
  deps();
  const daraja = adapters?.daraja;
  if (!daraja) throw new Error("no Daraja adapter");
  return Promise.all(deliveries.map((d) => daraja.readResult({ path: d.path, headers: d.headers, body: d.body })));
}

async function deliver(kind: "payout" | "reversal" | "status", id: string, times = 1): Promise<PayoutResult> {
  const [result] = await results(kind, id);
  if (!result) throw new Error("no result");
  await Promise.all(Array.from({ length: times }, () => applyRefundResult(db, result, Date.now)));
  return result;
}

const refundDoc = async (id: string) => (await REFUNDS.ref(db).doc(id).get()).data();
const totalsDoc = async (paymentId: string) => (await PAYMENT_REFUNDS.ref(db).doc(paymentId).get()).data();
const paymentRefund = async (paymentId: string) =>
  (await db.collection("payments").doc(paymentId).get()).get("refund") as unknown;
const refundsOf = async (paymentId: string) => (await REFUNDS.ref(db).where("paymentId", "==", paymentId).get()).size;
const alert = async (id: string) => (await db.collection("alerts").doc(id).get()).data();

describe("refunds: never more than was paid", () => {
  it("two operators refunding at once more than the payment together: exactly one succeeds, the other is told what is left", async () => {
    const { paymentId } = await paid("order", 1_000_00);
    const attempts = await Promise.allSettled([ask(paymentId, 600_00), ask(paymentId, 600_00)]);
    const admitted = attempts.flatMap((a) => (a.status === "fulfilled" ? [a.value] : []));
    const refused = attempts.flatMap((a) =>
      a.status === "rejected" ? [a.reason as { code: string; message: string }] : [],
    );
    expect(admitted).toHaveLength(1);
    expect(refused).toEqual([
      expect.objectContaining({
        code: "failed-precondition",
        message: expect.stringContaining("only KES 400.00 is left refundable on this payment"),
      }),
    ]);
    expect(await refundsOf(paymentId)).toBe(1);
    expect(await totalsDoc(paymentId)).toMatchObject({ paid: 1_000_00, reserved: 600_00, refunded: 0 });

    // A partial M-Pesa refund is a B2C payout to the number that paid; it settles on its result.
    const [refund] = admitted;
    expect(refund).toMatchObject({ method: "payout", state: "pending", amount: 600_00 });
    await deliver("payout", refund?.refundId ?? "");
    expect(await refundDoc(refund?.refundId ?? "")).toMatchObject({ state: "succeeded", receipt: expect.any(String) });
    expect(await paymentRefund(paymentId)).toEqual({
      state: "partially-refunded",
      refundedAmount: 600_00,
      pendingAmount: 0,
    });
    // The order's sale credited the shop's account: its refund is paid back from there.
    expect(await readEntry(db, refund?.refundId ?? "")).toMatchObject({
      kind: "refund",
      status: "posted",
      postings: [
        expect.objectContaining({ accountId: "merchant:testshop:KES", side: "debit", amount: 600_00 }),
        expect.objectContaining({ accountId: "@clearing:mpesa:KES", side: "credit", amount: 600_00 }),
      ],
    });
    expect(await refundDoc(refund?.refundId ?? "")).toMatchObject({ merchantId: "testshop" });
    // The same account the sale credited (fulfilment's sale:{paymentId}).
    const sale = await eventually(
      () => readEntry(db, `sale:${paymentId}`).catch(() => undefined),
      (entry) => entry?.status === "posted",
    );
    expect(sale).toMatchObject({
      status: "posted",
      postings: expect.arrayContaining([
        expect.objectContaining({ accountId: "merchant:testshop:KES", side: "credit", amount: 1_000_00 }),
      ]),
    });
  });

  it("ten refunds of a third at once: exactly three are reserved", async () => {
    const { paymentId } = await paid("order", 900_00);
    const attempts = await Promise.allSettled(Array.from({ length: 10 }, () => ask(paymentId, 300_00)));
    expect(attempts.filter((a) => a.status === "fulfilled")).toHaveLength(3);
    for (const attempt of attempts.filter((a) => a.status === "rejected")) {
      expect(attempt.reason).toMatchObject({
        code: "failed-precondition",
        message: expect.stringContaining("KES 0.00 is left"),
      });
    }
    expect(await totalsDoc(paymentId)).toMatchObject({ reserved: 900_00, refunded: 0 });
    expect(await refundsOf(paymentId)).toBe(3);
  });
});

describe("refunds of top-ups", () => {
  it("a full refund is a Daraja reversal; its success delivered 5 times at once posts once and mails once", async () => {
    const { user, paymentId } = await paid("wallet-topup", 500_00);
    const view = await ask(paymentId, 500_00);
    expect(view).toMatchObject({
      method: "reversal",
      state: "pending",
      payment: { state: "pending", pendingAmount: 500_00 },
    });
    // Held at once: the money cannot be spent while the reversal is under way.
    expect(await wallet(user.uid)).toEqual({ balance: 500_00, available: 0, held: 500_00 });

    const result = await deliver("reversal", view.refundId, 5);
    expect(result.status.outcome).toBe("succeeded");
    expect(await wallet(user.uid)).toEqual({ balance: 0, available: 0, held: 0 });
    const entry = await readEntry(db, view.refundId);
    expect(entry).toMatchObject({ kind: "refund", status: "posted", parent: topUpEntryId(paymentId) });
    const lines = await db
      .collection("ledgerAccounts")
      .doc(accounts.wallet(user.uid, "KES").id)
      .collection("activity")
      .where("entryId", "==", view.refundId)
      .get();
    expect(lines.docs.map((d) => d.get("stage") as string).sort()).toEqual(["commit", "hold"]);
    expect(await paymentRefund(paymentId)).toEqual({ state: "refunded", refundedAmount: 500_00, pendingAmount: 0 });
    const mail = await db.collection("mail").where("paymentId", "==", paymentId).where("kind", "==", "refund").get();
    expect(mail.size).toBe(1);
    expect(mail.docs[0]?.get("message.text")).toContain("We have refunded KES 500.00");

    // The trail: who asked and why, what the provider said; the payment's own events too.
    const events = await REFUNDS.ref(db).doc(view.refundId).collection("events").orderBy("at").get();
    expect(events.docs.map((d) => d.get("type") as string)).toEqual(["requested", "accepted", "succeeded"]);
    expect(events.docs[0]?.data()).toMatchObject({ detail: { reason: "The customer returned the goods" } });
    const paymentEvents = await db.collection("payments").doc(paymentId).collection("events").get();
    expect(paymentEvents.docs.map((d) => d.get("type") as string)).toEqual(
      expect.arrayContaining(["refund-requested", "refund-succeeded"]),
    );

    // The payer sees it through getPaymentStatus; the payment's status itself stays succeeded.
    const status = await call<{ status: string; refund: unknown }>("getPaymentStatus", { paymentId }, { user });
    expect(status).toMatchObject({
      ok: true,
      result: { status: "succeeded", refund: { state: "refunded", refundedAmount: 500_00, pendingAmount: 0 } },
    });

    // A late failure never downgrades it: an alert, nothing moves.
    await applyRefundResult(
      db,
      {
        eventKey: `late-failure:${view.refundId}`,
        kind: "reversal",
        subjectId: view.refundId,
        status: {
          outcome: "failed",
          providerReference: view.refundId,
          failureCode: "mpesa:R000001",
          customerMessage: "x",
        },
      },
      Date.now,
    );
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "succeeded" });
    expect(await alert(`refund-contradiction:${view.refundId}`)).toMatchObject({ type: "refund-contradiction" });
    expect(await wallet(user.uid)).toEqual({ balance: 0, available: 0, held: 0 });
  });

  it("a failure releases the hold in full and the amount is refundable again", async () => {
    // The simulator refuses B2C payouts to numbers ending 2040 (they cannot take M-Pesa payouts).
    const { user, paymentId } = await paid("wallet-topup", 500_00, "2040");
    const view = await ask(paymentId, 200_00);
    expect(view.method).toBe("payout");
    expect(await wallet(user.uid)).toEqual({ balance: 500_00, available: 300_00, held: 200_00 });
    const result = await deliver("payout", view.refundId, 3);
    expect(result.status).toMatchObject({ outcome: "failed", failureCode: "mpesa:2040" });
    expect(await wallet(user.uid)).toEqual({ balance: 500_00, available: 500_00, held: 0 });
    expect(await readEntry(db, view.refundId)).toMatchObject({ status: "voided" });
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "failed", failureCode: "mpesa:2040" });
    expect(await totalsDoc(paymentId)).toMatchObject({ reserved: 0, refunded: 0 });
    expect(await paymentRefund(paymentId)).toBeNull();
    const mail = await db.collection("mail").where("paymentId", "==", paymentId).where("kind", "==", "refund").get();
    expect(mail.size).toBe(0);
  });

  it("partial refunds: partially refunded, then refunded, with the points clawed back in proportion", async () => {
    const { user, paymentId } = await paid("wallet-topup", 1_000_00);
    // Collections earn no points today; an entry keyed like the rewards' own stands for one that did.
    await postEntry(db, {
      id: paymentPointsEntryId(paymentId, "wallet-topup"),
      kind: "points-earned",
      parent: topUpEntryId(paymentId),
      postings: [
        { account: accounts.pointsLiability(), side: "debit", amount: 10 },
        { account: accounts.points(user.uid), side: "credit", amount: 10 },
      ],
    });
    const first = await ask(paymentId, 300_00);
    await deliver("payout", first.refundId);
    expect(await paymentRefund(paymentId)).toEqual({
      state: "partially-refunded",
      refundedAmount: 300_00,
      pendingAmount: 0,
    });
    // ceil(10 x 300 / 1,000) = 3 points.
    expect(await points(user.uid)).toBe(7);
    expect(await readEntry(db, refundPointsEntryId(first.refundId))).toMatchObject({
      kind: "points-clawback",
      status: "posted",
    });
    expect(await wallet(user.uid)).toMatchObject({ balance: 700_00, held: 0 });

    const second = await ask(paymentId, 700_00);
    expect(second.method).toBe("payout");
    await deliver("payout", second.refundId, 2);
    expect(await paymentRefund(paymentId)).toEqual({ state: "refunded", refundedAmount: 1_000_00, pendingAmount: 0 });
    expect(await points(user.uid)).toBe(0);
    expect(await refundDoc(second.refundId)).toMatchObject({ pointsClawedBack: 7 });
    expect(await wallet(user.uid)).toEqual({ balance: 0, available: 0, held: 0 });

    const more = await refusal(ask(paymentId, 100_00));
    expect(more).toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("only KES 0.00 is left"),
    });
  });
});

describe("refunds of ioTec payments", () => {
  it("go back as a disbursement to the payer's number, settled by ioTec's callback", async () => {
    const user = await signUpAnonymous();
    const created = {
      result: await checkoutPayment(user, {
        amount: 10_000,
        currency: "UGX",
        phone: iotecPhone("011177777"),
        email: "buyer@example.ug",
      }),
    };
    const { paymentId } = created.result;
    await waitForStatus(paymentId, "succeeded");
    const view = await ask(paymentId, 4_000);
    expect(view).toMatchObject({ method: "payout", currency: "UGX" });
    // The simulator calls the wallet's callback URL, the emulated iotecCallback, which hands a
    // disbursement for a refund id to applyRefundResult (after re-fetching its status from ioTec).
    const settled = await eventually(
      () => refundDoc(view.refundId),
      (refund) => refund?.state === "succeeded",
    );
    expect(settled).toMatchObject({ state: "succeeded", providerReference: expect.any(String) });
    expect(await paymentRefund(paymentId)).toEqual({
      state: "partially-refunded",
      refundedAmount: 4_000,
      pendingAmount: 0,
    });
    expect(await readEntry(db, view.refundId)).toMatchObject({
      status: "posted",
      postings: [
        expect.objectContaining({ accountId: "merchant:testshop:UGX", side: "debit", amount: 4_000 }),
        expect.objectContaining({ accountId: "@clearing:iotec:UGX", amount: 4_000 }),
      ],
    });
    // A follow-up of the settled refund (ioTec answers a status request at once) changes nothing.
    const refund = await refundDoc(view.refundId);
    if (refund) await recheckRefund(deps(), view.refundId, refund);
    expect(await totalsDoc(paymentId)).toMatchObject({ reserved: 0, refunded: 4_000 });
  });
});

describe("refund results that do not settle it", () => {
  it("a result for another amount moves nothing: conflict and an alert", async () => {
    // The simulator's B2C results for numbers ending 9004 report one shilling more than asked.
    const { paymentId } = await paid("order", 1_000_00, "9004");
    const view = await ask(paymentId, 400_00);
    const result = await deliver("payout", view.refundId, 2);
    expect(result.status.amount).toBe(401_00);
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "conflict", nextCheckAt: null });
    expect(await alert(`refund-mismatch:${view.refundId}`)).toMatchObject({
      type: "refund-amount-mismatch",
      detail: { asked: 400_00, reported: 401_00 },
    });
    expect(await readEntry(db, view.refundId)).toBeUndefined();
    expect(await totalsDoc(paymentId)).toMatchObject({ reserved: 400_00, refunded: 0 });
  });

  it("a payout without its result is asked about on schedule and settles on the status answer", async () => {
    const { paymentId } = await paid("order", 1_000_00);
    const view = await ask(paymentId, 250_00);
    await results("payout", view.refundId); // delivered, never applied: as if it was lost
    const report = await requeryDueRefunds(deps(() => Date.now() + 31_000));
    expect(report.checked).toBeGreaterThanOrEqual(1);
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "pending", checks: 1 });
    const answer = await deliver("status", view.refundId);
    expect(answer).toMatchObject({ kind: "status", status: { outcome: "succeeded", amount: 250_00 } });
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "succeeded" });
    expect(await paymentRefund(paymentId)).toMatchObject({ state: "partially-refunded", refundedAmount: 250_00 });
  });

  it("a payout Daraja refused at the gateway (spike arrest) is sent again by the follow-up, and pays once", async () => {
    const { paymentId, phone } = await paid("order", 1_000_00);
    await addFault("daraja", { fault: "spike-arrest", phone: phone.replace(/^\+/, ""), remaining: 1 });
    const view = await ask(paymentId, 150_00);
    // Not sent (429 before processing): still sending, the attempt not counted.
    expect(view.state).toBe("sending");
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "sending", sendCalls: 0 });
    await requeryDueRefunds(deps(() => Date.now() + 31_000));
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "pending", sendCalls: 1 });
    await deliver("payout", view.refundId);
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "succeeded" });
    const sent = await requestsFor("daraja", { phone: phone.replace(/^\+/, "") });
    expect(sent.filter((r) => r.path === "b2c-accepted")).toHaveLength(1);
  });

  it("a reversal whose result never comes keeps its hold past a day and raises an alert", async () => {
    const { user, paymentId } = await paid("wallet-topup", 300_00);
    const view = await ask(paymentId, 300_00);
    expect(view.method).toBe("reversal");
    const dayLater = () => Date.now() + 25 * 3_600_000;
    const report = await requeryDueRefunds(deps(dayLater));
    expect(report.alerted).toBeGreaterThanOrEqual(1);
    // Daraja's status answer for a reversal it cannot look up is not a failure: still pending.
    const answer = await deliver("status", view.refundId);
    expect(answer.status.outcome).toBe("pending");
    expect(await refundDoc(view.refundId)).toMatchObject({ state: "pending", alertedAt: expect.anything() });
    expect(await alert(`refund-pending:${view.refundId}`)).toMatchObject({
      type: "refund-pending-24h",
      resolved: false,
    });
    expect(await wallet(user.uid)).toEqual({ balance: 300_00, available: 0, held: 300_00 });
    expect(await totalsDoc(paymentId)).toMatchObject({ reserved: 300_00 });
  });
});

describe("refundPayment refuses", () => {
  it("callers who are not operators, over HTTP, and writes nothing", async () => {
    const { user, paymentId } = await paid("order", 200_00);
    const input = { paymentId, amount: 100_00, reason: "Duplicate charge", idempotencyKey: idempotencyKey() };
    for (const caller of [user, await signUpAnonymous()]) {
      const answer = await call("refundPayment", input, { user: caller });
      expect(answer).toMatchObject({
        ok: false,
        code: "permission-denied",
        message: expect.stringContaining("Only operators"),
      });
    }
    expect(await refundsOf(paymentId)).toBe(0);
    expect(await totalsDoc(paymentId)).toBeUndefined();

    // An operator's token carries the claim: the same call is recorded and sent, and Daraja's
    // result, posted to darajaResult in the Functions emulator, settles it.
    const answer = await call<{ refundId: string; state: string; method: string }>("refundPayment", input, {
      user: await signUpOperator(),
    });
    expect(answer).toMatchObject({ ok: true, result: { method: "payout", amount: 100_00 } });
    expect(await refundsOf(paymentId)).toBe(1);
    if (!answer.ok) return;
    const settled = await eventually(
      () => refundDoc(answer.result.refundId),
      (refund) => refund?.state === "succeeded",
    );
    expect(settled).toMatchObject({ state: "succeeded", receipt: expect.any(String) });
    expect(await paymentRefund(paymentId)).toEqual({
      state: "partially-refunded",
      refundedAmount: 100_00,
      pendingAmount: 0,
    });
  });

  it("through darajaResult: a full M-Pesa refund's reversal result settles it", async () => {
    const { user, paymentId } = await paid("wallet-topup", 250_00);
    const operatorUser = await signUpOperator();
    const answer = await call<{ refundId: string; method: string }>(
      "refundPayment",
      { paymentId, amount: 250_00, reason: "Topped up by mistake", idempotencyKey: idempotencyKey() },
      { user: operatorUser },
    );
    expect(answer).toMatchObject({ ok: true, result: { method: "reversal" } });
    if (!answer.ok) return;
    await eventually(
      () => refundDoc(answer.result.refundId),
      (refund) => refund?.state === "succeeded",
    );
    expect(await wallet(user.uid)).toEqual({ balance: 0, available: 0, held: 0 });
    expect(await paymentRefund(paymentId)).toEqual({ state: "refunded", refundedAmount: 250_00, pendingAmount: 0 });
  });

  it.each([
    ["a missing reason", { reason: undefined }, "reason"],
    ["a fractional amount", { amount: 10.5 }, "amount: must be a whole number"],
    ["a negative amount", { amount: -100 }, "amount: must be greater than zero"],
    ["a malformed payment id", { paymentId: "../x" }, "paymentId"],
    ["a short key", { idempotencyKey: "k" }, "idempotencyKey"],
    ["an unknown field", { uid: "someone" }, "uid"],
  ])("%s, at the edge, with a sentence", async (_name, change, field) => {
    const operatorUser = await signUpOperator();
    const input = {
      paymentId: "p".repeat(20),
      amount: 100_00,
      reason: "Duplicate charge",
      idempotencyKey: idempotencyKey(),
      ...change,
    };
    const answer = await call("refundPayment", input, { user: operatorUser });
    expect(answer).toMatchObject({ ok: false, code: "invalid-argument", message: expect.stringContaining(field) });
  });

  it("payments it cannot refund, amounts it cannot send, and a spent top-up, writing nothing", async () => {
    const order = await paid("order", 1_000_00);
    // One at a time: each is refused before it writes anything.
    const cases: [() => Promise<unknown>, string, string][] = [
      [() => ask("nosuchpayment00000000", 100_00), "not-found", "paymentId: there is no such payment"],
      [() => ask(order.paymentId, 1_000_01), "failed-precondition", "only KES 1,000.00 is left refundable"],
      [() => ask(order.paymentId, 100_50), "invalid-argument", "whole shillings"],
      [() => ask(order.paymentId, 5_00), "invalid-argument", "between KES 10.00 and KES 250,000.00"],
    ];
    for (const [attempt, code, message] of cases) {
      expect(await refusal(attempt())).toMatchObject({ code, message: expect.stringContaining(message) });
    }
    expect(await refundsOf(order.paymentId)).toBe(0);
    expect(await totalsDoc(order.paymentId)).toBeUndefined();

    // A payment that did not succeed: nothing to refund.
    const user = await signUpAnonymous();
    const created = {
      result: await checkoutPayment(user, { amount: 100_00, currency: "KES", phone: kenyanPhone("2001") }),
    };
    await waitForStatus(created.result.paymentId, "failed");
    expect(await refusal(ask(created.result.paymentId, 100_00))).toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("only a succeeded payment can be refunded; this one is failed"),
    });

    // A top-up whose money has left the wallet cannot be refunded from it.
    const topUp = await paid("wallet-topup", 400_00);
    await postEntry(db, {
      id: `test-spend:${topUp.paymentId}`,
      kind: "test-spend",
      postings: [
        { account: accounts.wallet(topUp.user.uid, "KES"), side: "debit", amount: 350_00 },
        { account: accounts.suspense("KES"), side: "credit", amount: 350_00 },
      ],
    });
    expect(await refusal(ask(topUp.paymentId, 400_00))).toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("wallet no longer holds KES 400.00 to refund (KES 50.00 available)"),
    });
    expect(await refundsOf(topUp.paymentId)).toBe(0);
    expect(await totalsDoc(topUp.paymentId)).toBeUndefined();
    expect(await wallet(topUp.user.uid)).toEqual({ balance: 50_00, available: 50_00, held: 0 });
  });

  it("the same key again is the same refund; with other details it is refused", async () => {
    const { paymentId } = await paid("order", 1_000_00);
    const caller = operator();
    const key = idempotencyKey();
    const [a, b] = await Promise.all([ask(paymentId, 100_00, caller, key), ask(paymentId, 100_00, caller, key)]);
    expect(a.refundId).toBe(b.refundId);
    expect(await refundsOf(paymentId)).toBe(1);
    expect(await refusal(ask(paymentId, 200_00, caller, key))).toMatchObject({ code: "already-exists" });
    expect(await totalsDoc(paymentId)).toMatchObject({ reserved: 100_00 });
    // One B2C request went to Daraja for it.
    await results("payout", a.refundId);
    expect(receiver.received.filter((r) => r.path === `/${SECRET}/payout/${a.refundId}`)).toHaveLength(1);
  });
});
