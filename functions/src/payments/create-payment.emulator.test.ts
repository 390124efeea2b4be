// createPayment's money properties (CORRECTNESS.md 1-3), its rate limits and its input handling,
// proven over HTTP against the emulators, with concurrent calls where concurrency matters.
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
import { adminDb, waitForStatus } from "../../../tests/support/firestore.js";
import { requestsFor } from "../../../tests/support/sandbox.js";

interface View {
  paymentId: string;
  status: string;
  customerMessage: string;
}

function base(phone: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { idempotencyKey: idempotencyKey(), purpose: "order", amount: 200_00, currency: "KES", phone, ...overrides };
}

async function paymentsOf(user: TestUser) {
  return (await adminDb().collection("payments").where("uid", "==", user.uid).get()).docs;
}

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
    const user = await signUpAnonymous();
    const phone = kenyanPhone("9999");
    const input = base(phone);
    const results = await Promise.all(Array.from({ length: 10 }, () => call<View>("createPayment", input, { user })));
    const views = results.map(ok);
    expect(new Set(views.map((view) => view.paymentId)).size).toBe(1);
    expect(new Set(views.map((view) => view.status))).toEqual(new Set(["processing"]));
    expect(await paymentsOf(user)).toHaveLength(1);
    expect(await pushes(phone)).toBe(1);
  });
});

describe("createPayment key reuse (property 2)", () => {
  it.each([
    ["amount", { amount: 300_00 }],
    ["phone", { phone: "+254711000000" }],
    ["purpose", { purpose: "wallet-topup" }],
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
    const results = await Promise.all(
      Array.from({ length: 3 }, () => call<View>("createPayment", base(phone), { user })),
    );
    expect(results.map((result) => ok(result).paymentId)).toEqual(Array(3).fill(first.paymentId));
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
    const user = await signUpAnonymous();
    const phone = kenyanPhone("9999");
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        call<View>("createPayment", base(phone, { amount: (100 + i) * 100 }), { user }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(5);
    const refused = results.filter((result) => !result.ok);
    expect(refused).toHaveLength(2);
    for (const result of refused) {
      expect(result).toMatchObject({ code: "resource-exhausted", message: expect.stringMatching(/wait \d+ seconds/) });
      expect((result.details as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    }
    expect(await paymentsOf(user)).toHaveLength(5);
  });

  it("admits exactly 5 new payments in 15 minutes per IP address across users", async () => {
    const ip = randomIp();
    const users = await Promise.all(Array.from({ length: 7 }, () => signUpAnonymous()));
    const results = await Promise.all(
      users.map((user) => call<View>("createPayment", base(kenyanPhone("9999")), { user, ip })),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(5);
    expect(results.filter((result) => !result.ok).map((result) => result.code)).toEqual([
      "resource-exhausted",
      "resource-exhausted",
    ]);
  });

  it("does not count repeats of the same key", async () => {
    const user = await signUpAnonymous();
    const input = base(kenyanPhone("9999"));
    const results = await Promise.all(Array.from({ length: 8 }, () => call<View>("createPayment", input, { user })));
    expect(results.every((result) => result.ok)).toBe(true);
  });
});

describe("createPayment input", () => {
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
    ["a Nigerian number", base("+2348031234567"), "Kenyan (+254) and Ugandan (+256)"],
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
