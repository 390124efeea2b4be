// The edge every request passes: each route wired to its abuse limits, App Check on callables,
// allowed origins, and the cleanup of old limit buckets.
import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { REGION } from "../functions/src/core/region.ts";
import { LIMIT_CLASSES } from "../functions/src/core/rate-limit.ts";
import { call, idempotencyKey, kenyanPhone, randomIp, signUpAnonymous, type CallResult } from "./support/client.ts";
import { functionUrl, runSchedule } from "./support/emulators.ts";
import { adminDb } from "./support/firestore.ts";
import { bucketCount, spendLimit } from "./support/limits.ts";
import { emulatorParams, emulatorSecrets } from "./support/providers.ts";

const ALLOWED_ORIGIN = (JSON.parse(emulatorParams.ALLOWED_ORIGINS ?? "[]") as string[])[0] ?? "";
const FOREIGN_ORIGIN = "https://evil.example";

function refusedForLimit(result: CallResult<unknown>): boolean {
  return !result.ok && result.code === "resource-exhausted";
}

function expectRetryAfter(result: CallResult<unknown>, windowMs: number): void {
  if (result.ok) throw new Error("expected a refusal");
  const { retryAfterSeconds } = result.details as { retryAfterSeconds: number };
  expect(retryAfterSeconds).toBeGreaterThan(0);
  expect(retryAfterSeconds).toBeLessThanOrEqual(windowMs / 1000);
}

async function health(ip: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const response = await fetch(await functionUrl("health", REGION), {
    ...init,
    headers: { "X-Forwarded-For": ip, ...init.headers },
  });
  await response.arrayBuffer();
  return response;
}

// The limiter's guarantees under 100+ concurrent callers are proven against Firestore directly
// (functions/src/core/rate-limit.emulator.test.ts); here each route's wiring to it: most of a limit
// is spent in-process, then the few calls that cross it go through the Functions emulator.
describe("rate limits", () => {
  it("sensitive: the 6th verification attempt in 15 minutes is refused with the wait; others are not affected", async () => {
    const user = await signUpAnonymous();
    const [rule] = LIMIT_CLASSES.sensitive;
    await spendLimit("verifyPaymentCode", { uid: user.uid, ip: randomIp() }, rule.limit - 1);
    const attempt = () => call("verifyPaymentCode", { paymentId: "missing00000000", code: "123456" }, { user });
    expect(await attempt()).toMatchObject({ code: "not-found" });
    const refused = await attempt();
    expect(refused).toMatchObject({
      code: "resource-exhausted",
      message: expect.stringContaining("Too many verification attempts"),
    });
    expectRetryAfter(refused, rule.windowMs);
    expect(await bucketCount(`verifyPaymentCode:sensitive:uid:${user.uid}`)).toBe(rule.limit);
    const other = await signUpAnonymous();
    expect(
      await call("verifyPaymentCode", { paymentId: "missing00000000", code: "123456" }, { user: other }),
    ).toMatchObject({
      code: "not-found",
    });
  });

  it("frequent: the 31st status check in a minute is refused with the wait", async () => {
    const user = await signUpAnonymous();
    const created = await call<{ paymentId: string }>(
      "createPayment",
      {
        idempotencyKey: idempotencyKey(),
        purpose: "wallet-topup",
        amount: 150_00,
        currency: "KES",
        phone: kenyanPhone(),
      },
      { user },
    );
    if (!created.ok) throw new Error(created.message);
    const [rule] = LIMIT_CLASSES.frequent;
    await spendLimit("getPaymentStatus", { uid: user.uid, ip: randomIp() }, rule.limit - 1);
    const check = () =>
      call<{ paymentId: string; amount: number }>(
        "getPaymentStatus",
        { paymentId: created.result.paymentId },
        { user },
      );
    expect(await check()).toMatchObject({
      ok: true,
      result: { paymentId: created.result.paymentId, amount: 150_00, currency: "KES" },
    });
    const refused = await check();
    expect(refusedForLimit(refused)).toBe(true);
    expectRetryAfter(refused, rule.windowMs);
  });

  it("createPayment: the 6th new payment in a minute is refused and writes nothing", async () => {
    const user = await signUpAnonymous();
    const [perUser] = LIMIT_CLASSES.paymentCreation;
    await spendLimit("createPayment", { uid: user.uid, ip: randomIp() }, perUser.limit);
    const refused = await call(
      "createPayment",
      {
        idempotencyKey: idempotencyKey(),
        purpose: "wallet-topup",
        amount: 150_00,
        currency: "KES",
        phone: kenyanPhone(),
      },
      { user },
    );
    expect(refused).toMatchObject({ code: "resource-exhausted", message: expect.stringMatching(/wait \d+ seconds/) });
    expectRetryAfter(refused, perUser.windowMs);
    expect((await adminDb().collection("payments").where("uid", "==", user.uid).get()).size).toBe(0);
  });

  it("general: the 101st request from an address is refused on every route, 429 with Retry-After, callbacks still heard", async () => {
    const ip = randomIp();
    const [rule] = LIMIT_CLASSES.general;
    await spendLimit("health", { ip }, rule.limit - 2);
    expect((await health(ip)).status).toBe(200);
    const user = await signUpAnonymous();
    expect(await call("getPaymentStatus", { paymentId: "missing00000000" }, { user, ip })).toMatchObject({
      code: "not-found",
    });
    const refused = await health(ip);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(rule.windowMs / 1000);
    // The same address is refused on every route, and the refusals counted nothing; another
    // address is not affected.
    expect(await call("getPaymentStatus", { paymentId: "missing00000000" }, { user, ip })).toMatchObject({
      code: "resource-exhausted",
    });
    expect(await bucketCount(`general:ip:${ip}`)).toBe(rule.limit);
    expect((await health(randomIp())).status).toBe(200);

    // Provider callbacks from that address: a wrong secret is refused with 429 (guessing is
    // limited), but an authenticated callback is still accepted: a refused callback can be a lost
    // payment.
    const mpesa = await functionUrl("mpesaCallback", REGION);
    const post = (url: string) =>
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Forwarded-For": ip },
        body: JSON.stringify({
          Body: {
            stkCallback: {
              MerchantRequestID: "edge-test",
              CheckoutRequestID: `ws_CO_edge_${idempotencyKey()}`,
              ResultCode: 1032,
              ResultDesc: "Request cancelled by user",
            },
          },
        }),
      });
    const guessed = await post(`${mpesa}/wrong-secret`);
    expect(guessed.status).toBe(429);
    expect(Number(guessed.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await post(`${mpesa}/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`)).status).toBe(200);
  });

  it("the cleanup schedule deletes buckets whose window has ended and keeps the rest", async () => {
    const db = adminDb();
    const expired = db.collection("rateLimits").doc(`cleanup-expired-${idempotencyKey()}`);
    const live = db.collection("rateLimits").doc(`cleanup-live-${idempotencyKey()}`);
    await expired.set({
      key: "test",
      count: 3,
      windowStart: Timestamp.now(),
      expiresAt: Timestamp.fromMillis(Date.now() - 1),
    });
    await live.set({
      key: "test",
      count: 3,
      windowStart: Timestamp.now(),
      expiresAt: Timestamp.fromMillis(Date.now() + 60_000),
    });
    expect((await runSchedule("cleanupRateLimits")).status).toBe(200);
    expect((await expired.get()).exists).toBe(false);
    expect((await live.get()).exists).toBe(true);
  });
});

describe("App Check", () => {
  it("refuses a callable without an App Check token, with a sentence, writing nothing", async () => {
    const user = await signUpAnonymous();
    const phone = kenyanPhone();
    const result = await call(
      "createPayment",
      { idempotencyKey: idempotencyKey(), purpose: "wallet-topup", amount: 100_00, currency: "KES", phone },
      { user, appCheck: false },
    );
    expect(result).toMatchObject({ ok: false, code: "unauthenticated", message: expect.stringContaining("App Check") });
    expect((await adminDb().collection("payments").where("uid", "==", user.uid).get()).size).toBe(0);
  });

  it("refuses a token that is not an App Check token", async () => {
    const user = await signUpAnonymous();
    const response = await fetch(await functionUrl("getPaymentStatus", REGION), {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${user.idToken}`,
        "X-Firebase-AppCheck": "not-a-token",
      },
      body: JSON.stringify({ data: { paymentId: "missing00000000" } }),
    });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain("App Check");
  });
});

describe("allowed origins", () => {
  it("callables answer the configured page and refuse other origins", async () => {
    const user = await signUpAnonymous();
    const data = { paymentId: "missing00000000" };
    expect(await call("getPaymentStatus", data, { user, origin: ALLOWED_ORIGIN })).toMatchObject({ code: "not-found" });
    expect(await call("getPaymentStatus", data, { user, origin: FOREIGN_ORIGIN })).toMatchObject({
      code: "permission-denied",
      message: expect.stringContaining("not allowed"),
    });
    expect(await call("getPaymentStatus", data, { user, origin: "null" })).toMatchObject({ code: "permission-denied" });
  });

  it("health sends CORS headers to the configured page only, before counting anything", async () => {
    const allowed = await health(randomIp(), { headers: { Origin: ALLOWED_ORIGIN } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get("vary")).toContain("Origin");

    const preflight = await health(randomIp(), { method: "OPTIONS", headers: { Origin: ALLOWED_ORIGIN } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toBe("GET, HEAD");

    for (const method of ["GET", "OPTIONS"]) {
      const foreign = await health(randomIp(), { method, headers: { Origin: FOREIGN_ORIGIN } });
      expect(foreign.status, method).toBe(403);
      expect(foreign.headers.get("access-control-allow-origin"), method).toBeNull();
    }
  });

  it("provider callbacks are not CORS endpoints", async () => {
    for (const name of ["mpesaCallback", "iotecCallback"]) {
      const response = await fetch(await functionUrl(name, REGION), {
        method: "OPTIONS",
        headers: { Origin: ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST", "X-Forwarded-For": randomIp() },
      });
      await response.arrayBuffer();
      expect(response.headers.get("access-control-allow-origin"), name).toBeNull();
    }
  });
});
