// Reading what the functions wrote, through the Admin SDK against the Firestore emulator.
import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

import { PROJECT_ID } from "./emulators.ts";
import { eventually } from "./eventually.ts";

export { eventually };

export function adminDb(): Firestore {
  return getFirestore(getApps()[0] ?? initializeApp({ projectId: PROJECT_ID }));
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
