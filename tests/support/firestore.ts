// Reading what the functions wrote, through the Admin SDK against the Firestore emulator.
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

import { PROJECT_ID } from "./emulators.ts";
import { eventually } from "./eventually.ts";

export { eventually };

export function adminDb(): Firestore {
  return getFirestore(getApps()[0] ?? initializeApp({ projectId: PROJECT_ID }));
}

/**
 * The emulator's Firestore, except that its transactions numbered in `failing` (0 is the first
 * `runTransaction` call) fail as the emulator fails one it closed after letting it wait too long
 * (INVALID_ARGUMENT, which the client does not retry).
 */
export function failingTransactions(failing: readonly number[]): Firestore {
  const db = adminDb();
  let calls = 0;
  return new Proxy(db, {
    get(target, property) {
      // Read once per call: the code under test calls db.runTransaction(...) directly.
      if (property === "runTransaction" && failing.includes(calls++)) {
        return () =>
          Promise.reject(Object.assign(new Error("3 INVALID_ARGUMENT: Transaction is invalid or closed"), { code: 3 }));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function paymentDoc(paymentId: string): Promise<Record<string, unknown> | undefined> {
  return (await adminDb().collection("payments").doc(paymentId).get()).data();
}

export async function paymentStatus(paymentId: string): Promise<unknown> {
  return (await paymentDoc(paymentId))?.status;
}

export async function waitForStatus(
  paymentId: string,
  status: string,
  timeoutMs?: number,
): Promise<Record<string, unknown> | undefined> {
  return eventually(
    () => paymentDoc(paymentId),
    (doc) => doc?.status === status,
    timeoutMs,
  );
}

export async function paymentEvents(paymentId: string): Promise<Record<string, unknown>[]> {
  const snapshot = await adminDb().collection("payments").doc(paymentId).collection("events").orderBy("at").get();
  return snapshot.docs.map((doc) => doc.data());
}

export async function mailFor(paymentId: string): Promise<Record<string, unknown>[]> {
  const snapshot = await adminDb().collection("mail").where("paymentId", "==", paymentId).get();
  return snapshot.docs.map((doc) => doc.data());
}
