// The Paystack adapter against a private simulator on an ephemeral port.
import { createHmac } from "node:crypto";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { addLocalFault, localPaystack, type LocalSimulator } from "../../../../tests/support/local-simulators.js";
import { PAYSTACK } from "../../../../sandbox/src/settings.js";
import { ProviderAuthError, ProviderInvalidRequestError, ProviderUnavailableError } from "../errors.js";
import { PaystackCollections, toStatus, type PaystackConfig } from "./paystack.js";
import { PAYSTACK_STATUSES } from "./wire.js";

let sim: LocalSimulator;

function adapter(overrides: Partial<PaystackConfig> = {}): PaystackCollections {
  return new PaystackCollections({
    baseUrl: sim.baseUrl,
    secretKey: PAYSTACK.secretKey,
    callbackUrl: "http://127.0.0.1:5000/wallet.html",
    timeoutMs: 1_000,
    ...overrides,
  });
}

const input = (paymentId: string, email = "ada@example.ng") => ({
  paymentId,
  amount: 2_500_00,
  currency: "NGN" as const,
  phone: "+2348031234567",
  email,
  reference: "Top up",
  description: "Wallet top up",
});

async function act(reference: string, action: "pay" | "fail" | "abandon"): Promise<string> {
  const response = await fetch(`${sim.baseUrl}/__sim/checkout/${reference}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ action }),
  });
  return ((await response.json()) as { redirect: string }).redirect;
}

function signed(event: unknown, key: string = PAYSTACK.secretKey) {
  const text = JSON.stringify(event);
  return {
    path: "/",
    headers: { "x-paystack-signature": createHmac("sha512", key).update(text).digest("hex") },
    body: JSON.parse(text) as unknown,
    rawBody: Buffer.from(text),
  };
}

beforeEach(async () => {
  sim = await localPaystack();
});
afterEach(async () => {
  await sim.close();
});

describe("Paystack statuses", () => {
  const expected: Record<string, string> = {
    success: "succeeded",
    failed: "failed",
    reversed: "failed",
    abandoned: "pending",
    ongoing: "pending",
    pending: "pending",
    processing: "pending",
    queued: "pending",
  };
  it.each(PAYSTACK_STATUSES.map((status) => [status]))("normalises %s", (status) => {
    const tx = { id: "1", status, reference: "r", amount: 100, currency: "NGN" };
    expect(toStatus(tx)).toMatchObject({ outcome: expected[status], amount: 100, currency: "NGN" });
  });

  it("refuses a currency Malipo does not know rather than guess", () => {
    expect(() => toStatus({ id: "1", status: "success", reference: "r", amount: 1, currency: "XOF" })).toThrow(
      ProviderInvalidRequestError,
    );
  });
});

describe("Paystack initialize and verify", () => {
  it("initializes under our payment id and returns the hosted page", async () => {
    const result = await adapter().initiate(input("pay1"));
    expect(result.providerReference).toBe("pay1");
    expect(result.checkoutUrl).toMatch(new RegExp(`^${sim.baseUrl}/checkout/`));
    expect(await adapter().queryStatus({ paymentId: "pay1", providerReference: "pay1" })).toMatchObject({
      outcome: "pending",
      providerReference: "pay1",
    });
  });

  it("treats a reused reference as already initialised and verifies it", async () => {
    await adapter().initiate(input("pay2"));
    await act("pay2", "pay");
    const again = await adapter().initiate(input("pay2"));
    expect(again).toEqual({ providerReference: "pay2", customerMessage: "Payment received. Thank you!" });
  });

  it("verifies a paid checkout with Paystack's amount, currency and transaction id", async () => {
    await adapter().initiate(input("pay3"));
    const back = new URL(await act("pay3", "pay"));
    expect(back.searchParams.get("reference")).toBe("pay3");
    expect(back.searchParams.get("trxref")).toBe("pay3");
    expect(await adapter().queryStatus({ paymentId: "pay3" })).toMatchObject({
      outcome: "succeeded",
      amount: 2_500_00,
      currency: "NGN",
      receipt: expect.stringMatching(/^\d+$/),
    });
  });

  it("reports a failed charge as failed and an abandoned one as not final", async () => {
    await adapter().initiate(input("pay4"));
    await adapter().initiate(input("pay5"));
    await act("pay4", "fail");
    await act("pay5", "abandon");
    expect(await adapter().queryStatus({ paymentId: "pay4" })).toMatchObject({
      outcome: "failed",
      failureCode: "paystack:failed",
    });
    expect(await adapter().queryStatus({ paymentId: "pay5" })).toMatchObject({ outcome: "pending" });
  });

  it("finds nothing for a payment Paystack never heard of", async () => {
    expect(await adapter().queryStatus({ paymentId: "never" })).toMatchObject({
      outcome: "pending",
      providerReference: "",
    });
  });

  it("maps a wrong key to an auth error and a 500 to unavailable", async () => {
    await expect(adapter({ secretKey: "sk_test_wrong" }).initiate(input("pay6"))).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
    await addLocalFault(sim, { fault: "server-error", remaining: 1 });
    await expect(adapter().initiate(input("pay7"))).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it("refuses to initialize without an email", async () => {
    await expect(adapter().initiate({ ...input("pay8"), email: undefined })).rejects.toBeInstanceOf(
      ProviderInvalidRequestError,
    );
  });
});

describe("Paystack webhooks", () => {
  const success = (reference: string) => ({ event: "charge.success", data: { id: 42, reference, status: "success" } });

  it("verifies a signed charge.success before trusting it", async () => {
    const client = adapter();
    await client.initiate(input("hook1"));
    const early = await client.readCallback(signed(success("hook1")));
    expect(early?.status.outcome).toBe("pending");
    await act("hook1", "pay");
    const paid = await client.readCallback(signed(success("hook1")));
    expect(paid).toMatchObject({ eventKey: "charge.success:hook1:42:succeeded", status: { outcome: "succeeded" } });
  });

  it("refuses a wrong signature, a missing one and a re-serialised body", async () => {
    const client = adapter();
    await expect(client.readCallback(signed(success("x"), "another key"))).rejects.toBeInstanceOf(ProviderAuthError);
    await expect(
      client.readCallback({ path: "/", headers: {}, body: {}, rawBody: Buffer.from("{}") }),
    ).rejects.toBeInstanceOf(ProviderAuthError);
    const original = signed(success("x"));
    const reserialised = Buffer.from(JSON.stringify(original.body, null, 1));
    await expect(client.readCallback({ ...original, rawBody: reserialised })).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it("acknowledges other events without reading them further", async () => {
    expect(await adapter().readCallback(signed({ event: "transfer.success", data: { id: 1 } }))).toBeNull();
  });

  it("refuses a signed body that is not an event", async () => {
    await expect(adapter().readCallback(signed({ hello: "world" }))).rejects.toBeInstanceOf(
      ProviderInvalidRequestError,
    );
  });
});
