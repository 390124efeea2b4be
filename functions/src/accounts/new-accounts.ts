// New accounts per address, at creation: the beforeUserCreated blocking function counts each new
// account against the address Firebase Auth saw (the event's ipAddress, which the client does not
// write) and refuses the creation past the limit. Firebase Auth runs blocking functions only on
// projects upgraded to Identity Platform, and the Auth emulator calls them for email sign-ups
// only (not for anonymous ones, and always with 127.0.0.1), so the callable edge also counts the
// distinct accounts each address uses (session.ts): that limit holds wherever the code runs.
import type { Firestore } from "firebase-admin/firestore";

import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";

export interface CreationEvent {
  readonly ipAddress: string;
  readonly data?: { readonly uid: string } | undefined;
}

/** Counts the new account; throws resource-exhausted (with the wait) past the limit. */
export async function admitNewAccount(db: Firestore, event: CreationEvent, now: number): Promise<void> {
  const uid = event.data?.uid;
  if (!event.ipAddress || !uid) return;
  try {
    await enforceRateLimits(db, "accountCreated", { ip: event.ipAddress }, now, { attemptKey: uid });
  } catch (error) {
    if (error instanceof AppError && error.code === "resource-exhausted") throw error;
    // The limiter being unavailable must not stop every sign-up: the edge's count still holds.
    return;
  }
}
