// Competitions (competitions/{id}) and their judges (competitions/{id}/judges/{uid}). Operators
// manage competitions in the Firestore console (seeded locally by tools/seed.ts) and appoint
// judges with `npm run admin -- judge <email> <competitionId>`. The entry fee is the server's:
// createPayment asks entryAmount() what an entry costs and refuses any other amount.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { COLLECTION_CURRENCIES } from "../shared/catalog.js";
import { formatMoney } from "../shared/money.js";

const timestamp = z.instanceof(Timestamp);

export const competitionSchema = z.object({
  name: z.string().min(1),
  /** The entry fee per currency, in minor units; a currency not listed takes no entries. */
  entryFee: z.partialRecord(z.enum(COLLECTION_CURRENCIES), z.number().int().positive()),
  opensAt: timestamp,
  closesAt: timestamp,
  categories: z.array(z.string().min(1)).min(1),
  /** Judges score until then; after it, scores are final. */
  judgingClosesAt: timestamp,
  /** Set by an operator when the results are out: from then on entrants read their scores. */
  resultsPublishedAt: timestamp.nullable(),
});
export type Competition = z.infer<typeof competitionSchema>;

export const COMPETITIONS = defineCollection("competitions", competitionSchema);

/** A judge of one competition: the document's existence is the appointment (firestore.rules). */
export const JUDGES = defineCollection(
  "competitions/{competitionId}/judges",
  z.object({ uid: z.string(), email: z.string(), appointedAt: timestamp, appointedBy: z.string() }),
);

export function judgeRef(db: Firestore, competitionId: string, uid: string) {
  return JUDGES.under(COMPETITIONS.ref(db).doc(competitionId)).doc(uid);
}

/** Whether entries are taken at `now`: opened, not yet closed. */
export function isOpen(competition: Competition, now: number): boolean {
  return competition.opensAt.toMillis() <= now && now < competition.closesAt.toMillis();
}

/** The competition, or the sentence for one that cannot take an entry at `now`. */
export async function openCompetition(db: Firestore, competitionId: string, now: number): Promise<Competition> {
  const competition = (await COMPETITIONS.ref(db).doc(competitionId).get()).data();
  if (!competition) {
    throw new AppError("not-found", "competitionId: there is no such competition. Pick one from the list.");
  }
  if (now < competition.opensAt.toMillis()) {
    throw new AppError(
      "failed-precondition",
      `competitionId: ${competition.name} opens for entries on ${day(competition.opensAt)}.`,
    );
  }
  if (now >= competition.closesAt.toMillis()) {
    throw new AppError(
      "failed-precondition",
      `competitionId: ${competition.name} closed for entries on ${day(competition.closesAt)}.`,
    );
  }
  return competition;
}

function day(at: Timestamp): string {
  return `${at.toDate().toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

/**
 * What an entry costs, decided by the server: the competition's fee in the payment's currency.
 * The client sends the amount it shows (so the payer sees what they approve), and anything else is
 * refused rather than corrected: a page showing a stale fee must not charge a different one
 * silently, and a tampered amount (a KES 1 entry) never becomes a payment. Money rule 50.
 */
export async function entryAmount(
  db: Firestore,
  request: {
    readonly competitionId: string;
    readonly currency: (typeof COLLECTION_CURRENCIES)[number];
    readonly amount: number;
  },
  now: number,
): Promise<number> {
  const competition = await openCompetition(db, request.competitionId, now);
  const fee = competition.entryFee[request.currency];
  if (fee === undefined) {
    const taken = Object.keys(competition.entryFee).join(", ");
    throw new AppError(
      "invalid-argument",
      `currency: ${competition.name} takes entries in ${taken || "no currency yet"}, not ${request.currency}.`,
    );
  }
  if (request.amount !== fee) {
    throw new AppError(
      "invalid-argument",
      `amount: the entry fee for ${competition.name} is ${formatMoney(fee, request.currency)}. Reload the page to see the current fee.`,
    );
  }
  return fee;
}
