// createStore: a shop opens its books. The store and its owner's membership are created together,
// under an id derived from the caller and their idempotency key, so a repeated call (a retry after
// a lost answer) returns the same store and never opens a second one.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { sha256Hex } from "../shared/hashing.js";
import { STAFF, STORES } from "./collections.js";
import type { CreateStoreInput } from "./schemas.js";

export interface PosDeps {
  readonly db: Firestore;
  readonly now: () => number;
}

export interface StoreView {
  readonly storeId: string;
  readonly name: string;
  readonly currency: CreateStoreInput["currency"];
}

export async function createStore(input: CreateStoreInput, caller: Caller, deps: PosDeps): Promise<StoreView> {
  const { db } = deps;
  await enforceRateLimits(db, "createStore", caller, deps.now());
  const storeId = `s${sha256Hex(`${caller.uid}|${input.idempotencyKey}`).slice(0, 20)}`;
  const storeRef = STORES.ref(db).doc(storeId);
  return db.runTransaction(async (tx) => {
    const existing = (await tx.get(storeRef)).data();
    if (existing) {
      if (existing.ownerUid !== caller.uid || existing.name !== input.name || existing.currency !== input.currency) {
        throw new AppError(
          "already-exists",
          "idempotencyKey: this key already opened a different store; use a new key for a new store.",
        );
      }
      return { storeId, name: existing.name, currency: existing.currency };
    }
    const at = Timestamp.fromMillis(deps.now());
    tx.create(storeRef, { name: input.name, currency: input.currency, ownerUid: caller.uid, createdAt: at });
    tx.create(STAFF.under(storeRef).doc(caller.uid), {
      uid: caller.uid,
      role: "owner",
      addedBy: caller.uid,
      addedAt: at,
    });
    return { storeId, name: input.name, currency: input.currency };
  });
}
