// The Daraja adapter against a private simulator on an ephemeral port: real HTTP, real wire format.
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  addLocalFault,
  localDaraja,
  settled,
  type LocalSimulator,
} from "../../../../tests/support/local-simulators.js";
import { DARAJA } from "../../../../sandbox/src/settings.js";
import {
  ProviderAuthError,
  ProviderInvalidRequestError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
} from "../errors.js";
import { darajaTimestamp, DarajaCollections, stkPassword, type DarajaConfig } from "./daraja.js";
import { describeResultCode, MPESA_RESULT_CODES } from "./result-codes.js";

let sim: LocalSimulator;
let clock: number;

function adapter(overrides: Partial<DarajaConfig> = {}): DarajaCollections {
  return new DarajaCollections({
    baseUrl: sim.baseUrl,
    consumerKey: DARAJA.consumerKey,
    consumerSecret: DARAJA.consumerSecret,
    shortcode: DARAJA.shortcode,
    passkey: DARAJA.passkey,
    transactionType: "CustomerPayBillOnline",
    partyB: DARAJA.shortcode,
    callbackUrl: "http://127.0.0.1:9/mpesaCallback",
    callbackSecret: "path-secret",
    timeoutMs: 1_000,
    now: () => new Date(clock),
    ...overrides,
  });
}

const input = (phone: string) => ({
  paymentId: "pay123",
  amount: 100_00,
  currency: "KES" as const,
  phone,
  reference: "Order 42 for the shop with a long name",
  description: "Payment for order forty-two",
});

const tokenRequests = () => sim.state.requests.filter((r) => r.path === "token").length;

beforeEach(async () => {
  sim = await localDaraja();
  clock = Date.now();
});
afterEach(async () => {
  await sim.close();
});

describe("Daraja wire details", () => {
  it("stamps the password in Nairobi time (UTC+3)", () => {
    expect(darajaTimestamp(new Date("2026-01-01T21:30:05Z"))).toBe("20260102003005");
    expect(stkPassword("174379", "key", "20260102003005")).toBe(
      Buffer.from("174379key20260102003005").toString("base64"),
    );
  });

  it("has a customer message for every documented result code", () => {
    for (const code of [
      "0",
      "1",
      "2",
      "3",
      "4",
      "8",
      "17",
      "1019",
      "1025",
      "1032",
      "1037",
      "2001",
      "2028",
      "8006",
      "SFC_IC0003",
    ]) {
      expect(MPESA_RESULT_CODES[code]?.customerMessage.length, code).toBeGreaterThan(20);
    }
    expect(describeResultCode("9876")).toMatchObject({
      outcome: "failed",
      customerMessage: expect.stringContaining("9876"),
    });
  });
});

describe("Daraja STK push", () => {
  it("is accepted by the simulator's checks (password, timestamp, field lengths) and returns the CheckoutRequestID", async () => {
    const result = await adapter().initiate(input("+254712340000"));
    expect(result.providerReference).toMatch(/^ws_CO_/);
  });

  it("fetches one token and reuses it; concurrent first calls share the fetch", async () => {
    const client = adapter();
    await Promise.all([0, 1, 2, 3, 4].map((i) => client.initiate(input(`+25471234000${i}`))));
    await client.initiate(input("+254712340009"));
    expect(tokenRequests()).toBe(1);
  });

  it("refreshes the token shortly before it expires (expires_in arrives as a string)", async () => {
    const client = adapter();
    await client.initiate(input("+254712340000"));
    clock += 3_599_000 - 30_000;
    await client.initiate(input("+254712340001"));
    expect(tokenRequests()).toBe(2);
  });

  it("reports a failing token endpoint as unavailable and certainly not processed", async () => {
    await addLocalFault(sim, { fault: "token-500", remaining: 1 });
    const failure = await adapter()
      .initiate(input("+254712340000"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect((failure as ProviderUnavailableError).notProcessed).toBe(true);
    expect((failure as ProviderUnavailableError).retryable).toBe(true);
  });

  it("reports refused credentials as an auth error that is not retried", async () => {
    await addLocalFault(sim, { fault: "token-401" });
    const failure = await adapter()
      .initiate(input("+254712340000"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderAuthError);
    expect((failure as ProviderAuthError).retryable).toBe(false);
  });

  it("reports spike arrest as a retryable rate limit", async () => {
    await addLocalFault(sim, { fault: "spike-arrest", phone: "254712340000" });
    const failure = await adapter()
      .initiate(input("+254712340000"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderRateLimitedError);
    expect((failure as ProviderRateLimitedError).providerCode).toBe("500.003.02");
  });

  it("reports an invalid field (400.002.02) as an invalid request", async () => {
    const failure = await adapter({ shortcode: "999999" })
      .initiate(input("+254712340000"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderInvalidRequestError);
    expect((failure as ProviderInvalidRequestError).providerCode).toBe("400.002.02");
  });

  it("reports a reply that never comes as unavailable, possibly processed", async () => {
    await addLocalFault(sim, { fault: "timeout", phone: "254712340000" });
    const failure = await adapter({ timeoutMs: 200 })
      .initiate(input("+254712340000"))
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderUnavailableError);
    expect((failure as ProviderUnavailableError).notProcessed).toBe(false);
  });
});

describe("Daraja STK query", () => {
  it("treats 'being processed' (500.001.1001) as pending", async () => {
    const client = adapter();
    const { providerReference } = await client.initiate(input("+254712349999"));
    expect(await client.queryStatus({ paymentId: "p", providerReference })).toMatchObject({ outcome: "pending" });
  });

  it("maps the string ResultCode of a finished prompt", async () => {
    const client = adapter();
    const { providerReference } = await client.initiate(input("+254712341032"));
    await settled(sim, providerReference);
    expect(await client.queryStatus({ paymentId: "p", providerReference })).toMatchObject({
      outcome: "cancelled",
      failureCode: "mpesa:1032",
      customerMessage: "You cancelled the M-Pesa prompt. No money was taken.",
    });
  });

  it("cannot ask about a push whose reply never came", async () => {
    expect(await adapter().queryStatus({ paymentId: "p" })).toMatchObject({
      outcome: "pending",
      providerReference: "",
    });
  });
});

describe("Daraja callback", () => {
  const request = (body: unknown, path = "/path-secret") => ({ path, headers: {}, body });
  const success = {
    Body: {
      stkCallback: {
        MerchantRequestID: "1-2-3",
        CheckoutRequestID: "ws_CO_1",
        ResultCode: 0,
        ResultDesc: "The service request is processed successfully.",
        CallbackMetadata: {
          Item: [
            { Name: "Amount", Value: 1.0 },
            { Name: "MpesaReceiptNumber", Value: "NLJ7RT61SV" },
            { Name: "Balance" },
            { Name: "TransactionDate", Value: 20191219102115 },
            { Name: "PhoneNumber", Value: 254708374149 },
          ],
        },
      },
    },
  };

  it("reads a success with metadata (amount in minor units, E.164 phone, valueless Balance)", async () => {
    const callback = await adapter().readCallback(request(success));
    expect(callback).toEqual({
      eventKey: "ws_CO_1:0",
      status: {
        outcome: "succeeded",
        providerReference: "ws_CO_1",
        customerMessage: "Payment received. Thank you!",
        receipt: "NLJ7RT61SV",
        amount: 100,
        currency: "KES",
        phone: "+254708374149",
      },
    });
  });

  it("reads a failure without metadata and a string result code", async () => {
    const body = {
      Body: {
        stkCallback: {
          MerchantRequestID: "1",
          CheckoutRequestID: "ws_CO_2",
          ResultCode: "SFC_IC0003",
          ResultDesc: "x",
        },
      },
    };
    const callback = await adapter().readCallback(request(body));
    expect(callback.status).toMatchObject({ outcome: "failed", failureCode: "mpesa:SFC_IC0003" });
    expect(callback.status.amount).toBeUndefined();
  });

  it("refuses a wrong or missing path secret, and a malformed body", async () => {
    await expect(adapter().readCallback(request(success, "/wrong"))).rejects.toBeInstanceOf(ProviderAuthError);
    await expect(adapter().readCallback(request(success, "/"))).rejects.toBeInstanceOf(ProviderAuthError);
    await expect(adapter().readCallback(request({ Body: {} }))).rejects.toBeInstanceOf(ProviderInvalidRequestError);
  });
});
