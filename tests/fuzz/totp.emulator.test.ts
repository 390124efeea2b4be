// Fuzzing of the second factor's callables (twofactor/): the same fixed seed and checks as the
// other fuzz files (tests/support/fuzz.ts), in their own file so it runs in its own worker. No case
// may answer internal, and none may turn two-step verification on (no case can know a code) or
// leave a step-up grant behind.
import type fc from "fast-check";
import { describe, expect, it } from "vitest";

import { adminDb } from "../support/firestore.ts";
import { around, CALLABLE_RUNS, fuzzCallable, seed } from "../support/fuzz.ts";

const callables: [string, fc.Arbitrary<unknown>][] = [
  ["startTwoFactorEnrolment", around(() => ({}))],
  ["confirmTwoFactorEnrolment", around(() => ({ code: "123456" }))],
  ["disableTwoFactor", around(() => ({ code: "123456" }))],
  ["disableTwoFactor", around(() => ({ recoveryCode: "7K3QM-X9D2A" }))],
  ["stepUp", around(() => ({ operation: "withdraw", amount: 300_00, currency: "KES", code: "123456" }))],
  ["stepUp", around(() => ({ operation: "changePin", recoveryCode: "7K3QM-X9D2A" }))],
];

describe(`fuzzing the second factor's callables (seed ${seed})`, () => {
  it.each(callables)(
    `%s: ${CALLABLE_RUNS} cases never answer internal and never enable 2FA nor grant a step-up`,
    async (name, payload) => {
      const { accepted, user } = await fuzzCallable(name, payload, { writes: { stepUpGrants: [] } });
      const record = (await adminDb().collection("twoFactor").doc(user.uid).get()).data();
      // Only a start is accepted (it writes a pending enrolment); nothing else can be without a code.
      expect(record?.status).toBe(name === "startTwoFactorEnrolment" && accepted > 0 ? "pending" : undefined);
      if (name !== "startTwoFactorEnrolment") expect(accepted).toBe(0);
    },
    240_000,
  );
});
