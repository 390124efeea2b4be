// The ioTec disbursements adapter against a private simulator on an ephemeral port: real HTTP both
// ways (requests to the simulator, the wallet's callbacks posted to a local receiver).
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { eventually } from "../../../../tests/support/eventually.js";
import { addLocalFault, localIotec, settled, type LocalSimulator } from "../../../../tests/support/local-simulators.js";
import { resultReceiver, type ResultReceiver } from "../../../../tests/support/result-receiver.js";
import { IOTEC } from "../../../../sandbox/src/settings.js";
import { ProviderAuthError, ProviderInvalidRequestError } from "../errors.js";
import type { PayoutResult } from "../payouts.js";
import { IotecCollections } from "./iotec.js";
import { IotecDisbursements } from "./disburse.js";

let sim: LocalSimulator;
let receiver: ResultReceiver;
let counter = 0;

const config = () => ({
  baseUrl: sim.baseUrl,
  tokenUrl: `${sim.baseUrl}/connect/token`,
  clientId: IOTEC.clientId,
  clientSecret: IOTEC.clientSecret,
  walletId: IOTEC.walletId,
  callbackSecret: IOTEC.callbackSecret,
  timeoutMs: 1_000,
});
const adapter = () => new IotecDisbursements(config());

const payout = (phone: string, payoutId = `payout-${++counter}`) => ({
  payoutId,
  amount: 5_000,
  currency: "UGX" as const,
  phone,
  remarks: "Withdrawal from Malipo",
});

/** The wallet callbacks about one ioTec transaction, each read by the adapter (status re-fetched). */
async function callbacks(client: IotecDisbursements, id: string, count = 1): Promise<(PayoutResult | null)[]> {
  const deliveries = await receiver.waitFor((r) => (r.body as { id?: string } | undefined)?.id === id, count);
  return Promise.all(deliveries.map((d) => client.readResult({ path: d.path, headers: d.headers, body: d.body })));
}

async function start(delayMs = 10): Promise<void> {
  receiver = await resultReceiver();
  sim = await localIotec({ callbackUrl: receiver.url, callbackDelayMs: delayMs });
}

afterEach(async () => {
  await sim.close();
  await receiver.close();
});

describe("ioTec disbursements", () => {
  beforeEach(() => start());

  it("pays the payee in local form and reads the callback as success with the network receipt", async () => {
    const client = adapter();
    const input = payout("+256772123456");
    const accepted = await client.send(input);
    expect(accepted).toMatchObject({ providerReference: expect.stringMatching(/^[0-9a-f-]{36}$/), duplicate: false });
    expect(sim.state.requests.find((r) => r.path === "disburse")?.phone).toBe("0772123456");
    const [result] = await callbacks(client, accepted.providerReference);
    expect(result).toMatchObject({
      kind: "payout",
      subjectId: input.payoutId,
      status: { outcome: "succeeded", amount: 5_000, currency: "UGX", receipt: expect.stringMatching(/^MP/) },
    });
    expect(result?.status.completedAt).toBeInstanceOf(Date);
  });

  it("reads a failure from its callback", async () => {
    const client = adapter();
    const { providerReference } = await client.send(payout("+256111777990"));
    const [result] = await callbacks(client, providerReference);
    expect(result?.status).toMatchObject({ outcome: "failed", failureCode: "iotec:Failed" });
    expect(result?.status.customerMessage).toMatch(/still in your Malipo wallet/);
  });

  it("finds by polling what never calls back: Rejected after AwaitingApproval, and a success", async () => {
    const client = adapter();
    const rejected = await client.send(payout("+256111777880"));
    const silent = await client.send(payout("+256111777970"));
    await settled(sim, rejected.providerReference);
    await settled(sim, silent.providerReference);
    expect(await client.query({ payoutId: "", providerReference: rejected.providerReference })).toMatchObject({
      outcome: "failed",
      failureCode: "iotec:Rejected",
      operatorMessage: expect.stringContaining("rejected"),
    });
    expect(await client.query({ payoutId: "", providerReference: silent.providerReference })).toMatchObject({
      outcome: "succeeded",
    });
    expect(receiver.received).toEqual([]);
  });

  it("stays pending while ioTec keeps it pending", async () => {
    const client = adapter();
    const { providerReference } = await client.send(payout("+256111777780"));
    expect(await client.query({ payoutId: "", providerReference })).toMatchObject({ outcome: "pending" });
  });

  it("reads a roll-back after a success as a failure with its own event key", async () => {
    const client = adapter();
    const { providerReference } = await client.send(payout("+256111777980"));
    const [callback] = await receiver.waitFor((r) => (r.body as { id?: string }).id === providerReference);
    await eventually(
      () =>
        Promise.resolve(sim.state.requests.filter((r) => r.path === "settled" && r.reference === providerReference)),
      (steps) => steps.length === 2,
    );
    const late = await client.readResult({ path: "", headers: callback?.headers ?? {}, body: callback?.body });
    expect(late?.status).toMatchObject({ outcome: "failed", failureCode: "iotec:RolledBack" });
    expect(late?.eventKey).toBe(`${providerReference}:RolledBack`);
  });

  it("gives a callback delivered twice one event key, and reports a different amount as paid", async () => {
    await addLocalFault(sim, { fault: "duplicate-callback", phone: "0772123457" });
    await addLocalFault(sim, { fault: "wrong-amount", phone: "0772123457" });
    const client = adapter();
    const { providerReference } = await client.send(payout("+256772123457"));
    const [first, second] = await callbacks(client, providerReference, 2);
    expect(first?.eventKey).toBe(second?.eventKey);
    expect(first?.status).toMatchObject({ outcome: "succeeded", amount: 5_001 });
  });

  it("never disburses twice for one payoutId, and finds it by payoutId when ioTec's id is unknown", async () => {
    const client = adapter();
    const input = payout("+256772123458");
    const first = await client.send(input);
    const again = await client.send(input);
    expect(again).toMatchObject({ duplicate: true, providerReference: first.providerReference });
    expect(sim.state.requests.filter((r) => r.path === "disburse-accepted")).toHaveLength(1);
    await settled(sim, first.providerReference);
    expect(await client.query({ payoutId: input.payoutId })).toMatchObject({
      outcome: "succeeded",
      providerReference: first.providerReference,
    });
    expect(await client.query({ payoutId: "never-sent" })).toMatchObject({ outcome: "pending", providerReference: "" });
  });

  it("refuses other currencies, fractions and non-Ugandan numbers before any call", async () => {
    const client = adapter();
    await expect(client.send({ ...payout("+256772123456"), currency: "KES" })).rejects.toBeInstanceOf(
      ProviderInvalidRequestError,
    );
    await expect(client.send({ ...payout("+256772123456"), amount: 10.5 })).rejects.toMatchObject({
      code: "invalid-argument",
    });
    await expect(client.send(payout("+254712345678"))).rejects.toBeInstanceOf(ProviderInvalidRequestError);
    expect(sim.state.requests).toEqual([]);
  });

  it("refuses callbacks without the header secret or with a malformed body, and ignores collections", async () => {
    const client = adapter();
    await expect(client.readResult({ path: "", headers: {}, body: { id: "x" } })).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
    const headers = { [IOTEC.callbackHeader]: "wrong" };
    await expect(client.readResult({ path: "", headers, body: { id: "x" } })).rejects.toBeInstanceOf(ProviderAuthError);
    const good = { [IOTEC.callbackHeader]: IOTEC.callbackSecret };
    await expect(client.readResult({ path: "", headers: good, body: {} })).rejects.toBeInstanceOf(
      ProviderInvalidRequestError,
    );
    const collection = await new IotecCollections(config()).initiate({
      paymentId: "pay-1",
      amount: 5_000,
      currency: "UGX",
      phone: "+256772123459",
      reference: "Order 7",
      description: "Order",
    });
    expect(await client.readResult({ path: "", headers: good, body: { id: collection.providerReference } })).toBeNull();
  });
});

describe("ioTec disbursement states that are not success", () => {
  beforeEach(() => start(300));

  it("reads SentToVendor and AwaitingApproval as pending, whatever the callback body claims", async () => {
    const client = adapter();
    const sent = await client.send(payout("+256111777790"));
    const [callback] = await receiver.waitFor((r) => (r.body as { id?: string }).id === sent.providerReference);
    const forged = { ...(callback?.body as object), status: "Success" };
    const result = await client.readResult({ path: "", headers: callback?.headers ?? {}, body: forged });
    expect(result?.status.outcome).toBe("pending");
    expect(result?.eventKey).toBe(`${sent.providerReference}:SentToVendor`);

    const approval = await client.send(payout("+256111777870"));
    // Pending first, then AwaitingApproval: the operator is told once an approver must act.
    const waiting = await eventually(
      () => client.query({ payoutId: "", providerReference: approval.providerReference }),
      (status) => status.operatorMessage !== undefined,
    );
    expect(waiting).toMatchObject({ outcome: "pending", operatorMessage: expect.stringContaining("approver") });
    await settled(sim, approval.providerReference);
    expect(await client.query({ payoutId: "", providerReference: approval.providerReference })).toMatchObject({
      outcome: "succeeded",
    });
  });
});
