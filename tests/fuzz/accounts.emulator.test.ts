// Fuzzing of the accounts callables (sign out everywhere, remove or trust a device, change the
// email) and of the reserved deviceId field every callable accepts, with the shared seed and
// checks (tests/support/fuzz.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { adminDb } from "../support/firestore.ts";
import { around, CALLABLE_RUNS, fuzzCallable, nasty, seed } from "../support/fuzz.ts";

const DEVICE = "fuzzdevice0123456789";

const callables: [string, fc.Arbitrary<unknown>][] = [
  ["signOutEverywhere", around(() => ({ deviceId: DEVICE }))],
  ["removeDevice", around(() => ({ device: DEVICE, deviceId: DEVICE }))],
  ["setDeviceTrusted", around(() => ({ device: DEVICE, trusted: true, deviceId: DEVICE }))],
  // The fuzzing caller is anonymous: no case may start an email change (there is no email to change).
  ["requestEmailChange", around(() => ({ newEmail: "fuzz@example.com" }))],
  ["confirmEmailChange", around(() => ({ changeId: "0".repeat(32), code: "123456" }))],
  // The edge's reserved field, on a callable that is otherwise always valid.
  [
    "getWallet",
    fc.oneof(
      nasty.map((deviceId) => ({ deviceId })),
      around(() => ({ deviceId: DEVICE })),
    ),
  ],
];

describe(`fuzzing the accounts callables (seed ${seed})`, () => {
  it.each(callables)(
    `%s: ${CALLABLE_RUNS} cases never answer internal and write nothing of the caller's but devices`,
    async (name, payload) => {
      const { user } = await fuzzCallable(name, payload, {
        writes: { payments: [], withdrawals: [], bills: [], signIns: [], emailChanges: [] },
      });
      // Only valid device ids were recorded, each as its own document.
      const devices = await adminDb().collection("devices").where("uid", "==", user.uid).get();
      for (const doc of devices.docs) {
        expect(doc.id).toBe(`${user.uid}_${String(doc.get("deviceId"))}`);
        expect(String(doc.get("deviceId"))).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
      }
    },
    240_000,
  );
});
