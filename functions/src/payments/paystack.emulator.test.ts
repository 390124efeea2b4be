// Paystack (NGN) end to end: createPayment returns the hosted checkout, the payer acts on the
// simulator's page, the signed webhook is verified at Paystack before the NGN wallet is credited,
// and reconciliation re-queries what no webhook settled. The redirect back proves nothing.
import { randomInt, randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { deliverInProcess, paystackWebhook } from "../../../tests/support/callbacks.js";
import { call, idempotencyKey, nigerianPhone, signUpAnonymous } from "../../../tests/support/client.js";
import { functionUrl } from "../../../tests/support/emulators.js";
import { adminDb, eventually, paymentDoc, paymentEvents, waitForStatus } from "../../../tests/support/firestore.js";
import { emulatorSecrets, simulatorProvider } from "../../../tests/support/providers.js";
import { addFault, paystackCheckout, waitForSimulator } from "../../../tests/support/sandbox.js";
import { PAYSTACK } from "../../../sandbox/src/settings.js";
import { REGION } from "../core/region.js";
import { accounts, balanceOf } from "../ledger/accounts.js";
import { readBalances } from "../ledger/journal.js";
import { topUpEntryId } from "../wallet/top-up.js";
import { reconcileStuckPayments } from "./reconcile.js";
import { paymentSchema } from "./records.js";
import { dispatchStatusChange } from "./settlement.js";

const db = adminDb();
const secretKey = emulatorSecrets.PAYSTACK_SECRET_KEY ?? "";

interface View {
  paymentId: string;
  status: string;
  customerMessage: string;
  checkoutUrl?: string;
}

/** A Nigerian mobile number (+234 803 …) and an email of its own, which the simulator's faults match. */
function payer() {
  return { phone: nigerianPhone(), email: `ada.${randomUUID()}@example.ng` };
}

async function topUp(who = payer(), amount = 2_500_00) {
  const user = await signUpAnonymous();
  const result = await call<View>(
    "createPayment",
    { idempotencyKey: idempotencyKey(), purpose: "wallet-topup", amount, currency: "NGN", ...who },
    { user },
  );
  if (!result.ok) throw new Error(`createPayment failed: ${result.code} ${result.message}`);
  return { uid: user.uid, ...result.result };
}

async function ngnBalance(uid: string): Promise<number> {
  return balanceOf(await readBalances(db, accounts.wallet(uid, "NGN")));
}

async function activityLines(uid: string): Promise<number> {
  return (await db.collection("ledgerAccounts").doc(accounts.wallet(uid, "NGN").id).collection("activity").get()).size;
}

/** Runs the settlement handlers on the payment's final state, then checks no top-up was posted. */
async function creditsNothing(paymentId: string, uid: string): Promise<void> {
  const after = paymentSchema.parse(await paymentDoc(paymentId));
  await dispatchStatusChange(db, paymentId, { ...after, status: "processing" }, after, `check-${paymentId}`);
  expect((await db.collection("journal").doc(topUpEntryId(paymentId)).get()).exists).toBe(false);
  expect(await ngnBalance(uid)).toBe(0);
}

const reconcile = (paymentId: string, expireAfterMs?: number) =>
  reconcileStuckPayments(
    { db, provider: simulatorProvider, now: Date.now },
    { paymentIds: [paymentId], ...(expireAfterMs === undefined ? {} : { expireAfterMs }) },
  );

const chargeSuccess = (reference: string, amount = 2_500_00) => ({
  event: "charge.success",
  data: { id: randomInt(1, 2 ** 47), reference, status: "success", amount, currency: "NGN" },
});

/** Posts these bytes to the deployed webhook with this signature, as Paystack would. */
async function postWebhook(body: string, signature: string): Promise<Response> {
  return fetch(await functionUrl("paystackWebhook", REGION), {
    method: "POST",
    headers: { "Content-Type": "application/json", "x-paystack-signature": signature },
    body,
  });
}

describe("Paystack collections", () => {
  it("returns the hosted checkout; paying there credits the NGN wallet once the webhook is verified", async () => {
    const who = payer();
    const { uid, paymentId, status, checkoutUrl } = await topUp(who);
    expect(status).toBe("processing");
    expect(checkoutUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${PAYSTACK.port}/checkout/`));
    expect((await paymentDoc(paymentId))?.checkoutUrl).toBe(checkoutUrl);

    const back = new URL(await paystackCheckout(paymentId, "pay"));
    expect(`${back.origin}${back.pathname}`).toBe(PAYSTACK.callbackUrl);
    expect(back.searchParams.get("reference")).toBe(paymentId);
    // The simulator's own webhook, over HTTP to the emulated function (signed over its raw body).
    const [answer] = await waitForSimulator("paystack", "webhook-answered", { reference: paymentId });
    expect(answer?.status).toBe(200);
    const payment = await waitForStatus(paymentId, "succeeded");
    expect(payment).toMatchObject({ provider: "paystack", currency: "NGN", receipt: expect.stringMatching(/^\d+$/) });
    expect(
      await eventually(
        () => ngnBalance(uid),
        (balance) => balance === 2_500_00,
      ),
    ).toBe(2_500_00);
  });

  it("a signed charge.success delivered 5 times at once credits once", async () => {
    const who = payer();
    await addFault("paystack", { fault: "drop-webhook", phone: who.email });
    const { uid, paymentId } = await topUp(who, 1_000_00);
    await paystackCheckout(paymentId, "pay");
    await waitForSimulator("paystack", "webhook-dropped", { reference: paymentId });
    const delivery = paystackWebhook(chargeSuccess(paymentId, 1_000_00), secretKey);
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliverInProcess("paystack", delivery)));
    expect(answers).toEqual(Array(5).fill({ status: 200, body: { received: true } }));
    expect((await paymentEvents(paymentId)).filter((event) => event.to === "succeeded")).toHaveLength(1);
    expect((await db.collection("providerEvents").where("paymentId", "==", paymentId).get()).size).toBe(1);
    await eventually(
      () => ngnBalance(uid),
      (balance) => balance === 1_000_00,
    );
    expect(await activityLines(uid)).toBe(1);
  });

  it("the simulator's duplicate deliveries over HTTP change the payment once", async () => {
    const who = payer();
    await addFault("paystack", { fault: "duplicate-webhook", phone: who.email, count: 3 });
    const { uid, paymentId } = await topUp(who);
    await paystackCheckout(paymentId, "pay");
    const answers = await waitForSimulator("paystack", "webhook-answered", { reference: paymentId }, 3);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect((await paymentEvents(paymentId)).filter((event) => event.to === "succeeded")).toHaveLength(1);
    await eventually(
      () => ngnBalance(uid),
      (balance) => balance === 2_500_00,
    );
    expect(await activityLines(uid)).toBe(1);
  });

  it("a wrong signature or a re-serialised body is refused with 401 and changes nothing", async () => {
    const who = payer();
    await addFault("paystack", { fault: "drop-webhook", phone: who.email });
    const { uid, paymentId } = await topUp(who);
    await paystackCheckout(paymentId, "pay");
    await waitForSimulator("paystack", "webhook-dropped", { reference: paymentId });
    const before = await paymentEvents(paymentId);
    const signed = paystackWebhook(chargeSuccess(paymentId), secretKey);
    const signature = signed.headers?.["x-paystack-signature"] ?? "";
    const wrong = paystackWebhook(chargeSuccess(paymentId), "sk_test_someone_else").headers?.["x-paystack-signature"];
    expect((await postWebhook(signed.rawBody?.toString() ?? "", wrong ?? "")).status).toBe(401);
    // The same JSON with other bytes: the signature was over the bytes Paystack sent.
    expect((await postWebhook(JSON.stringify(signed.body, null, 2), signature)).status).toBe(401);
    expect(await paymentEvents(paymentId)).toHaveLength(before.length);
    expect((await paymentDoc(paymentId))?.status).toBe("processing");
    expect(await ngnBalance(uid)).toBe(0);
  });

  it("the simulator's badly signed webhook is refused; the payment waits for the re-query", async () => {
    const who = payer();
    await addFault("paystack", { fault: "bad-signature", phone: who.email });
    const { uid, paymentId } = await topUp(who);
    await paystackCheckout(paymentId, "pay");
    const [answer] = await waitForSimulator("paystack", "webhook-answered", { reference: paymentId });
    expect(answer?.status).toBe(401);
    expect((await paymentDoc(paymentId))?.status).toBe("processing");
    expect(await ngnBalance(uid)).toBe(0);
    expect(await reconcile(paymentId)).toMatchObject({ checked: 1, changed: 1 });
    expect((await paymentDoc(paymentId))?.status).toBe("succeeded");
  });

  it("a verify that disagrees on the amount is a conflict with an alert and credits nothing", async () => {
    const who = payer();
    await addFault("paystack", { fault: "wrong-amount", phone: who.email });
    const { uid, paymentId } = await topUp(who);
    await paystackCheckout(paymentId, "pay");
    const payment = await waitForStatus(paymentId, "conflict");
    expect(payment?.failureCode).toBe("mismatch:amount");
    expect((await db.collection("alerts").where("paymentId", "==", paymentId).get()).size).toBe(1);
    await creditsNothing(paymentId, uid);
  });

  it("a webhook's claim is not believed: verify still says unpaid, so nothing changes", async () => {
    const { uid, paymentId } = await topUp();
    const answer = await deliverInProcess("paystack", paystackWebhook(chargeSuccess(paymentId), secretKey));
    expect(answer.status).toBe(200);
    expect((await paymentDoc(paymentId))?.status).toBe("processing");
    expect(await ngnBalance(uid)).toBe(0);
  });

  it("the redirect back alone credits nothing; the re-query then finds the payment", async () => {
    const who = payer();
    await addFault("paystack", { fault: "drop-webhook", phone: who.email });
    const { uid, paymentId } = await topUp(who);
    const back = await paystackCheckout(paymentId, "pay");
    // The payer's browser lands on the wallet page with ?reference=: a page, nothing more.
    expect((await fetch(back)).status).toBe(200);
    await waitForSimulator("paystack", "webhook-dropped", { reference: paymentId });
    expect((await paymentDoc(paymentId))?.status).toBe("processing");
    expect(await ngnBalance(uid)).toBe(0);
    expect(await reconcile(paymentId)).toMatchObject({ checked: 1, changed: 1 });
    await waitForStatus(paymentId, "succeeded");
    await eventually(
      () => ngnBalance(uid),
      (balance) => balance === 2_500_00,
    );
  });

  it("an abandoned checkout credits nothing and expires at reconciliation", async () => {
    const { uid, paymentId } = await topUp();
    await paystackCheckout(paymentId, "abandon");
    // Young, it stays open: the payer may still come back to the page and pay.
    expect(await reconcile(paymentId)).toMatchObject({ checked: 1, changed: 0, expired: 0 });
    expect(await reconcile(paymentId, 0)).toMatchObject({ checked: 1, expired: 1 });
    expect((await paymentDoc(paymentId))?.status).toBe("expired");
    await creditsNothing(paymentId, uid);
  });

  it("a failed charge sends no webhook; the re-query fails the payment and credits nothing", async () => {
    const { uid, paymentId } = await topUp();
    await paystackCheckout(paymentId, "fail");
    expect(await reconcile(paymentId)).toMatchObject({ checked: 1, changed: 1 });
    expect(await paymentDoc(paymentId)).toMatchObject({ status: "failed", failureCode: "paystack:failed" });
    await creditsNothing(paymentId, uid);
  });

  it("acknowledges other signed events and records nothing", async () => {
    const answer = await deliverInProcess(
      "paystack",
      paystackWebhook({ event: "transfer.success", data: { id: 7, reference: "tr-1" } }, secretKey),
    );
    expect(answer).toEqual({ status: 200, body: { received: true } });
    expect((await db.collection("providerEvents").where("providerReference", "==", "tr-1").get()).size).toBe(0);
  });

  it("a 500 from initialize leaves the payment pending for the re-query, which finds nothing to pay", async () => {
    const who = payer();
    await addFault("paystack", { fault: "server-error", phone: who.email, remaining: 1 });
    const { paymentId, status, checkoutUrl } = await topUp(who);
    expect(status).toBe("pending");
    expect(checkoutUrl).toBeUndefined();
    expect(await reconcile(paymentId)).toMatchObject({ checked: 1, changed: 0, errors: 0 });
    expect(await reconcile(paymentId, 0)).toMatchObject({ expired: 1 });
  });
});

describe("createPayment in NGN", () => {
  it.each([
    ["without an email", { email: undefined }, "email: is required for a Paystack payment"],
    ["with a Kenyan number", { phone: "+254712345678" }, "currency: M-Pesa payments are in KES, not NGN."],
    ["below Malipo's minimum", { amount: 50_00 }, "amount: Paystack (card, bank transfer, USSD) payments must be"],
  ])("is refused %s with a sentence, writing nothing", async (_name, change, mentions) => {
    const user = await signUpAnonymous();
    const result = await call(
      "createPayment",
      {
        idempotencyKey: idempotencyKey(),
        purpose: "wallet-topup",
        amount: 2_500_00,
        currency: "NGN",
        ...payer(),
        ...change,
      },
      { user },
    );
    expect(result).toMatchObject({ ok: false, code: "invalid-argument", message: expect.stringContaining(mentions) });
    expect((await db.collection("payments").where("uid", "==", user.uid).get()).size).toBe(0);
  });

  it("the same key again returns the same payment and its checkout page", async () => {
    const user = await signUpAnonymous();
    const input = {
      idempotencyKey: idempotencyKey(),
      purpose: "wallet-topup",
      amount: 2_500_00,
      currency: "NGN",
      ...payer(),
    };
    const first = await call<View>("createPayment", input, { user });
    const again = await call<View>("createPayment", input, { user });
    expect(first.ok && again.ok).toBe(true);
    if (first.ok && again.ok) expect(again.result).toEqual(first.result);
  });
});
