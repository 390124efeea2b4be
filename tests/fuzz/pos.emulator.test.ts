// Fuzzing of the point of sale's callables (createStore, registerTill) in a file of their own, so it
// runs in its own worker: the same fixed seed and checks as every callable (tests/support/fuzz.ts),
// and no case opens more stores or registers more tills than the cases that were accepted.
import type fc from "fast-check";
import { describe, expect, it } from "vitest";

import { idempotencyKey } from "../support/client.ts";
import { adminDb } from "../support/firestore.ts";
import { around, CALLABLE_RUNS, fuzzCallable, seed } from "../support/fuzz.ts";

const callables: [string, fc.Arbitrary<unknown>][] = [
  ["createStore", around(() => ({ idempotencyKey: idempotencyKey(), name: "Fuzz stall", currency: "MWK" }))],
  [
    "registerTill",
    around(() => ({ idempotencyKey: idempotencyKey(), storeId: "sfuzz0000000000000000", label: "Front" })),
  ],
];

describe(`fuzzing the point-of-sale callables (seed ${seed})`, () => {
  it.each(callables)(
    `%s: ${CALLABLE_RUNS} cases never answer internal and write only what they accept`,
    async (name, payload) => {
      const { accepted, user } = await fuzzCallable(name, payload);
      const db = adminDb();
      const stores = await db.collection("stores").where("ownerUid", "==", user.uid).get();
      const tills = await db.collectionGroup("tills").where("registeredBy", "==", user.uid).get();
      expect(stores.size).toBeLessThanOrEqual(name === "createStore" ? accepted : 0);
      // The fuzzing caller works at no store, so no till of theirs can exist.
      expect(tills.size).toBe(0);
    },
    240_000,
  );
});
