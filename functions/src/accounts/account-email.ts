// The email Malipo knows an account by (accountEmails/{uid}), as the session check reads it: kept
// apart from the email change itself (email-change.ts) so the callable edge loads only this.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

import { createOnce } from "../core/collections.js";
import { ACCOUNT_EMAILS } from "./collections.js";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * For the session check: records the account's email the first time it is seen (the wallet was
 * kept with an email from the page), and answers the recorded address when Auth's differs.
 */
export async function emailDrift(db: Firestore, uid: string, authEmail: string, now: number) {
  const ref = ACCOUNT_EMAILS.ref(db).doc(uid);
  const email = normalizeEmail(authEmail);
  let recorded = (await ref.get()).data();
  if (!recorded) {
    if (await createOnce(ref, { email, confirmedAt: Timestamp.fromMillis(now), via: "first-seen" })) return undefined;
    // Another call recorded it first: that record stands.
    recorded = (await ref.get()).data();
  }
  return recorded === undefined || recorded.email === email ? undefined : recorded.email;
}

/** The address Malipo confirmed for the account, or Auth's when it has not recorded one yet. */
export async function confirmedEmail(db: Firestore, uid: string, authEmail: string): Promise<string> {
  return (await ACCOUNT_EMAILS.ref(db).doc(uid).get()).data()?.email ?? normalizeEmail(authEmail);
}
