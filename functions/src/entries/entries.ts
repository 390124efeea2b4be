// Entries (entries/{paymentId}) and their judges' scores (entries/{paymentId}/scores/{judgeUid}).
// An entry is submitted once per paid, verified entry payment, while its competition is open; the
// payment id is the entry's id, so a second entry for one payment cannot exist. Scores are
// written by judges themselves, through firestore.rules (docs/contests.md says why).
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";

import type { Caller } from "../core/callable.js";
import { defineCollection } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { noSuchPayment, paymentsCollection } from "../payments/records.js";
import { appendEvent } from "../payments/transitions.js";
import { COMPETITIONS, isOpen } from "./competitions.js";
import type { SubmitEntryInput } from "./schemas.js";

const timestamp = z.instanceof(Timestamp);

export const entrySchema = z.object({
  uid: z.string(),
  competitionId: z.string(),
  category: z.string(),
  title: z.string(),
  link: z.string(),
  description: z.string(),
  submittedAt: timestamp,
});
export type EntryRecord = z.infer<typeof entrySchema>;

export const ENTRIES = defineCollection("entries", entrySchema);

/** One judge's score of one entry; the document id is the judge's uid (one score each). */
export const SCORES = defineCollection(
  "entries/{paymentId}/scores",
  z.object({
    competitionId: z.string(),
    score: z.number().int().min(0).max(10),
    comment: z.string(),
    updatedAt: timestamp,
  }),
);

export interface EntryView {
  readonly paymentId: string;
  readonly competitionId: string;
  readonly category: string;
  readonly title: string;
}

export async function submitEntry(
  input: SubmitEntryInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<EntryView> {
  const { db } = deps;
  await enforceRateLimits(db, "submitEntry", caller, deps.now());
  const paymentRef = paymentsCollection(db).doc(input.paymentId);
  const entryRef = ENTRIES.ref(db).doc(input.paymentId);
  return db.runTransaction(async (tx): Promise<EntryView> => {
    const [paymentSnap, entrySnap] = await Promise.all([tx.get(paymentRef), tx.get(entryRef)]);
    const payment = paymentSnap.data();
    if (payment?.uid !== caller.uid) throw noSuchPayment();
    const entry = entrySnap.data();
    const view = (e: EntryRecord) => ({
      paymentId: input.paymentId,
      competitionId: e.competitionId,
      category: e.category,
      title: e.title,
    });
    if (entry) {
      // The same submission again (a retry after a lost answer) is the entry already made.
      const same =
        entry.category === input.category &&
        entry.title === input.title &&
        entry.link === input.link &&
        entry.description === input.description;
      if (same) return view(entry);
      throw new AppError(
        "already-exists",
        "paymentId: this payment's entry is already submitted; each payment is one entry.",
      );
    }
    if (payment.purpose !== "entry" || !payment.competitionId) {
      throw new AppError("failed-precondition", "paymentId: this payment is not a competition entry.");
    }
    if (payment.status !== "succeeded") {
      throw new AppError(
        "failed-precondition",
        "paymentId: this entry is not paid yet. Submit it once the payment succeeds.",
      );
    }
    if (!payment.verified) {
      throw new AppError(
        "failed-precondition",
        "paymentId: confirm the code we emailed you before submitting the entry.",
      );
    }
    const competitionRef = COMPETITIONS.ref(db).doc(payment.competitionId);
    const competition = (await tx.get(competitionRef)).data();
    if (!competition)
      throw new AppError("failed-precondition", "paymentId: this entry's competition no longer exists.");
    if (!isOpen(competition, deps.now())) {
      throw new AppError(
        "failed-precondition",
        `${competition.name} is closed for entries. Contact us about your payment.`,
      );
    }
    if (!competition.categories.includes(input.category)) {
      throw new AppError(
        "invalid-argument",
        `category: must be one of ${competition.name}'s categories: ${competition.categories.join(", ")}.`,
      );
    }
    const record: EntryRecord = {
      uid: caller.uid,
      competitionId: payment.competitionId,
      category: input.category,
      title: input.title,
      link: input.link,
      description: input.description,
      submittedAt: Timestamp.fromMillis(deps.now()),
    };
    tx.create(entryRef, record);
    appendEvent(tx, paymentRef, { type: "entry-submitted", data: { category: input.category } });
    return view(record);
  });
}
