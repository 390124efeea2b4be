// registerTill: a device joins a store and gets the code its receipts carry. Codes are random
// ("T" and five Crockford base-32 characters: 33 million of them) and claimed by creating
// tillCodes/{code} in the transaction that creates the till, so no two tills anywhere share one; a
// collision (rare) draws again. The till's id comes from the caller and their idempotency key, so
// a repeated registration returns the same till and code.
import { randomInt } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { sha256Hex } from "../shared/hashing.js";
import { STAFF, STORES, TILL_CODES, TILLS } from "./collections.js";
import type { RegisterTillInput } from "./schemas.js";
import type { PosDeps } from "./stores.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DRAWS = 8;

export function drawDeviceCode(): string {
  let code = "T";
  for (let i = 0; i < 5; i++) code += CROCKFORD.charAt(randomInt(CROCKFORD.length));
  return code;
}

export interface TillView {
  readonly storeId: string;
  readonly tillId: string;
  readonly deviceCode: string;
  readonly label: string;
}

export async function registerTill(
  input: RegisterTillInput,
  caller: Caller,
  deps: PosDeps,
  draw: () => string = drawDeviceCode,
): Promise<TillView> {
  const { db } = deps;
  await enforceRateLimits(db, "registerTill", caller, deps.now());
  const storeRef = STORES.ref(db).doc(input.storeId);
  const tillId = `t${sha256Hex(`${input.storeId}|${caller.uid}|${input.idempotencyKey}`).slice(0, 20)}`;
  const tillRef = TILLS.under(storeRef).doc(tillId);
  const staffRef = STAFF.under(storeRef).doc(caller.uid);
  for (let attempt = 0; attempt < DRAWS; attempt++) {
    const code = draw();
    const codeRef = TILL_CODES.ref(db).doc(code);
    const view = await db.runTransaction(async (tx) => {
      const [staff, till, taken] = await Promise.all([tx.get(staffRef), tx.get(tillRef), tx.get(codeRef)]);
      // The same answer for a store that does not exist and one the caller does not work at.
      if (!staff.exists) {
        throw new AppError(
          "permission-denied",
          "storeId: you are not on this store's staff; ask its owner to add you.",
        );
      }
      const existing = till.data();
      if (existing) {
        if (existing.registeredBy !== caller.uid || existing.label !== input.label) {
          throw new AppError(
            "already-exists",
            "idempotencyKey: this key already registered a different till; use a new key for a new till.",
          );
        }
        return { storeId: input.storeId, tillId, deviceCode: existing.deviceCode, label: existing.label };
      }
      if (taken.exists) return undefined;
      const at = Timestamp.fromMillis(deps.now());
      tx.create(codeRef, { storeId: input.storeId, tillId, createdAt: at });
      tx.create(tillRef, { deviceCode: code, label: input.label, registeredBy: caller.uid, createdAt: at });
      return { storeId: input.storeId, tillId, deviceCode: code, label: input.label };
    });
    if (view) return view;
  }
  throw new AppError("unavailable", "We could not find a free device code just now. Please try again.");
}
