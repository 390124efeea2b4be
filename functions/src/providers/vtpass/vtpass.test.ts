// The VTpass adapter against a private simulator on an ephemeral port: every sandbox number and
// code, the 014 re-query path, timeouts as pending, exact amounts and request id reuse.
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { addLocalFault, localVtpass, type LocalSimulator } from "../../../../tests/support/local-simulators.js";
import { VTPASS } from "../../../../sandbox/src/settings.js";
import type { VtpassSimulatorOptions } from "../../../../sandbox/src/vtpass.js";
import type { BillOutcome, PayBillInput } from "../bills.js";
import { ProviderAuthError, ProviderDeclinedError, ProviderUnavailableError } from "../errors.js";
import { toStatus } from "./outcomes.js";
import { VtpassBills, type VtpassConfig } from "./vtpass.js";
import { transactionReplySchema } from "./wire.js";

let sim: LocalSimulator;
let clock: number;
let sequence = 0;

async function start(options: Partial<VtpassSimulatorOptions> = {}): Promise<void> {
  await sim.close();
  sim = await localVtpass({ now: () => clock, ...options });
}

function adapter(overrides: Partial<VtpassConfig> = {}): VtpassBills {
  return new VtpassBills({
    baseUrl: `${sim.baseUrl}/api`,
    apiKey: VTPASS.apiKey,
    publicKey: VTPASS.publicKey,
    secretKey: VTPASS.secretKey,
    timeoutMs: 5_000,
    ...overrides,
  });
}

function bill(overrides: Partial<PayBillInput> = {}): PayBillInput {
  sequence += 1;
  return {
    requestId: `202503101014test${String(sequence).padStart(6, "0")}`,
    serviceId: "mtn",
    customerNumber: "+2348011111111",
    amount: 50_000,
    phone: "+2348011111111",
    ...overrides,
  };
}

const prepaid = (overrides: Partial<PayBillInput> = {}) =>
  bill({ serviceId: "ikeja-electric", variationCode: "prepaid", customerNumber: "1111111111111", ...overrides });
const steps = (path: string, reference: string) =>
  sim.state.requests.filter((r) => r.path === path && r.reference === reference).length;

beforeEach(async () => {
  clock = Date.parse("2025-03-10T09:14:00Z");
  sim = await localVtpass({ now: () => clock });
});
afterEach(async () => {
  await sim.close();
});

const CODES: [code: string, status: string | undefined, outcome: BillOutcome][] = [
  ["000", "delivered", "delivered"],
  ["000", "initiated", "pending"],
  ["000", "pending", "pending"],
  ["000", "failed", "failed"],
  ["000", "reversed", "failed"],
  ["000", undefined, "pending"],
  ["099", undefined, "pending"],
  ["016", "failed", "failed"],
  ["091", undefined, "not-processed"],
  ["040", undefined, "pending"],
  ["083", undefined, "pending"],
  ["087", undefined, "pending"],
  ...["010", "011", "012", "013", "017", "018", "019", "021", "022", "023", "024", "030"].map(
    (code): [string, undefined, BillOutcome] => [code, undefined, "refused"],
  ),
];

describe("VTpass codes", () => {
  it.each(CODES)("code %s with status %s is %s", (code, status, outcome) => {
    const reply = transactionReplySchema.parse({ code, ...(status ? { content: { transactions: { status } } } : {}) });
    const normalised = toStatus(reply, "202503101014abc");
    expect(normalised.outcome).toBe(outcome);
    expect(normalised.customerMessage.length).toBeGreaterThan(20);
  });
});

describe("VTpass catalogue", () => {
  it("lists each category's billers with limits in kobo and what to verify", async () => {
    const client = adapter();
    const electricity = await client.services("electricity");
    expect(electricity.map((s) => s.id)).toEqual(["ikeja-electric", "eko-electric", "abuja-electric"]);
    expect(electricity[0]).toMatchObject({
      category: "electricity",
      minAmount: 50_000,
      maxAmount: 50_000_000,
      verification: "meter",
    });
    expect((await client.services("airtime")).map((s) => [s.id, s.verification])).toEqual([
      ["mtn", null],
      ["airtel", null],
      ["glo", null],
      ["etisalat", null],
    ]);
    expect((await client.services("data")).map((s) => s.id)).not.toContain("smile-direct");
    expect(await client.services("internet")).toMatchObject([{ id: "smile-direct", verification: "account" }]);
    expect((await client.services("tv")).map((s) => s.verification)).toEqual(["smartcard", "smartcard", "smartcard"]);
    expect(await client.services("education")).toMatchObject([{ id: "waec", verification: null }]);
    expect(await client.services("insurance")).toMatchObject([{ id: "ui-insure" }]);
  });

  it("lists plans in kobo; airtime has none; electricity offers its two meter types", async () => {
    const client = adapter();
    expect(await client.variations("mtn")).toEqual([]);
    expect(sim.state.requests.some((r) => r.path === "service-variations")).toBe(false);
    expect(await client.variations("ikeja-electric")).toEqual([
      { code: "prepaid", name: "Prepaid", amount: 0, fixedPrice: false },
      { code: "postpaid", name: "Postpaid", amount: 0, fixedPrice: false },
    ]);
    expect((await client.variations("dstv"))[0]).toEqual({
      code: "dstv-padi",
      name: "DStv Padi N2,950",
      amount: 295_000,
      fixedPrice: true,
    });
    await expect(client.variations("no-such-biller")).rejects.toBeInstanceOf(ProviderDeclinedError);
  });

  it("refuses wrong public keys as an auth failure", async () => {
    await expect(adapter({ publicKey: "wrong" }).services("airtime")).rejects.toBeInstanceOf(ProviderAuthError);
  });
});

describe("VTpass customer verification", () => {
  it("returns the meter owner and the biller's details", async () => {
    const customer = await adapter().verifyCustomer({
      serviceId: "ikeja-electric",
      customerNumber: "1111111111111",
      variationCode: "prepaid",
    });
    expect(customer.customerName).toBe("TESTMETER1");
    expect(customer.details).toMatchObject({ Address: "ABULE EGBA BU ABULE", Meter_Type: "PREPAID" });
    const viewer = await adapter().verifyCustomer({ serviceId: "dstv", customerNumber: "1212121212" });
    expect(viewer.details.Current_Bouquet).toBe("DStv Padi N2,950");
    // The renewal price, naira text to kobo; a meter has none.
    expect(viewer.renewalAmount).toBe(2_950_00);
    expect(customer.renewalAmount).toBeUndefined();
  });

  it("tells the customer to check a number the biller does not know", async () => {
    const failure = await adapter()
      .verifyCustomer({ serviceId: "ikeja-electric", customerNumber: "9234567890123", variationCode: "prepaid" })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderDeclinedError);
    expect((failure as ProviderDeclinedError).customerMessage).toBe(
      "We could not find prepaid meter 9234567890123 at Ikeja Electric. Check the number.",
    );
    await expect(adapter().verifyCustomer({ serviceId: "gotv", customerNumber: "999" })).rejects.toThrow(
      ProviderDeclinedError,
    );
  });

  it("reports an unreachable biller as unavailable", async () => {
    await addLocalFault(sim, { fault: "biller-unreachable", phone: "1212121212" });
    await expect(adapter().verifyCustomer({ serviceId: "dstv", customerNumber: "1212121212" })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });
});

describe("VTpass pay: deliveries", () => {
  it("credits airtime to the customer's number and echoes the exact amount", async () => {
    const input = bill({ amount: 123_456 });
    const status = await adapter().pay(input);
    expect(status).toMatchObject({
      outcome: "delivered",
      requestId: input.requestId,
      amount: 123_456,
      providerCode: "000",
      customerMessage: "Payment delivered. Thank you!",
    });
    expect(status.providerReference).toMatch(/^\d+$/);
    expect(sim.state.requests.find((r) => r.path === "pay")?.phone).toBe("08011111111");
  });

  it("hands over a prepaid token without its prefix, and the units", async () => {
    const status = await adapter().pay(prepaid({ amount: 200_000 }));
    expect(status.outcome).toBe("delivered");
    expect(status.delivery?.token).toMatch(/^\d{20}$/);
    expect(status.delivery?.units).toMatch(/^\d+\.\d kWh$/);
    expect(status.customerMessage).toContain(status.delivery?.token);
  });

  it("confirms a postpaid bill with the biller's receipt", async () => {
    const status = await adapter().pay(
      bill({ serviceId: "eko-electric", variationCode: "postpaid", customerNumber: "1010101010101", amount: 250_000 }),
    );
    expect(status.outcome).toBe("delivered");
    expect(status.delivery?.token).toBeUndefined();
    expect(status.delivery?.confirmation).toMatch(/receipt \d{16}$/);
  });

  it("hands over education PINs and confirms TV renewals", async () => {
    const pins = await adapter().pay(
      bill({ serviceId: "waec", variationCode: "waecdirect", customerNumber: "+2348011111111", amount: 390_000 }),
    );
    expect(pins.delivery?.pins).toEqual([expect.stringMatching(/^Serial WRN\d{9}, PIN \d{12}$/)]);
    const tv = await adapter().pay(
      bill({
        serviceId: "dstv",
        variationCode: "dstv-yanga",
        customerNumber: "1212121212",
        amount: 420_000,
        subscriptionType: "change",
      }),
    );
    expect(tv).toMatchObject({ outcome: "delivered", amount: 420_000 });
    expect(tv.delivery?.confirmation).toBe("DSTV Subscription: TRANSACTION SUCCESSFUL");
  });

  it("reports a bill for a meter the biller does not know as failed", async () => {
    const status = await adapter().pay(prepaid({ customerNumber: "9234567890123" }));
    expect(status).toMatchObject({ outcome: "failed", providerCode: "016" });
  });
});

describe("VTpass pay: pending, unexpected replies and timeouts", () => {
  it("keeps 201000000000 pending until a re-query finds it delivered", async () => {
    await start({ callbackDelayMs: 600_000 });
    const client = adapter();
    const input = bill({ customerNumber: "201000000000" });
    expect(await client.pay(input)).toMatchObject({ outcome: "pending", providerCode: "099" });
    expect(await client.requery(input.requestId)).toMatchObject({ outcome: "pending", providerCode: "000" });
    expect(await client.requery(input.requestId)).toMatchObject({ outcome: "delivered", amount: 50_000 });
  });

  it("treats an HTML reply as pending; the re-query tells the truth", async () => {
    const client = adapter();
    const input = prepaid({ customerNumber: "500000000000" });
    expect(await client.pay(input)).toMatchObject({ outcome: "pending" });
    expect(await client.requery(input.requestId)).toMatchObject({ outcome: "delivered" });
  });

  it("treats a dropped connection as pending", async () => {
    await start({ timeoutHoldMs: 20 });
    const client = adapter();
    const input = bill({ customerNumber: "400000000000" });
    expect(await client.pay(input)).toMatchObject({ outcome: "pending" });
    expect(await client.requery(input.requestId)).toMatchObject({ outcome: "delivered" });
  });

  it("treats a timeout as pending, though VTpass went on to deliver", async () => {
    await start({ timeoutHoldMs: 5_000 });
    const client = adapter({ timeoutMs: 200 });
    const input = bill({ customerNumber: "300000000000" });
    expect(await client.pay(input)).toMatchObject({ outcome: "pending" });
    expect(await client.requery(input.requestId)).toMatchObject({ outcome: "delivered" });
  });

  it("treats a 5xx as pending; a re-query that finds nothing says unknown", async () => {
    await addLocalFault(sim, { fault: "server-error", phone: "08011111111", remaining: 1 });
    const client = adapter();
    const input = bill();
    expect(await client.pay(input)).toMatchObject({ outcome: "pending", providerCode: "500" });
    expect(await client.requery(input.requestId)).toMatchObject({ outcome: "unknown", providerCode: "015" });
  });

  it("throws only when the connection is refused: then VTpass never saw the bill", async () => {
    const failure = await adapter({ baseUrl: "http://127.0.0.1:9/api" })
      .pay(bill())
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect((failure as ProviderUnavailableError).notProcessed).toBe(true);
    expect(await adapter({ baseUrl: "http://127.0.0.1:9/api" }).requery("202503101014none")).toMatchObject({
      outcome: "pending",
    });
  });

  it("answers wrong secret keys with pending, never a second try", async () => {
    const status = await adapter({ secretKey: "wrong" }).pay(bill());
    expect(status).toMatchObject({ outcome: "pending", providerCode: "087" });
  });
});

describe("VTpass request ids", () => {
  it("re-queries a request id VTpass already has (014) instead of paying twice", async () => {
    const client = adapter();
    const input = prepaid();
    const first = await client.pay(input);
    const again = await client.pay(input);
    expect(again).toMatchObject({ outcome: "delivered", requestId: input.requestId });
    expect(again.delivery?.token).toBe(first.delivery?.token);
    expect(steps("pay", input.requestId)).toBe(2);
    expect(steps("pay-accepted", input.requestId)).toBe(1);
    expect(steps("requery", input.requestId)).toBe(1);
  });

  it("reuses an id that VTpass refused: a refusal records nothing", async () => {
    await addLocalFault(sim, { fault: "low-balance", remaining: 1 });
    const client = adapter();
    const input = bill();
    expect(await client.pay(input)).toMatchObject({ outcome: "refused", providerCode: "018" });
    expect(await client.pay(input)).toMatchObject({ outcome: "delivered" });
  });

  it("says unknown for an id VTpass never saw", async () => {
    expect(await adapter().requery("202503101014neverSent")).toMatchObject({ outcome: "unknown" });
  });
});

describe("VTpass refusals and faults", () => {
  it("refuses the same biller and number within 30 seconds (019), by VTpass's clock", async () => {
    const client = adapter();
    expect(await client.pay(prepaid())).toMatchObject({ outcome: "delivered" });
    const again = await client.pay(prepaid());
    expect(again).toMatchObject({ outcome: "refused", providerCode: "019" });
    expect(again.customerMessage).toContain("Wait 30 seconds");
    clock += 30_000;
    expect(await client.pay(prepaid())).toMatchObject({ outcome: "delivered" });
  });

  it.each([
    ["010", bill({ serviceId: "mtn-data", variationCode: "mtn-9tb-1", customerNumber: "+2348011111111" }), "plan"],
    ["011", bill({ serviceId: "mtn-data", customerNumber: "+2348011111111" }), "not valid"],
    ["012", bill({ serviceId: "no-such-biller" }), "not available"],
    ["013", prepaid({ amount: 49_900 }), "below the minimum"],
    ["017", prepaid({ amount: 50_000_100 }), "above the maximum"],
  ])("refuses with %s and says what to do", async (code, input, words) => {
    const status = await adapter().pay(input);
    expect(status).toMatchObject({ outcome: "refused", providerCode: code });
    expect(status.customerMessage).toContain(words);
  });

  it.each([
    ["failed", "failed", "016"],
    ["not-processed", "not-processed", "091"],
    ["low-balance", "refused", "018"],
    ["biller-unreachable", "refused", "030"],
    ["account-locked", "refused", "021"],
    ["account-suspended", "refused", "022"],
    ["api-disabled", "refused", "023"],
    ["account-inactive", "refused", "024"],
  ])("maps the %s fault to %s (%s)", async (fault, outcome, code) => {
    await addLocalFault(sim, { fault, phone: "08011111111", remaining: 1 });
    expect(await adapter().pay(bill())).toMatchObject({ outcome, providerCode: code });
  });

  it("tells the customer to try later when Malipo's own VTpass float is low", async () => {
    await addLocalFault(sim, { fault: "low-balance", remaining: 1 });
    expect((await adapter().pay(bill())).customerMessage).toBe(
      "Bill payments are unavailable right now. Nothing was charged; please try again later.",
    );
  });

  it("sees a later reversal as failed", async () => {
    await addLocalFault(sim, { fault: "reversed-later", phone: "1111111111111", remaining: 1 });
    const client = adapter();
    const input = prepaid();
    expect(await client.pay(input)).toMatchObject({ outcome: "delivered" });
    await eventuallyStep("settled", input.requestId, 2);
    expect(await client.requery(input.requestId)).toMatchObject({ outcome: "failed" });
  });
});

describe("VTpass webhooks", () => {
  const client = () => adapter();

  it("reads a transaction update by its request id", () => {
    const webhook = client().readWebhook({
      path: "/",
      headers: {},
      body: {
        type: "transaction-update",
        data: { code: "000", requestId: "202503101014abc", content: { transactions: { status: "reversed" } } },
      },
    });
    expect(webhook).toEqual({
      kind: "transaction-update",
      requestId: "202503101014abc",
      eventKey: "202503101014abc:reversed",
    });
  });

  it("reads a variations update, the same key for the same delivery", () => {
    const body = { type: "variations-update", data: { serviceID: "dstv", variations: [] } };
    const first = client().readWebhook({ path: "/", headers: {}, body });
    expect(first).toMatchObject({ kind: "variations-update", serviceId: "dstv" });
    expect(client().readWebhook({ path: "/", headers: {}, body: structuredClone(body) }).eventKey).toBe(first.eventKey);
  });

  it("refuses what is not a VTpass webhook, and answers VTpass's way", () => {
    expect(() => client().readWebhook({ path: "/", headers: {}, body: { type: "other" } })).toThrow(/vtpass webhook/);
    expect(() =>
      client().readWebhook({ path: "/", headers: {}, body: { type: "transaction-update", data: {} } }),
    ).toThrow(/requestId/);
    expect(client().webhookReply).toEqual({ response: "success" });
  });
});

async function eventuallyStep(path: string, reference: string, count: number): Promise<void> {
  const { eventually } = await import("../../../../tests/support/eventually.js");
  await eventually(
    () => Promise.resolve(steps(path, reference)),
    (n) => n >= count,
  );
}
