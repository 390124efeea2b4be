// Property-based fuzzing of every callable and every HTTPS endpoint: random and adversarial input
// (wrong types, prototype-pollution keys, huge strings, unicode, deep nesting, missing auth or App
// Check) never produces `internal` or a 5xx and never writes a payment it should not. The seed is
// fixed so CI runs the same cases every time; a failure prints it with the counterexample, and
// FUZZ_SEED=<n> replays a seed (FUZZ_SEED=random explores new cases).
import { createHmac } from "node:crypto";

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";

import { REGION } from "../functions/src/core/region.ts";
import { IOTEC } from "../sandbox/src/settings.ts";
import { idempotencyKey, randomIp } from "./support/client.ts";
import { functionUrl } from "./support/emulators.ts";
import { OPEN_COMPETITION, OPEN_FEE_KES, seedCompetitions } from "./support/entries.ts";
import { emulatorSecrets } from "./support/providers.ts";
import {
  around,
  CALLABLE_RUNS,
  CALLER_WRITES,
  fuzzCallable,
  hasPin,
  HTTP_RUNS,
  nasty,
  OPERATOR_CALLABLES,
  seed,
  WEBHOOK_RUNS,
} from "./support/fuzz.ts";

const callables: [string, fc.Arbitrary<unknown>][] = [
  [
    "createPayment",
    around(() => ({
      idempotencyKey: idempotencyKey(),
      purpose: "wallet-topup",
      amount: 100_00,
      currency: "KES",
      phone: "+254712345678",
    })),
  ],
  [
    "createPayment",
    // An entry: the fee is the server's, so nearly every amount the fuzzer sends is refused.
    around(() => ({
      idempotencyKey: idempotencyKey(),
      purpose: "entry",
      competitionId: OPEN_COMPETITION,
      amount: OPEN_FEE_KES,
      currency: "KES",
      phone: "+254712345678",
      email: "fuzz@example.com",
    })),
  ],
  ["verifyPaymentCode", around(() => ({ paymentId: "missing00000000", code: "123456" }))],
  ["resendPaymentCode", around(() => ({ paymentId: "missing00000000" }))],
  [
    "submitEntry",
    around(() => ({
      paymentId: "missing00000000",
      category: "Solo",
      title: "Fuzz",
      link: "https://example.com/fuzz",
      description: "A fuzzed entry",
    })),
  ],
  ["getPaymentStatus", around(() => ({ paymentId: "missing00000000" }))],
];

beforeAll(seedCompetitions);

describe(`fuzzing (seed ${seed})`, () => {
  it.each(callables)(
    `%s: ${CALLABLE_RUNS} cases never answer internal and write only what they accept`,
    async (name, payload) => {
      const { accepted, user } = await fuzzCallable(name, payload, {
        operator: OPERATOR_CALLABLES.has(name),
        writes: CALLER_WRITES,
      });
      expect(await hasPin(user)).toBe(name === "setPin" && accepted > 0);
    },
    240_000,
  );

  it.each([
    [
      "mpesaCallback with its path secret",
      "mpesaCallback",
      `/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`,
      {},
      HTTP_RUNS,
    ],
    ["mpesaCallback with a wrong secret", "mpesaCallback", "/wrong-secret", {}, HTTP_RUNS],
    [
      "iotecCallback with its header secret",
      "iotecCallback",
      "",
      { [IOTEC.callbackHeader]: emulatorSecrets.IOTEC_CALLBACK_SECRET ?? "" },
      HTTP_RUNS,
    ],
    ["iotecCallback without a secret", "iotecCallback", "", {}, HTTP_RUNS],
    [
      "darajaResult with its path secret, for a payout",
      "darajaResult",
      `/${emulatorSecrets.MPESA_RESULT_SECRET ?? ""}/payout/withdrawal-${"0".repeat(32)}`,
      {},
      HTTP_RUNS,
    ],
    [
      "darajaResult with its path secret, for a status request",
      "darajaResult",
      `/${emulatorSecrets.MPESA_RESULT_SECRET ?? ""}/status/withdrawal-${"1".repeat(32)}`,
      {},
      HTTP_RUNS,
    ],
    ["darajaResult with a wrong secret", "darajaResult", "/wrong-secret/payout/x", {}, HTTP_RUNS],
    ["health", "health", "", {}, HTTP_RUNS],
    ["vtpassWebhook", "vtpassWebhook", "", {}, WEBHOOK_RUNS],
  ])(
    `%s answers random methods and bodies without a 5xx`,
    async (_label, name, suffix, headers, runs) => {
      const url = `${await functionUrl(name, REGION)}${suffix}`;
      const method = fc.constantFrom("POST", "PUT", "GET", "DELETE", "OPTIONS");
      const body = fc.oneof(
        nasty.map((value) => (JSON.stringify(value) as string | undefined) ?? "null"),
        fc.string({ maxLength: 500 }),
      );
      await fc.assert(
        fc.asyncProperty(method, body, async (verb, text) => {
          const response = await fetch(url, {
            method: verb,
            headers: { "Content-Type": "application/json", "X-Forwarded-For": randomIp(), ...headers },
            ...(verb === "GET" || verb === "OPTIONS" ? {} : { body: text }),
          });
          await response.arrayBuffer();
          expect(response.status, `${verb} ${text.slice(0, 80)}`).toBeLessThan(500);
        }),
        { numRuns: runs, seed },
      );
    },
    240_000,
  );
});

describe(`fuzzing paystackWebhook (seed ${seed})`, () => {
  const key = emulatorSecrets.PAYSTACK_SECRET_KEY ?? "";
  const sign = (text: string): string => createHmac("sha512", key).update(text).digest("hex");
  // Bodies near Paystack's shape (a charge for references it never issued) and far from it.
  const event = fc.record({
    event: fc.oneof(fc.constantFrom("charge.success", "transfer.success", "refund.processed"), nasty),
    data: fc.oneof(
      fc.record({
        id: fc.oneof(fc.nat(), nasty),
        reference: fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{1,30}$/), nasty),
      }),
      nasty,
    ),
  });
  const body = fc.oneof(
    event.map((value) => JSON.stringify(value)),
    nasty.map((value) => (JSON.stringify(value) as string | undefined) ?? "null"),
    fc.string({ maxLength: 500 }),
  );

  it.each([
    ["signed with the secret key", WEBHOOK_RUNS, (text: string) => sign(text)],
    ["with a wrong signature", HTTP_RUNS, (text: string) => sign(`${text} `)],
    ["without a signature", HTTP_RUNS, () => undefined],
  ])(
    `%s answers %i random methods and bodies without a 5xx`,
    async (_label, runs, signature) => {
      const url = await functionUrl("paystackWebhook", REGION);
      const method = fc.constantFrom("POST", "POST", "POST", "PUT", "GET", "OPTIONS");
      await fc.assert(
        fc.asyncProperty(method, body, async (verb, text) => {
          const signed = signature(text);
          const response = await fetch(url, {
            method: verb,
            headers: {
              "Content-Type": "application/json",
              "X-Forwarded-For": randomIp(),
              ...(signed === undefined ? {} : { "x-paystack-signature": signed }),
            },
            ...(verb === "GET" || verb === "OPTIONS" ? {} : { body: text }),
          });
          await response.arrayBuffer();
          expect(response.status, `${verb} ${text.slice(0, 80)}`).toBeLessThan(500);
        }),
        { numRuns: runs, seed },
      );
    },
    600_000,
  );
});

describe(`fuzzing payout results (seed ${seed})`, () => {
  const secret = emulatorSecrets.MPESA_RESULT_SECRET ?? "";
  const hex32 = fc.stringMatching(/^[a-f0-9]{32}$/);
  // Daraja-shaped results for payouts Malipo never made (parameters by Key, any order, nasty
  // values) and bodies far from that shape, at every result path.
  const parameter = fc.record({
    Key: fc.oneof(
      fc.constantFrom(
        "TransactionAmount",
        "TransactionReceipt",
        "B2CUtilityAccountAvailableFunds",
        "TransactionStatus",
      ),
      nasty,
    ),
    Value: fc.oneof(fc.integer({ min: -5, max: 1_000_000 }), fc.string({ maxLength: 40 }), nasty),
  });
  const result = fc.record({
    Result: fc.record({
      ResultType: fc.oneof(fc.constant(0), nasty),
      ResultCode: fc.oneof(fc.constantFrom(0, 1, 2001, 2040, "R000001", "0"), nasty),
      ResultDesc: fc.oneof(fc.string({ maxLength: 100 }), nasty),
      OriginatorConversationID: fc.oneof(
        hex32.map((hex) => `withdrawal-${hex}`),
        nasty,
      ),
      TransactionID: fc.oneof(fc.stringMatching(/^[A-Z0-9]{10}$/), nasty),
      ResultParameters: fc.oneof(
        fc.record({ ResultParameter: fc.oneof(fc.array(parameter, { maxLength: 6 }), parameter) }),
        nasty,
      ),
    }),
  });
  const body = fc.oneof(
    result.map((value) => JSON.stringify(value)),
    nasty.map((value) => (JSON.stringify(value) as string | undefined) ?? "null"),
  );
  const path = fc.tuple(
    fc.constantFrom("payout", "payout-timeout", "status", "status-timeout", "reversal", "reversal-timeout", "other"),
    fc.oneof(
      hex32.map((hex) => `withdrawal-${hex}`),
      hex32.map((hex) => `refund-${hex}`),
      fc.string({ maxLength: 40 }),
    ),
  );

  it(`darajaResult answers ${WEBHOOK_RUNS} random results at every path without a 5xx`, async () => {
    const url = await functionUrl("darajaResult", REGION);
    await fc.assert(
      fc.asyncProperty(path, body, async ([what, id], text) => {
        const response = await fetch(`${url}/${secret}/${what}/${encodeURIComponent(id)}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Forwarded-For": randomIp() },
          body: text,
        });
        await response.arrayBuffer();
        expect(response.status, `${what}/${id} ${text.slice(0, 80)}`).toBeLessThan(500);
      }),
      { numRuns: WEBHOOK_RUNS, seed },
    );
  }, 600_000);

  it(`iotecCallback answers ${WEBHOOK_RUNS} disbursement-shaped callbacks for unknown payouts without a 5xx`, async () => {
    const url = await functionUrl("iotecCallback", REGION);
    const callback = fc.record({
      id: fc.oneof(fc.uuid(), nasty),
      externalId: fc.oneof(
        hex32.map((hex) => `withdrawal-${hex}`),
        hex32.map((hex) => `refund-${hex}`),
      ),
      status: fc.oneof(fc.constantFrom("Success", "Failed", "SentToVendor"), nasty),
      amount: fc.oneof(fc.nat(), nasty),
    });
    await fc.assert(
      fc.asyncProperty(callback, async (value) => {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "X-Forwarded-For": randomIp(),
            [IOTEC.callbackHeader]: emulatorSecrets.IOTEC_CALLBACK_SECRET ?? "",
          },
          body: JSON.stringify(value),
        });
        await response.arrayBuffer();
        expect(response.status, JSON.stringify(value).slice(0, 120)).toBeLessThan(500);
      }),
      { numRuns: WEBHOOK_RUNS, seed },
    );
  }, 600_000);
});
