// Property-based fuzzing of the callable and HTTPS endpoints not covered elsewhere (createPayment
// has its own in functions/src/payments): random and adversarial input never produces `internal`
// or a 5xx. A failing run prints its seed; FUZZ_SEED=<seed> replays it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { REGION } from "../functions/src/core/region.ts";
import { IOTEC } from "../sandbox/src/settings.ts";
import { call, randomIp, signUpAnonymous } from "./support/client.ts";
import { functionUrl } from "./support/emulators.ts";
import { emulatorSecrets } from "./support/providers.ts";

const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

const nasty = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.constant("x".repeat(100_000)),
  fc.dictionary(
    fc.constantFrom("__proto__", "constructor", "prototype", "paymentId", "code", "id", "Body"),
    fc.anything({ maxDepth: 3 }),
  ),
);

describe("fuzzing", () => {
  it("verifyPaymentCode never answers internal", async () => {
    const user = await signUpAnonymous();
    const payload = fc.oneof(
      nasty,
      fc.record({ paymentId: nasty, code: nasty }),
      fc.record({ paymentId: fc.string(), code: fc.string() }),
    );
    await fc.assert(
      fc.asyncProperty(payload, async (data) => {
        const result = await call("verifyPaymentCode", data, { user, ip: randomIp() });
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.code).not.toBe("internal");
          expect(result.httpStatus).toBeLessThan(500);
        }
      }),
      { numRuns: 300, seed },
    );
  }, 120_000);

  it.each([
    ["mpesaCallback with its path secret", "mpesaCallback", `/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`, {}],
    ["mpesaCallback with a wrong secret", "mpesaCallback", "/wrong-secret", {}],
    [
      "iotecCallback with its header secret",
      "iotecCallback",
      "",
      { [IOTEC.callbackHeader]: emulatorSecrets.IOTEC_CALLBACK_SECRET ?? "" },
    ],
    ["iotecCallback without a secret", "iotecCallback", "", {}],
    ["health", "health", "", {}],
  ])(
    "%s answers any method and body without a 5xx",
    async (_label, name, suffix, headers) => {
      const url = `${await functionUrl(name, REGION)}${suffix}`;
      const method = fc.constantFrom("POST", "PUT", "GET", "DELETE");
      const body = fc.oneof(
        nasty.map((value) => (JSON.stringify(value) as string | undefined) ?? "null"),
        fc.string({ maxLength: 500 }),
      );
      await fc.assert(
        fc.asyncProperty(method, body, async (verb, text) => {
          const response = await fetch(url, {
            method: verb,
            headers: { "Content-Type": "application/json", ...headers },
            ...(verb === "GET" ? {} : { body: text }),
          });
          await response.arrayBuffer();
          expect(response.status, `${verb} ${text.slice(0, 80)}`).toBeLessThan(500);
        }),
        { numRuns: 100, seed },
      );
    },
    120_000,
  );
});
