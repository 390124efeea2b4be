// The ioTec adapter against a private simulator on an ephemeral port.
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { addLocalFault, localIotec, settled, type LocalSimulator } from "../../../../tests/support/local-simulators.js";
import { IOTEC } from "../../../../sandbox/src/settings.js";
import { ProviderAuthError, ProviderUnavailableError } from "../errors.js";
import { IotecCollections, toStatus, type IotecConfig } from "./iotec.js";
import { IOTEC_STATUSES } from "./wire.js";

let sim: LocalSimulator;
let clock: number;

function adapter(overrides: Partial<IotecConfig> = {}): IotecCollections {
  return new IotecCollections({
    baseUrl: sim.baseUrl,
    tokenUrl: `${sim.baseUrl}/connect/token`,
    clientId: IOTEC.clientId,
    clientSecret: IOTEC.clientSecret,
    walletId: IOTEC.walletId,
    callbackSecret: "header-secret",
    timeoutMs: 1_000,
    now: () => new Date(clock),
    ...overrides,
  });
}

const input = (phone: string, paymentId = "pay-1") => ({
  paymentId,
  amount: 5_000,
  currency: "UGX" as const,
  phone,
  reference: "Order 7",
  description: "Order",
});
const tokens = () => sim.state.requests.filter((r) => r.path === "token").length;

beforeEach(async () => {
  sim = await localIotec();
  clock = Date.now();
});
afterEach(async () => {
  await sim.close();
});

describe("ioTec statuses", () => {
  it.each(IOTEC_STATUSES.map((status) => [status]))("normalises %s", (status) => {
    const outcome = toStatus({ id: "t", status, amount: 500, currency: "UGX" }).outcome;
    const expected: Record<string, string> = {
      Pending: "pending",
      SentToVendor: "pending",
      AwaitingApproval: "pending",
      Scheduled: "pending",
      Success: "succeeded",
      Failed: "failed",
      Rejected: "failed",
      RolledBack: "failed",
      Cancelled: "cancelled",
    };
    expect(outcome).toBe(expected[status]);
  });
});

describe("ioTec collect", () => {
  it("sends the payer in local form and returns ioTec's id", async () => {
    const { providerReference } = await adapter().initiate(input("+256772123456"));
    expect(providerReference).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.state.requests.find((r) => r.path === "collect")?.phone).toBe("0772123456");
  });

  it("caches the five-minute token and refreshes it a minute early", async () => {
    const client = adapter();
    await client.initiate(input("+256772123456", "a"));
    await client.initiate(input("+256772123457", "b"));
    expect(tokens()).toBe(1);
    clock += 250_000;
    await client.initiate(input("+256772123458", "c"));
    expect(tokens()).toBe(2);
  });

  it("on 401 fetches a new token and tries exactly once more", async () => {
    const client = adapter();
    await client.initiate(input("+256772123456", "a"));
    await addLocalFault(sim, { fault: "api-401", remaining: 1 });
    await client.initiate(input("+256772123457", "b"));
    expect(tokens()).toBe(2);
    await addLocalFault(sim, { fault: "api-401", remaining: 2 });
    await expect(client.initiate(input("+256772123458", "c"))).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it("maps refused client credentials to an auth error and a failing token endpoint to not processed", async () => {
    await expect(adapter({ clientSecret: "wrong" }).initiate(input("+256772123456"))).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
    await addLocalFault(sim, { fault: "token-500", remaining: 1 });
    const failure = await adapter()
      .initiate(input("+256772123456"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect((failure as ProviderUnavailableError).notProcessed).toBe(true);
  });
});

describe("ioTec status and callbacks", () => {
  it("finds a collection by externalId when its id is unknown", async () => {
    const client = adapter();
    const { providerReference } = await client.initiate(input("+256772123456", "ext-42"));
    await settled(sim, providerReference);
    expect(await client.queryStatus({ paymentId: "ext-42" })).toMatchObject({ outcome: "succeeded" });
    expect(await client.queryStatus({ paymentId: "never-sent" })).toMatchObject({
      outcome: "pending",
      providerReference: "",
    });
  });

  it("trusts ioTec's re-fetched status over the callback body", async () => {
    const client = adapter();
    const { providerReference } = await client.initiate(input("+256111777780"));
    const callback = await client.readCallback({
      path: "/",
      headers: { "x-malipo-callback-secret": "header-secret" },
      body: { id: providerReference, status: "Success", amount: 5_000, currency: "UGX" },
    });
    expect(callback.status.outcome).toBe("pending");
  });

  it("refuses a callback without the header secret", async () => {
    await expect(adapter().readCallback({ path: "/", headers: {}, body: { id: "x" } })).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
  });
});
