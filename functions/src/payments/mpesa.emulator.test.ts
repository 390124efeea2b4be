// M-Pesa end to end: createPayment over HTTP, the Daraja simulator's push and callback, the
// callback function, the triggers and the mail documents, all through the emulators.
import { describe, expect, it } from "vitest";

import { call, idempotencyKey, kenyanPhone, signUpAnonymous, type TestUser } from "../../../tests/support/client.js";
import { functionUrl } from "../../../tests/support/emulators.js";
import {
  adminDb,
  eventually,
  failingTransactions,
  mailFor,
  paymentDoc,
  paymentEvents,
  waitForStatus,
} from "../../../tests/support/firestore.js";
import { emulatorSecrets, simulatorProvider } from "../../../tests/support/providers.js";
import { darajaCallback, deliverInProcess, deliverOnceTo } from "../../../tests/support/callbacks.js";
import { addFault, requestsFor, waitForSimulator } from "../../../tests/support/sandbox.js";
import { REGION } from "../core/region.js";
import { MPESA_RESULT_CODES } from "../providers/mpesa/result-codes.js";
import { createCallbackHandler } from "./callbacks.js";
import { reconcileStuckPayments } from "./reconcile.js";

interface View {
  paymentId: string;
  status: string;
  customerMessage: string;
}

async function pay(phone: string, options: { user?: TestUser; amount?: number; purpose?: string } = {}) {
  const user = options.user ?? (await signUpAnonymous());
  const result = await call<View>(
    "createPayment",
    {
      idempotencyKey: idempotencyKey(),
      purpose: options.purpose ?? "wallet-topup",
      amount: options.amount ?? 150_00,
      currency: "KES",
      phone,
      email: "buyer@example.com",
      name: "Wanjiru",
    },
    { user },
  );
  if (!result.ok) throw new Error(`createPayment failed: ${result.code} ${result.message}`);
  return { user, view: result.result };
}

const digits = (phone: string): string => phone.slice(1);

async function callbackUrl(secret = emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""): Promise<string> {
  return `${await functionUrl("mpesaCallback", REGION)}/${secret}`;
}

async function postCallback(body: unknown, secret?: string): Promise<Response> {
  return fetch(await callbackUrl(secret), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("M-Pesa collections", () => {
  it("succeeds: processing, then succeeded with the receipt, the audit trail and one receipt email", async () => {
    const phone = kenyanPhone("0000");
    const { view } = await pay(phone);
    expect(view).toMatchObject({ status: "processing", customerMessage: expect.stringContaining("M-Pesa PIN") });
    const payment = await waitForStatus(view.paymentId, "succeeded");
    expect(payment).toMatchObject({ status: "succeeded", amount: 150_00, currency: "KES", phone, provider: "mpesa" });
    expect(payment?.receipt).toMatch(/^S[0-9A-F]{9}$/);
    const types = (await paymentEvents(view.paymentId)).map((event) => event.type);
    expect(types).toEqual(["created", "provider-accepted", "callback"]);
    const mails = await eventually(
      () => mailFor(view.paymentId),
      (m) => m.length === 1 && m[0]?.delivery !== undefined,
    );
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: "receipt", to: "buyer@example.com", delivery: { state: "not-sent" } });
    expect(JSON.stringify(mails[0]?.message)).toContain("KES 150.00");
  });

  it.each([
    ["1032", "cancelled"],
    ["1037", "failed"],
    ["2001", "failed"],
    ["0001", "failed"],
    ["0017", "failed"],
    ["1019", "expired"],
  ])(
    "number ending %s ends %s with the customer message for that code and a failure notice",
    async (suffix, status) => {
      const { view } = await pay(kenyanPhone(suffix));
      const payment = await waitForStatus(view.paymentId, status);
      const code = String(Number(suffix));
      expect(payment).toMatchObject({
        status,
        failureCode: `mpesa:${code}`,
        customerMessage: MPESA_RESULT_CODES[code]?.customerMessage,
      });
      const mails = await eventually(
        () => mailFor(view.paymentId),
        (m) => m.length === 1,
      );
      expect(mails.map((mail) => mail.kind)).toEqual(["failure-notice"]);
    },
  );

  it("a push that times out stays pending, then reconciliation completes it from the provider's callback", async () => {
    const phone = kenyanPhone("0000");
    await addFault("daraja", { fault: "timeout", phone: digits(phone) });
    const { view } = await pay(phone);
    expect(view.status).toBe("pending");
    expect(view.customerMessage).toContain("do not pay again");
    // The simulator processed the push anyway; its callback, answered by now, names a reference
    // we never learnt.
    await waitForSimulator("daraja", "callback-answered", { phone: digits(phone) });
    expect((await paymentDoc(view.paymentId))?.status).toBe("pending");

    const report = await reconcileStuckPayments(
      { db: adminDb(), provider: simulatorProvider, now: Date.now },
      { paymentIds: [view.paymentId] },
    );
    expect(report).toMatchObject({ checked: 1, changed: 1 });
    expect(await paymentDoc(view.paymentId)).toMatchObject({
      status: "succeeded",
      providerReference: expect.stringMatching(/^ws_CO_/),
    });
    const pushes = (await requestsFor("daraja", { phone: digits(phone) })).filter((r) => r.path === "stkpush");
    expect(pushes).toHaveLength(1);
  });

  it("a lost callback is found by re-query, after a re-query that timed out changed nothing", async () => {
    const phone = kenyanPhone("0000");
    await addFault("daraja", { fault: "drop-callback", phone: digits(phone) });
    await addFault("daraja", { fault: "query-timeout", phone: digits(phone), remaining: 1 });
    const { view } = await pay(phone);
    // The prompt has finished at the provider, and its callback is lost.
    await waitForSimulator("daraja", "callback-dropped", { phone: digits(phone) });
    const deps = { db: adminDb(), provider: simulatorProvider, now: Date.now };

    const first = await reconcileStuckPayments(deps, { paymentIds: [view.paymentId] });
    expect(first).toMatchObject({ checked: 1, changed: 0, errors: 1 });
    expect((await paymentDoc(view.paymentId))?.status).toBe("processing");

    const second = await reconcileStuckPayments(deps, { paymentIds: [view.paymentId] });
    expect(second).toMatchObject({ checked: 1, changed: 1, errors: 0 });
    expect(await paymentDoc(view.paymentId)).toMatchObject({ status: "succeeded" });
  });

  it("a prompt still open is pending at re-query, and expires after the expiry age", async () => {
    const { view } = await pay(kenyanPhone("9999"));
    const deps = { db: adminDb(), provider: simulatorProvider, now: Date.now };
    const open = await reconcileStuckPayments(deps, { paymentIds: [view.paymentId] });
    expect(open).toMatchObject({ changed: 0, expired: 0, errors: 0 });
    expect((await paymentDoc(view.paymentId))?.status).toBe("processing");
    const late = await reconcileStuckPayments(deps, { paymentIds: [view.paymentId], expireAfterMs: 0 });
    expect(late).toMatchObject({ expired: 1 });
    expect(await paymentDoc(view.paymentId)).toMatchObject({ status: "expired", failureCode: "mpesa:no-final-status" });
  });

  it("10 concurrent deliveries of one callback make one transition and one email", async () => {
    const phone = kenyanPhone("9999");
    const { view } = await pay(phone, { amount: 250_00 });
    const reference = (await paymentDoc(view.paymentId))?.providerReference as string;
    const body = darajaCallback(reference, 0, 250, phone);
    const path = `/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliverInProcess("mpesa", { path, body })));
    expect(answers).toEqual(Array(10).fill({ status: 200, body: { ResultCode: 0, ResultDesc: "Accepted" } }));
    expect((await paymentDoc(view.paymentId))?.status).toBe("succeeded");
    const transitions = (await paymentEvents(view.paymentId)).filter((event) => event.to === "succeeded");
    expect(transitions).toHaveLength(1);
    const stored = await adminDb().collection("providerEvents").where("paymentId", "==", view.paymentId).get();
    expect(stored.size).toBe(1);
    // One transition, so one trigger event with a status change: its receipt (the trigger's
    // idempotency under redelivery is proven in notifications.emulator.test.ts).
    const mails = await eventually(
      () => mailFor(view.paymentId),
      (m) => m.length >= 1,
    );
    expect(mails.map((mail) => mail.kind)).toEqual(["receipt"]);
  });

  it("a callback whose recording fails twice is recorded on the third attempt, before it is answered", async () => {
    const phone = kenyanPhone("9999");
    const { view } = await pay(phone, { amount: 270_00 });
    const reference = (await paymentDoc(view.paymentId))?.providerReference as string;
    const db = failingTransactions([0, 1]);
    const handler = createCallbackHandler({
      db: () => db,
      provider: () => simulatorProvider("mpesa"),
      now: Date.now,
    });
    const path = `/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`;
    const answer = await deliverOnceTo(handler, { path, body: darajaCallback(reference, 0, 270, phone) });
    expect(answer).toEqual({ status: 200, body: { ResultCode: 0, ResultDesc: "Accepted" } });
    expect((await paymentDoc(view.paymentId))?.status).toBe("succeeded");
    expect((await paymentEvents(view.paymentId)).filter((event) => event.to === "succeeded")).toHaveLength(1);
  });

  it("a callback that cannot be recorded in three attempts is answered 500 and changes nothing", async () => {
    const phone = kenyanPhone("9999");
    const { view } = await pay(phone, { amount: 280_00 });
    const reference = (await paymentDoc(view.paymentId))?.providerReference as string;
    const db = failingTransactions([0, 1, 2]);
    const handler = createCallbackHandler({
      db: () => db,
      provider: () => simulatorProvider("mpesa"),
      now: Date.now,
    });
    const path = `/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`;
    const answer = await deliverOnceTo(handler, { path, body: darajaCallback(reference, 0, 280, phone) });
    expect(answer).toEqual({ status: 500, body: { error: "Try again later." } });
    expect((await paymentDoc(view.paymentId))?.status).toBe("processing");
    const stored = await adminDb().collection("providerEvents").where("providerReference", "==", reference).get();
    expect(stored.size).toBe(0);
  });

  it("a callback posted twice to the function answers both and applies once", async () => {
    const phone = kenyanPhone("9999");
    const { view } = await pay(phone, { amount: 260_00 });
    const reference = (await paymentDoc(view.paymentId))?.providerReference as string;
    const body = darajaCallback(reference, 0, 260, phone);
    for (let i = 0; i < 2; i++) {
      const response = await postCallback(body);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ResultCode: 0, ResultDesc: "Accepted" });
    }
    expect((await paymentEvents(view.paymentId)).filter((event) => event.to === "succeeded")).toHaveLength(1);
  });

  it("the simulator's duplicate delivery changes the payment once", async () => {
    const phone = kenyanPhone("0000");
    await addFault("daraja", { fault: "duplicate-callback", phone: digits(phone) });
    const { view } = await pay(phone);
    await waitForSimulator("daraja", "callback-answered", { phone: digits(phone) }, 2);
    expect((await paymentDoc(view.paymentId))?.status).toBe("succeeded");
    const events = await paymentEvents(view.paymentId);
    expect(events.filter((event) => event.type === "callback")).toHaveLength(1);
    const stored = await adminDb().collection("providerEvents").where("paymentId", "==", view.paymentId).get();
    expect(stored.size).toBe(1);
  });

  it("a callback that arrives before the push reply is applied once the reply comes", async () => {
    const phone = kenyanPhone("0000");
    await addFault("daraja", { fault: "callback-before-reply", phone: digits(phone) });
    const { view } = await pay(phone);
    expect(view.status).toBe("succeeded");
    expect((await paymentEvents(view.paymentId)).map((event) => event.type)).toEqual(["created", "callback"]);
  });

  it("a late failure after success never downgrades the payment", async () => {
    const phone = kenyanPhone("0000");
    const { view } = await pay(phone);
    const payment = await waitForStatus(view.paymentId, "succeeded");
    const response = await postCallback(darajaCallback(payment?.providerReference as string, 1032));
    expect(response.status).toBe(200);
    expect(await paymentDoc(view.paymentId)).toMatchObject({ status: "succeeded", receipt: payment?.receipt });
    expect((await paymentEvents(view.paymentId)).map((event) => event.type)).toContain("callback-after-final");
  });

  it("a callback with a different amount is a conflict, credits nothing and raises an alert", async () => {
    const phone = kenyanPhone("0000");
    await addFault("daraja", { fault: "wrong-amount", phone: digits(phone) });
    const { view } = await pay(phone);
    const payment = await waitForStatus(view.paymentId, "conflict");
    expect(payment).toMatchObject({ status: "conflict", failureCode: "mismatch:amount" });
    const alerts = await adminDb().collection("alerts").where("paymentId", "==", view.paymentId).get();
    expect(alerts.docs.map((doc) => doc.get("type") as unknown)).toEqual(["payment-conflict"]);
    // A conflict is not a status that sends mail (notifications.emulator.test.ts proves it for the
    // trigger itself).
    expect(await mailFor(view.paymentId)).toEqual([]);
  });

  it("a callback for an unknown reference changes nothing and is kept for reconciliation", async () => {
    const reference = `ws_CO_unknown${Date.now()}`;
    const response = await postCallback(darajaCallback(reference, 0, 10, kenyanPhone("0000")));
    expect(response.status).toBe(200);
    const stored = await adminDb().collection("providerEvents").where("providerReference", "==", reference).get();
    expect(stored.docs.map((doc) => doc.get("matched") as unknown)).toEqual([false]);
  });

  it("a wrong path secret or an invalid body is refused with 4xx and changes nothing", async () => {
    const phone = kenyanPhone("9999");
    const { view } = await pay(phone, { amount: 300_00 });
    const reference = (await paymentDoc(view.paymentId))?.providerReference as string;
    const before = await paymentEvents(view.paymentId);
    const wrongSecret = await postCallback(darajaCallback(reference, 0, 300, phone), "not-the-secret");
    expect(wrongSecret.status).toBe(403);
    const noSecret = await fetch(await functionUrl("mpesaCallback", REGION), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(darajaCallback(reference, 0, 300, phone)),
    });
    expect(noSecret.status).toBe(403);
    const invalid = await postCallback({ Body: { stkCallback: { CheckoutRequestID: reference } } });
    expect(invalid.status).toBe(400);
    expect(await paymentDoc(view.paymentId)).toMatchObject({ status: "processing" });
    expect(await paymentEvents(view.paymentId)).toHaveLength(before.length);
  });

  it("retries a spike arrest, which reaches no payment API, and pushes once", async () => {
    const phone = kenyanPhone("0000");
    await addFault("daraja", { fault: "spike-arrest", phone: digits(phone), remaining: 1 });
    const { view } = await pay(phone);
    expect(view.status).toBe("processing");
    await waitForStatus(view.paymentId, "succeeded");
    const pushes = (await requestsFor("daraja", { phone: digits(phone) })).filter((r) => r.path === "stkpush-accepted");
    expect(pushes).toHaveLength(1);
  });
});
