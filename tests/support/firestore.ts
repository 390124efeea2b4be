// Reading what the functions wrote, through the Admin SDK against the Firestore emulator.
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

import { PROJECT_ID } from "./emulators.ts";

export function adminDb(): Firestore {
  return getFirestore(getApps()[0] ?? initializeApp({ projectId: PROJECT_ID }));
}

/** Polls `read` until `done` holds or the time runs out, then returns the last value. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
  timeoutMs = 15_000,
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
