// ioTec (MTN/Airtel Uganda) end to end: createPayment, the ioTec simulator's collect and wallet
// callbacks (header secret), status re-fetch, and reconciliation by externalId.
import { describe, expect, it } from "vitest";

import { call, idempotencyKey, iotecPhone, signUpAnonymous, ugandanPhone } from "../../../tests/support/client.js";
import { functionUrl } from "../../../tests/support/emulators.js";
import {
  adminDb,
  eventually,
  mailFor,
  paymentDoc,
  paymentEvents,
  waitForStatus,
} from "../../../tests/support/firestore.js";
import { emulatorSecrets, simulatorProvider } from "../../../tests/support/providers.js";
import { deliverInProcess } from "../../../tests/support/callbacks.js";
import { addFault, requestsFor, waitForSimulator } from "../../../tests/support/sandbox.js";
import { IOTEC } from "../../../sandbox/src/settings.js";
import { REGION } from "../core/region.js";
import { reconcileStuckPayments } from "./reconcile.js";

interface View {
  paymentId: string;
  status: string;
  customerMessage: string;
}

async function pay(phone: string, amount = 5_000) {
  const user = await signUpAnonymous();
  const result = await call<View>(
    "createPayment",
    {
      idempotencyKey: idempotencyKey(),
      purpose: "wallet-topup",
      amount,
      currency: "UGX",
      phone,
      email: "buyer@example.ug",
    },
    { user },
  );
  if (!result.ok) throw new Error(`createPayment failed: ${result.code} ${result.message}`);
  return result.result;
}

/** Posts a callback as ioTec would; `secret: null` sends no header at all. */
async function deliver(
  body: unknown,
  secret: string | null = emulatorSecrets.IOTEC_CALLBACK_SECRET ?? "",
): Promise<Response> {
  return fetch(await functionUrl("iotecCallback", REGION), {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(secret === null ? {} : { [IOTEC.callbackHeader]: secret }) },
    body: JSON.stringify(body),
  });
}

const reconcile = (paymentId: string) =>
  reconcileStuckPayments({ db: adminDb(), provider: simulatorProvider, now: Date.now }, { paymentIds: [paymentId] });

describe("ioTec collections", () => {
  it("succeeds with the vendor's transaction id as receipt", async () => {
    const view = await pay(iotecPhone("011177777"));
    expect(view.status).toBe("processing");
    const payment = await waitForStatus(view.paymentId, "succeeded");
    expect(payment).toMatchObject({
      provider: "iotec",
      currency: "UGX",
      amount: 5_000,
      receipt: expect.stringMatching(/^MP/),
    });
    const mails = await eventually(
      () => mailFor(view.paymentId),
      (m) => m.length === 1,
    );
    expect(mails.map((mail) => mail.kind)).toEqual(["receipt"]);
  });

  it("fails with a customer message and a failure notice", async () => {
    const view = await pay(iotecPhone("011177799"));
    const payment = await waitForStatus(view.paymentId, "failed");
    expect(payment).toMatchObject({
      failureCode: "iotec:Failed",
      customerMessage: expect.stringContaining("did not go through"),
    });
    await eventually(
      () => mailFor(view.paymentId),
      (m) => m.length === 1,
    );
  });

  it("treats SentToVendor as not yet paid, then succeeds", async () => {
    const view = await pay(iotecPhone("011177779"));
    const payment = await waitForStatus(view.paymentId, "succeeded");
    expect(payment?.status).toBe("succeeded");
    const callbacks = (await paymentEvents(view.paymentId)).filter((event) => event.type === "callback");
    expect(callbacks.map((event) => (event.data as { outcome: string }).outcome)).toEqual(["pending", "succeeded"]);
    expect(callbacks.map((event) => event.to)).toEqual([null, "succeeded"]);
  });

  it("keeps a collection that never calls back processing while ioTec says pending", async () => {
    // This payer's collection never leaves Pending at the simulator.
    const view = await pay(iotecPhone("011177778"));
    expect(await reconcile(view.paymentId)).toMatchObject({ checked: 1, changed: 0, errors: 0 });
    expect((await paymentDoc(view.paymentId))?.status).toBe("processing");
  });

  it("a collect that times out is found by externalId at re-query", async () => {
    const phone = ugandanPhone();
    await addFault("iotec", { fault: "timeout", phone });
    await addFault("iotec", { fault: "drop-callback", phone });
    const view = await pay(phone);
    expect(view.status).toBe("pending");
    await waitForSimulator("iotec", "callback-dropped", { phone });
    expect(await reconcile(view.paymentId)).toMatchObject({ checked: 1, changed: 1 });
    const payment = await paymentDoc(view.paymentId);
    expect(payment).toMatchObject({ status: "succeeded", providerReference: expect.any(String) });
    expect((await requestsFor("iotec", { phone })).filter((r) => r.path === "collect")).toHaveLength(1);
  });

  it("a 5xx from collect is not retried: the payment waits for re-query", async () => {
    const phone = ugandanPhone();
    await addFault("iotec", { fault: "server-error", phone, remaining: 1 });
    const view = await pay(phone);
    expect(view.status).toBe("pending");
    expect((await requestsFor("iotec", { phone })).filter((r) => r.path === "collect")).toHaveLength(1);
  });

  it("10 concurrent deliveries of one callback make one transition and one email", async () => {
    // ioTec completes the collection but its own callback is lost; then it arrives 10 times at once.
    const phone = ugandanPhone();
    await addFault("iotec", { fault: "drop-callback", phone });
    const view = await pay(phone);
    const reference = (await paymentDoc(view.paymentId))?.providerReference as string;
    await waitForSimulator("iotec", "callback-dropped", { phone });
    const body = { id: reference, status: "Success", amount: 5_000, currency: "UGX" };
    const headers = { [IOTEC.callbackHeader]: emulatorSecrets.IOTEC_CALLBACK_SECRET ?? "" };
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliverInProcess("iotec", { headers, body })));
    expect(answers).toEqual(Array(10).fill({ status: 200, body: { received: true } }));
    expect((await paymentDoc(view.paymentId))?.status).toBe("succeeded");
    expect((await paymentEvents(view.paymentId)).filter((event) => event.to === "succeeded")).toHaveLength(1);
    const recorded = await adminDb().collection("providerEvents").where("paymentId", "==", view.paymentId).get();
    expect(recorded.size).toBe(1);
    // One transition, so one receipt (the trigger's idempotency: notifications.emulator.test.ts).
    const mails = await eventually(
      () => mailFor(view.paymentId),
      (m) => m.length >= 1,
    );
    expect(mails.map((mail) => mail.kind)).toEqual(["receipt"]);
  });

  it("a callback whose re-fetched status is still pending changes nothing", async () => {
    const view = await pay(iotecPhone("011177778"));
    const reference = (await paymentDoc(view.paymentId))?.providerReference as string;
    const response = await deliver({ id: reference, status: "Success", amount: 5_000, currency: "UGX" });
    expect(response.status).toBe(200);
    expect((await paymentDoc(view.paymentId))?.status).toBe("processing");
  });

  it("the simulator's duplicate delivery changes the payment once and sends one receipt", async () => {
    const phone = ugandanPhone();
    await addFault("iotec", { fault: "duplicate-callback", phone });
    const view = await pay(phone);
    await waitForSimulator("iotec", "callback-answered", { phone }, 2);
    expect((await paymentDoc(view.paymentId))?.status).toBe("succeeded");
    expect((await paymentEvents(view.paymentId)).filter((event) => event.to === "succeeded")).toHaveLength(1);
    const mails = await eventually(
      () => mailFor(view.paymentId),
      (m) => m.length >= 1,
    );
    expect(mails).toHaveLength(1);
  });

  it("a callback that arrives before the collect reply is applied once the reply comes", async () => {
    const phone = ugandanPhone();
    await addFault("iotec", { fault: "callback-before-reply", phone });
    const view = await pay(phone);
    expect(view.status).toBe("succeeded");
  });

  it("a completed amount that differs is a conflict with an alert", async () => {
    const phone = ugandanPhone();
    await addFault("iotec", { fault: "wrong-amount", phone });
    const view = await pay(phone);
    await waitForStatus(view.paymentId, "conflict");
    const alerts = await adminDb().collection("alerts").where("paymentId", "==", view.paymentId).get();
    expect(alerts.size).toBe(1);
  });

  it("a wrong or missing header secret, or an invalid body, is refused with 4xx and changes nothing", async () => {
    const view = await pay(iotecPhone("011177778"));
    const reference = (await paymentDoc(view.paymentId))?.providerReference as string;
    const before = await paymentEvents(view.paymentId);
    expect((await deliver({ id: reference, status: "Success" }, "wrong")).status).toBe(403);
    expect((await deliver({ id: reference, status: "Success" }, null)).status).toBe(403);
    expect((await deliver({ nothing: true })).status).toBe(400);
    expect(await paymentEvents(view.paymentId)).toHaveLength(before.length);
  });

  it("enforces ioTec's UGX 500 minimum before calling ioTec", async () => {
    const phone = ugandanPhone();
    const user = await signUpAnonymous();
    const result = await call(
      "createPayment",
      { idempotencyKey: idempotencyKey(), purpose: "wallet-topup", amount: 499, currency: "UGX", phone },
      { user },
    );
    expect(result).toMatchObject({ ok: false, code: "invalid-argument", message: expect.stringContaining("UGX 500") });
    expect(await requestsFor("iotec", { phone })).toEqual([]);
  });
});
