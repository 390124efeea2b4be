// The Daraja payouts adapter against a private simulator on an ephemeral port: real HTTP both
// ways (requests to the simulator, its results posted to a local receiver), real wire format.
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { eventually } from "../../../../tests/support/eventually.js";
import { addLocalFault, localDaraja, type LocalSimulator } from "../../../../tests/support/local-simulators.js";
import { resultReceiver, type ReceivedResult, type ResultReceiver } from "../../../../tests/support/result-receiver.js";
import { DARAJA } from "../../../../sandbox/src/settings.js";
import { ProviderAuthError, ProviderInvalidRequestError, ProviderRateLimitedError } from "../errors.js";
import type { PayoutResult } from "../payouts.js";
import { DarajaPayouts, parseNairobiTime, type DarajaPayoutsConfig } from "./b2c.js";

let sim: LocalSimulator;
let receiver: ResultReceiver;
let counter = 0;

function adapter(overrides: Partial<DarajaPayoutsConfig> = {}): DarajaPayouts {
  return new DarajaPayouts({
    baseUrl: sim.baseUrl,
    consumerKey: DARAJA.consumerKey,
    consumerSecret: DARAJA.consumerSecret,
    timeoutMs: 1_000,
    initiatorName: DARAJA.initiatorName,
    securityCredential: DARAJA.securityCredential,
    b2cShortcode: DARAJA.b2cShortcode,
    collectionShortcode: DARAJA.shortcode,
    resultUrl: receiver.url,
    resultSecret: "result-secret",
    ...overrides,
  });
}

const payout = (phone: string, overrides: Partial<{ payoutId: string; amount: number; remarks: string }> = {}) => ({
  payoutId: overrides.payoutId ?? `payout-${++counter}`,
  amount: overrides.amount ?? 100_00,
  currency: "KES" as const,
  phone,
  remarks: overrides.remarks ?? "Withdrawal from Malipo",
});

const under = (kind: string, id: string) => (r: ReceivedResult) => r.path === `/result-secret/${kind}/${id}`;

async function results(client: DarajaPayouts, kind: string, id: string, count = 1): Promise<PayoutResult[]> {
  const deliveries = await receiver.waitFor(under(kind, id), count);
  return Promise.all(deliveries.map((d) => client.readResult({ path: d.path, headers: d.headers, body: d.body })));
}

const requests = (path: string) => sim.state.requests.filter((r) => r.path === path);

beforeEach(async () => {
  sim = await localDaraja();
  receiver = await resultReceiver();
});
afterEach(async () => {
  await sim.close();
  await receiver.close();
});

describe("Daraja B2C payout results", () => {
  it("pays, and the result gives amount, receipt, completion time and the float left", async () => {
    const client = adapter();
    const input = payout("+254712340000");
    expect(await client.send(input)).toMatchObject({ providerReference: input.payoutId, duplicate: false });
    const [result] = await results(client, "payout", input.payoutId);
    expect(result).toMatchObject({
      kind: "payout",
      subjectId: input.payoutId,
      status: {
        outcome: "succeeded",
        providerReference: input.payoutId,
        amount: 100_00,
        currency: "KES",
        receipt: expect.stringMatching(/^U[0-9A-F]{9}$/),
        // The simulator's float starts at KES 1,000,000.
        availableFunds: 99_990_000,
      },
    });
    expect(result?.status.completedAt).toBeInstanceOf(Date);
    expect(Math.abs((result?.status.completedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it("reads parameters by Key, whatever their order", async () => {
    const client = adapter();
    const input = payout("+254712340011");
    await client.send(input);
    const [delivery] = await receiver.waitFor(under("payout", input.payoutId));
    const body = structuredClone(delivery?.body) as { Result: { ResultParameters: { ResultParameter: unknown[] } } };
    const reversed = structuredClone(body);
    reversed.Result.ResultParameters.ResultParameter.reverse();
    const path = delivery?.path ?? "";
    const first = await client.readResult({ path, headers: {}, body });
    const second = await client.readResult({ path, headers: {}, body: reversed });
    expect(second).toEqual(first);
    expect(second.status.amount).toBe(100_00);
  });

  it.each([
    ["0001", "mpesa:1", "float"],
    ["2040", "mpesa:2040", undefined],
    ["2001", "mpesa:2001", "MPESA_SECURITY_CREDENTIAL"],
  ])("a number ending %s fails definitely with %s", async (suffix, failureCode, operator) => {
    const client = adapter();
    const input = payout(`+25471234${suffix}`);
    await client.send(input);
    const [result] = await results(client, "payout", input.payoutId);
    expect(result?.status).toMatchObject({ outcome: "failed", failureCode });
    expect(result?.status.receipt).toBeUndefined();
    expect(result?.status.customerMessage).toMatch(/Malipo wallet/);
    if (operator) expect(result?.status.operatorMessage).toContain(operator);
    else expect(result?.status.operatorMessage).toBeUndefined();
  });

  it("reads a result code it does not know as not known yet, never as a failure", async () => {
    const client = adapter();
    const input = payout("+254712340021");
    await client.send(input);
    const [delivery] = await receiver.waitFor(under("payout", input.payoutId));
    const body = structuredClone(delivery?.body) as { Result: { ResultCode: string | number } };
    body.Result.ResultCode = "7777";
    const result = await client.readResult({ path: delivery?.path ?? "", headers: {}, body });
    expect(result.status.outcome).toBe("pending");
    expect(result.status.operatorMessage).toContain("7777");
    expect(result.status.failureCode).toBeUndefined();
  });

  it("reads a wrong security credential as 2001, an operator failure", async () => {
    const client = adapter({ securityCredential: "stale" });
    const input = payout("+254712340002");
    await client.send(input);
    const [result] = await results(client, "payout", input.payoutId);
    expect(result?.status).toMatchObject({ outcome: "failed", failureCode: "mpesa:2001" });
    expect(result?.status.operatorMessage).toMatch(/initiator information is invalid/);
  });

  it("treats a queue timeout as not known yet, and the status request finds the payout paid", async () => {
    const client = adapter();
    const input = payout("+254712349001");
    await client.send(input);
    const [timeout] = await results(client, "payout-timeout", input.payoutId);
    expect(timeout).toMatchObject({ kind: "payout", status: { outcome: "pending" } });
    expect(await client.query({ payoutId: input.payoutId, providerReference: input.payoutId })).toMatchObject({
      outcome: "pending",
    });
    const [status] = await results(client, "status", input.payoutId);
    expect(status).toMatchObject({
      kind: "status",
      subjectId: input.payoutId,
      status: { outcome: "succeeded", amount: 100_00, receipt: expect.stringMatching(/^U/) },
    });
  });

  it("finds by status request a payout whose result never came", async () => {
    const client = adapter();
    const input = payout("+254712349999");
    await client.send(input);
    await eventually(
      () => Promise.resolve(requests("callback-dropped")),
      (dropped) => dropped.length > 0,
    );
    await client.query({ payoutId: input.payoutId });
    const [status] = await results(client, "status", input.payoutId);
    expect(status?.status.outcome).toBe("succeeded");
    expect(receiver.received.filter(under("payout", input.payoutId))).toEqual([]);
  });

  it("leaves pending, with a sentence for operators, a payout Daraja does not know", async () => {
    const client = adapter();
    await client.query({ payoutId: "never-sent" });
    const [status] = await results(client, "status", "never-sent");
    expect(status?.status).toMatchObject({ outcome: "pending", operatorMessage: expect.stringContaining("R000002") });
  });

  it("leaves a payout pending when the status request itself fails (wrong credential: 2001)", async () => {
    const client = adapter({ securityCredential: "stale" });
    await client.query({ payoutId: "any-payout" });
    const [status] = await results(client, "status", "any-payout");
    expect(status?.status).toMatchObject({ outcome: "pending", operatorMessage: expect.stringContaining("2001") });
  });

  it("reads a single parameter sent as a bare object", async () => {
    const body = {
      Result: {
        ResultType: 0,
        ResultCode: 0,
        OriginatorConversationID: "p9",
        TransactionID: "UAB12CD34E",
        ResultParameters: { ResultParameter: { Key: "TransactionAmount", Value: "250.00" } },
      },
    };
    const result = await adapter().readResult({ path: "/result-secret/payout/p9", headers: {}, body });
    expect(result.status).toMatchObject({ outcome: "succeeded", amount: 250_00, receipt: "UAB12CD34E" });
  });

  it("gives a result delivered twice one event key", async () => {
    const client = adapter();
    const input = payout("+254712349002");
    await client.send(input);
    const [first, second] = await results(client, "payout", input.payoutId, 2);
    expect(first?.eventKey).toBe(second?.eventKey);
  });

  it("gives a late failure after a success its own event key (the ledger must not downgrade)", async () => {
    const client = adapter();
    const input = payout("+254712349003");
    await client.send(input);
    const [first, late] = await results(client, "payout", input.payoutId, 2);
    expect(first?.status.outcome).toBe("succeeded");
    expect(late?.status).toMatchObject({ outcome: "failed", failureCode: "mpesa:17" });
    expect(late?.eventKey).not.toBe(first?.eventKey);
  });

  it("reports the amount M-Pesa says it paid, even when it differs from the one asked", async () => {
    const client = adapter();
    const input = payout("+254712349004");
    await client.send(input);
    const [result] = await results(client, "payout", input.payoutId);
    expect(result?.status).toMatchObject({ outcome: "succeeded", amount: 101_00 });
  });
});

describe("Daraja B2C requests", () => {
  it("never pays twice for one payoutId, sent again or ten times at once", async () => {
    const client = adapter();
    const input = payout("+254712340003");
    const answers = await Promise.all(Array.from({ length: 10 }, () => client.send(input)));
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    expect(answers.every((a) => a.providerReference === input.payoutId)).toBe(true);
    expect(await client.send(input)).toMatchObject({ duplicate: true, providerReference: input.payoutId });
    expect(requests("b2c-accepted")).toHaveLength(1);
    await results(client, "payout", input.payoutId);
    expect(requests("settled")).toHaveLength(1);
  });

  it("shortens long remarks to Daraja's 100 characters (the simulator refuses more)", async () => {
    const client = adapter();
    const input = payout("+254712340004", { remarks: `Withdrawal: ${"x".repeat(300)}` });
    await expect(client.send(input)).resolves.toMatchObject({ duplicate: false });
  });

  it("refuses cents, other currencies and non-Kenyan numbers before any call", async () => {
    const client = adapter();
    await expect(client.send(payout("+254712340005", { amount: 100_50 }))).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringContaining("whole KES"),
    });
    await expect(client.send({ ...payout("+254712340005"), currency: "UGX" })).rejects.toBeInstanceOf(
      ProviderInvalidRequestError,
    );
    await expect(client.send(payout("+256772123456"))).rejects.toBeInstanceOf(ProviderInvalidRequestError);
    await expect(
      client.reverse({ reversalId: "r", receipt: "NLJ7RT61SV", amount: 1_50, currency: "KES", remarks: "x" }),
    ).rejects.toMatchObject({ code: "invalid-argument" });
    expect(sim.state.requests).toEqual([]);
  });

  it("reports spike arrest as a retryable rate limit", async () => {
    await addLocalFault(sim, { fault: "spike-arrest", phone: "254712340006" });
    await expect(adapter().send(payout("+254712340006"))).rejects.toBeInstanceOf(ProviderRateLimitedError);
  });
});

describe("Daraja reversals", () => {
  const reversal = (receipt: string, reversalId = `rev-${++counter}`) => ({
    reversalId,
    receipt,
    amount: 250_00,
    currency: "KES" as const,
    remarks: "Refund of order 42",
  });

  it("reverses once; a second reversal of the same payment is refused", async () => {
    const client = adapter();
    const first = reversal("NLJ7RT61SV");
    await client.reverse(first);
    const [done] = await results(client, "reversal", first.reversalId);
    expect(done).toMatchObject({
      kind: "reversal",
      subjectId: first.reversalId,
      status: { outcome: "succeeded", amount: 250_00, receipt: expect.stringMatching(/^R/) },
    });
    const again = reversal("NLJ7RT61SV");
    await client.reverse(again);
    const [refused] = await results(client, "reversal", again.reversalId);
    expect(refused?.status).toMatchObject({ outcome: "failed", failureCode: "mpesa:R000001" });
  });

  it("fails a reversal of an unknown payment, and waits on a queue timeout", async () => {
    const client = adapter();
    const unknown = reversal("NLJ7RT61XX");
    await client.reverse(unknown);
    const [failed] = await results(client, "reversal", unknown.reversalId);
    expect(failed?.status).toMatchObject({ outcome: "failed", failureCode: "mpesa:R000002" });
    const slow = reversal("NLJ7RT61QT");
    await client.reverse(slow);
    const [timeout] = await results(client, "reversal-timeout", slow.reversalId);
    expect(timeout?.status.outcome).toBe("pending");
  });
});

describe("Daraja result URLs", () => {
  const body = {
    Result: {
      ResultType: 0,
      ResultCode: 0,
      OriginatorConversationID: "p1",
      ConversationID: "AG_1",
      TransactionID: "U1",
    },
  };

  it("refuses a wrong or missing secret, an unknown path and a malformed or mismatched body", async () => {
    const client = adapter();
    await expect(client.readResult({ path: "/wrong/payout/p1", headers: {}, body })).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
    await expect(client.readResult({ path: "/", headers: {}, body })).rejects.toBeInstanceOf(ProviderAuthError);
    for (const path of ["/result-secret/other/p1", "/result-secret/payout", "/result-secret/payout/p1/x"]) {
      await expect(client.readResult({ path, headers: {}, body }), path).rejects.toBeInstanceOf(
        ProviderInvalidRequestError,
      );
    }
    await expect(
      client.readResult({ path: "/result-secret/payout/p1", headers: {}, body: { Result: {} } }),
    ).rejects.toBeInstanceOf(ProviderInvalidRequestError);
    await expect(client.readResult({ path: "/result-secret/payout/p2", headers: {}, body })).rejects.toBeInstanceOf(
      ProviderInvalidRequestError,
    );
  });

  it("sends Daraja URLs that carry the secret and say what they answer", async () => {
    const client = adapter();
    const input = payout("+254712340007");
    await client.send(input);
    await client.query({ payoutId: input.payoutId });
    await receiver.waitFor((r) => r.path.startsWith("/result-secret/"), 2);
    expect(receiver.received.map((r) => r.path).sort()).toEqual([
      `/result-secret/payout/${input.payoutId}`,
      `/result-secret/status/${input.payoutId}`,
    ]);
  });

  it("reads Daraja's completion times as Nairobi time", () => {
    expect(parseNairobiTime("19.12.2019 11:45:50")?.toISOString()).toBe("2019-12-19T08:45:50.000Z");
    expect(parseNairobiTime("20191219114550")?.toISOString()).toBe("2019-12-19T08:45:50.000Z");
    expect(parseNairobiTime("yesterday")).toBeUndefined();
  });
});
