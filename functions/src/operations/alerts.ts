// alerts/{id}: what operators must look at. An alert raised under a deterministic id is raised
// once: a repeat of the same cause finds it there and changes nothing.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

import { createOnce } from "../core/collections.js";
import { ALERTS } from "../payments/collections.js";

export async function raiseAlert(
  db: Firestore,
  id: string,
  type: string,
  detail: Record<string, unknown>,
  now: number,
): Promise<boolean> {
  return createOnce(ALERTS.ref(db).doc(id), { type, detail, createdAt: Timestamp.fromMillis(now), resolved: false });
}
