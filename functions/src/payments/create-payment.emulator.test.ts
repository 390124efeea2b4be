// createPayment's money properties (idempotency, key reuse, the duplicate window), its rate limits and its input handling,
// against the emulators. Sequential calls go over HTTP as a client's would; where concurrency
// matters, the handler the callable wraps is called in-process, many times at once (the Functions
// emulator would start a worker process for every call in flight).
import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import {
  call,
  idempotencyKey,
  kenyanPhone,
  randomIp,
  signUpAnonymous,
  type CallResult,
  type TestUser,
} from "../../../tests/support/client.js";
import { adminDb, failingTransactions, waitForStatus } from "../../../tests/support/firestore.js";
import { emulatorParams, simulatorProvider } from "../../../tests/support/providers.js";
import { requestsFor } from "../../../tests/support/sandbox.js";
import type { Caller } from "../core/callable.js";
import { AppError, FIRESTORE_STATUS, firestoreStatus } from "../core/errors.js";
import { createPayment } from "./create-payment.js";
import { createPaymentInput } from "./schemas.js";

interface View {
  paymentId: string;
  status: string;
  customerMessage: string;
}

function base(phone: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idempotencyKey: idempotencyKey(),
    purpose: "wallet-topup",
    amount: 200_00,
    currency: "KES",
    phone,
    ...overrides,
  };
}

async function paymentsOf(user: Pick<TestUser, "uid">) {
  return (await adminDb().collection("payments").where("uid", "==", user.uid).get()).docs;
}

const deps = {
  db: adminDb(),
  provider: simulatorProvider,
  allowSandboxPayers: emulatorParams.ALLOW_SANDBOX_PAYERS === "true",
  now: Date.now,
};

/**
 * The handler behind the createPayment callable, called in-process; a refusal as its code. A
 * transaction that lost to concurrent ones reaches a client as `unavailable` ("try again in a few
 * seconds", nothing written), and the client tries again, as this does: the emulator breaks lock
 * conflicts between concurrent transactions only by timeout, so on a busy machine some do.
 */
async function direct(input: Record<string, unknown>, caller: Caller): Promise<View | { refused: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createPayment(createPaymentInput.parse(input), caller, deps);
    } catch (error) {
      if (error instanceof AppError) return { refused: error.code };
      if (firestoreStatus(error) !== FIRESTORE_STATUS.ABORTED || attempt >= 20) throw error;
    }
  }
}

function directView(result: View | { refused: string }): View {
  if ("refused" in result) throw new Error(`expected a payment, got ${result.refused}`);
  return result;
}

const caller = (uid = `direct-${idempotencyKey()}`, ip = randomIp()): Caller => ({ uid, ip });

async function pushes(phone: string): Promise<number> {
  return (await requestsFor("daraja", { phone: phone.slice(1) })).filter((r) => r.path === "stkpush").length;
}

function ok(result: CallResult<View>): View {
  if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.message}`);
  return result.result;
}

describe("createPayment idempotency (property 1)", () => {
  it("the same key twice in a row: one payment, one provider call, the same answer", async () => {
    const user = await signUpAnonymous();
    const phone = kenyanPhone("9999");
    const input = base(phone);
    const first = ok(await call<View>("createPayment", input, { user }));
    const second = ok(await call<View>("createPayment", input, { user }));
    expect(second).toEqual(first);
    expect(await paymentsOf(user)).toHaveLength(1);
    expect(await pushes(phone)).toBe(1);
  });

  it("the same key 10 times at once: one payment, one provider call, ten identical answers", async () => {
    const payer = caller();
    const phone = kenyanPhone("9999");
    const input = base(phone);
    const views = (await Promise.all(Array.from({ length: 10 }, () => direct(input, payer)))).map(directView);
    expect(new Set(views.map((view) => view.paymentId)).size).toBe(1);
    expect(new Set(views.map((view) => view.status))).toEqual(new Set(["processing"]));
    expect(await paymentsOf(payer)).toHaveLength(1);
    expect(await pushes(phone)).toBe(1);
  });
});

describe("createPayment key reuse (property 2)", () => {
  it.each([
    ["amount", { amount: 300_00 }],
    ["phone", { phone: "+254711000000" }],
    // A key's payment is found before an entry's fee is looked at: the competition need not exist.
    ["purpose", { purpose: "entry", email: "dancer@example.com", competitionId: "kenya-sings-2026" }],
  ])("the same key with a different %s is rejected and changes nothing", async (_field, change) => {
    const user = await signUpAnonymous();
    const phone = kenyanPhone("9999");
    const input = base(phone);
    const first = ok(await call<View>("createPayment", input, { user }));
    const before = (await adminDb().collection("payments").doc(first.paymentId).get()).data();
    const reused = await call<View>("createPayment", { ...input, ...change }, { user });
    expect(reused).toMatchObject({
      ok: false,
      code: "already-exists",
      message: expect.stringContaining("idempotencyKey"),
    });
    expect(await paymentsOf(user)).toHaveLength(1);
    expect((await adminDb().collection("payments").doc(first.paymentId).get()).data()).toEqual(before);
    expect(await pushes(phone)).toBe(1);
  });
});

describe("createPayment duplicate window (property 3)", () => {
  it("a new key for the same payer, amount and purpose within 5 minutes returns the open payment", async () => {
    const user = await signUpAnonymous();
    const phone = kenyanPhone("9999");
    const first = ok(await call<View>("createPayment", base(phone), { user }));
    const again = ok(await call<View>("createPayment", base(phone), { user }));
    expect(again.paymentId).toBe(first.paymentId);
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => direct(base(phone), { uid: user.uid, ip: randomIp() })),
    );
    expect(concurrent.map((result) => directView(result).paymentId)).toEqual(Array(10).fill(first.paymentId));
    expect(await pushes(phone)).toBe(1);
    // A different amount is a different payment.
    const other = ok(await call<View>("createPayment", base(phone, { amount: 201_00 }), { user }));
    expect(other.paymentId).not.toBe(first.paymentId);
  });

  it("after the window a new key is a new payment", async () => {
    const user = await signUpAnonymous();
    const phone = kenyanPhone("9999");
    const first = ok(await call<View>("createPayment", base(phone), { user }));
    const guards = await adminDb().collection("paymentGuards").where("paymentId", "==", first.paymentId).get();
    expect(guards.size).toBe(1);
    await guards.docs[0]!.ref.update({ until: Timestamp.fromMillis(Date.now() - 1) });
    const second = ok(await call<View>("createPayment", base(phone), { user }));
    expect(second.paymentId).not.toBe(first.paymentId);
    expect(await pushes(phone)).toBe(2);
  });

  it("once the open payment has ended, a new key is a new payment at once", async () => {
    const user = await signUpAnonymous();
    const phone = kenyanPhone("1032");
    const first = ok(await call<View>("createPayment", base(phone), { user }));
    await waitForStatus(first.paymentId, "cancelled");
    const second = ok(await call<View>("createPayment", base(phone), { user }));
    expect(second.paymentId).not.toBe(first.paymentId);
  });
});

describe("createPayment rate limits", () => {
  it("admits exactly 5 new payments a minute per user, however concurrent", async () => {
    const payer = caller();
    const phone = kenyanPhone("9999");
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        direct(base(phone, { amount: (100 + i) * 100 }), { ...payer, ip: randomIp() }),
      ),
    );
    expect(results.filter((result) => !("refused" in result))).toHaveLength(5);
    expect(results.filter((result) => "refused" in result)).toEqual(Array(15).fill({ refused: "resource-exhausted" }));
    expect(await paymentsOf(payer)).toHaveLength(5);
  });

  it("admits exactly 5 new payments in 15 minutes per IP address across users", async () => {
    const ip = randomIp();
    const payers = Array.from({ length: 20 }, () => caller(undefined, ip));
    const results = await Promise.all(payers.map((payer) => direct(base(kenyanPhone("9999")), payer)));
    expect(results.filter((result) => !("refused" in result))).toHaveLength(5);
    expect(results.filter((result) => "refused" in result)).toEqual(Array(15).fill({ refused: "resource-exhausted" }));
    const created = await Promise.all(payers.map(paymentsOf));
    expect(created.flat()).toHaveLength(5);
  });

  it("does not count repeats of the same key, however concurrent", async () => {
    const payer = caller();
    const input = base(kenyanPhone("9999"));
    const results = await Promise.all(Array.from({ length: 10 }, () => direct(input, { ...payer, ip: randomIp() })));
    expect(new Set(results.map((result) => directView(result).paymentId)).size).toBe(1);
    // One attempt was counted: four more new payments fit in the minute.
    const more = await Promise.all(
      Array.from({ length: 5 }, (_, i) => direct(base(kenyanPhone("9999"), { amount: (300 + i) * 100 }), payer)),
    );
    expect(more.filter((result) => "refused" in result)).toHaveLength(1);
  });
});

describe("createPayment input", () => {
  it("records the provider's acceptance even when that transaction fails twice", async () => {
    const phone = kenyanPhone("9999");
    const who = caller();
    // Transaction 0 creates the payment; 1 and 2 are the first two attempts to record the push.
    const flaky = { ...deps, db: failingTransactions([1, 2]) };
    const view = await createPayment(createPaymentInput.parse(base(phone)), who, flaky);
    expect(view.status).toBe("processing");
    const [payment] = await paymentsOf(who);
    expect(payment?.get("providerReference")).toEqual(expect.any(String));
    expect(await pushes(phone)).toBe(1);
  });

  it("a push whose acceptance cannot be recorded in three attempts fails the call and leaves the payment pending", async () => {
    const phone = kenyanPhone("9999");
    const who = caller();
    const input = createPaymentInput.parse(base(phone));
    const flaky = { ...deps, db: failingTransactions([1, 2, 3]) };
    await expect(createPayment(input, who, flaky)).rejects.toThrow("Transaction is invalid or closed");
    expect(await pushes(phone)).toBe(1);
    const [payment] = await paymentsOf(who);
    expect(payment?.get("status")).toBe("pending");
  });

  it("needs a signed-in user", async () => {
    expect(await call("createPayment", base(kenyanPhone()))).toMatchObject({ ok: false, code: "unauthenticated" });
  });

  const phone = "+254712345678";
  const cases: [string, unknown, string][] = [
    ["null data", null, "createPayment: send the call's fields as an object"],
    ["an array", [], "as an object"],
    ["a missing amount", { ...base(phone), amount: undefined }, "amount"],
    ["a fractional amount", base(phone, { amount: 100.5 }), "amount: must be a whole number of minor units"],
    ["a negative amount", base(phone, { amount: -100 }), "amount: must be greater than zero"],
    ["a huge amount", base(phone, { amount: 1e15 }), "amount"],
    ["an amount above the M-Pesa limit", base(phone, { amount: 300_000_00 }), "KES 250,000.00"],
    ["cents M-Pesa cannot take", base(phone, { amount: 100_50 }), "whole KES"],
    ["an amount as text", base(phone, { amount: "100" }), "amount"],
    ["an unparseable phone", base("not a phone"), "phone"],
    ["a landline", base("+254202123456"), "not a mobile number"],
    [
      "a Nigerian number paying in KES",
      base("+2348031234567"),
      "currency: Paystack (card, bank transfer, USSD) payments are in NGN",
    ],
    ["a number from elsewhere", base("+27821234567"), "Kenyan (+254), Ugandan (+256) and Nigerian (+234)"],
    ["a Ugandan number paying in KES", base("+256772123456"), "currency: MTN/Airtel mobile money payments are in UGX"],
    [
      "a Kenyan number sent to ioTec",
      base(phone, { provider: "iotec", currency: "UGX", amount: 5_000 }),
      "phone: MTN/Airtel mobile money needs a number from Uganda",
    ],
    ["the wrong currency for the provider", base(phone, { provider: "iotec", currency: "KES" }), "currency"],
    ["an unknown currency", base(phone, { currency: "USD" }), "currency"],
    ["an unknown purpose", base(phone, { purpose: "gift" }), "purpose: must be one of"],
    ["an unknown provider", base(phone, { provider: "paypal" }), "provider"],
    ["a short idempotency key", base(phone, { idempotencyKey: "abc" }), "idempotencyKey"],
    ["a very long name", base(phone, { name: "x".repeat(10_000) }), "name: must be at most 100 characters"],
    ["a bad email", base(phone, { email: "not-an-email" }), "email"],
    ["an entry without email", base(phone, { purpose: "entry" }), "email: is required for an entry payment"],
    ["an unknown field", base(phone, { admin: true }), "admin"],
    ["a prototype key", JSON.parse(`{"__proto__": {"polluted": true}, "amount": 1}`), ""],
    ["a number for the phone", base(phone, { phone: 254712345678 }), "phone"],
  ];

  it.each(cases)("rejects %s with invalid-argument and a message, writing nothing", async (_name, data, mentions) => {
    const user = await signUpAnonymous();
    const result = await call("createPayment", data, { user });
    expect(result).toMatchObject({ ok: false, code: "invalid-argument" });
    if (!result.ok) {
      expect(result.message.length).toBeGreaterThan(5);
      expect(result.message).toContain(mentions);
      expect(result.message).not.toMatch(/at .+\.js|TypeError|undefined is not/);
    }
    expect(await paymentsOf(user)).toHaveLength(0);
  });
});
