// Publishing a competition's results (competitions/{id}/results/{entryId}): an operator, through
// the publishResults callable or `npm run admin -- publish-results <id>`, once judging has closed.
// The results are computed from the scores (ranking.ts) and written first; the competition's
// `resultsPublishedAt` is set last, in a transaction, and that is what makes them readable
// (firestore.rules): a publication that stops half-way shows nothing and is simply run again. Once
// published, a competition's results never change: publishing again answers the stored results.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";

import type { Caller } from "../core/callable.js";
import { defineCollection } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { ADMIN_AUDIT } from "../operations/admin-audit.js";
import { COMPETITIONS, type Competition } from "./competitions.js";
import { ENTRIES, SCORES } from "./entries.js";
import { averageText, rankEntries, type EntryResult } from "./ranking.js";
import type { PublishResultsInput } from "./schemas.js";

/**
 * One entry's published result: public once the competition is published, so it names the entry
 * (category, title) but not its entrant, and carries no judge's comment. Nothing in it depends on
 * when it was computed, so two publications of the same scores write the same documents.
 */
export const resultSchema = z.object({
  competitionId: z.string(),
  entryId: z.string(),
  category: z.string(),
  title: z.string(),
  scoreCount: z.number().int().nonnegative(),
  scoreTotal: z.number().int().nonnegative(),
  averageHundredths: z.number().int().nonnegative().nullable(),
  rank: z.number().int().positive().nullable(),
  categorySize: z.number().int().positive(),
  /** Where it is listed among all the competition's results (0 first): category, then rank. */
  position: z.number().int().nonnegative(),
});
export type ResultRecord = z.infer<typeof resultSchema>;

export const RESULTS = defineCollection("competitions/{competitionId}/results", resultSchema);

/** Who publishes: an operator through the callable, or someone running `npm run admin`. */
export interface Publisher {
  /** The operator's uid, when they published through the callable. */
  readonly uid?: string;
  /** What the audit records as the actor, e.g. "operator <uid> (publishResults)". */
  readonly by: string;
}

export interface ResultLine {
  readonly entryId: string;
  readonly title: string;
  readonly rank: number | null;
  /** "7.50", or null when nobody scored the entry. */
  readonly average: string | null;
  readonly scores: number;
}

export interface PublishedResults {
  readonly competitionId: string;
  readonly name: string;
  /** ISO time the results were published (the first publication's, on a repeat). */
  readonly resultsPublishedAt: string;
  /** true when this call published them; false when they were already out. */
  readonly published: boolean;
  readonly entries: number;
  readonly scored: number;
  readonly categories: readonly { readonly category: string; readonly results: readonly ResultLine[] }[];
}

/** Results written per batch: well under a commit's limits, whatever a title's length. */
const BATCH = 200;
/** Entries whose scores are read at once. */
const PARALLEL_READS = 20;

function day(at: Timestamp): string {
  return `${at.toDate().toISOString().replace("T", " ").slice(0, 16)} UTC`;
}

function viewOf(
  competitionId: string,
  competition: Competition,
  publishedAt: Timestamp,
  published: boolean,
  results: readonly (EntryResult | ResultRecord)[],
): PublishedResults {
  const categories: { category: string; results: ResultLine[] }[] = [];
  for (const result of results) {
    let group = categories.at(-1);
    if (group?.category !== result.category) {
      group = { category: result.category, results: [] };
      categories.push(group);
    }
    group.results.push({
      entryId: result.entryId,
      title: result.title,
      rank: result.rank,
      average: result.averageHundredths === null ? null : averageText(result.averageHundredths),
      scores: result.scoreCount,
    });
  }
  return {
    competitionId,
    name: competition.name,
    resultsPublishedAt: publishedAt.toDate().toISOString(),
    published,
    entries: results.length,
    scored: results.filter((r) => r.scoreCount > 0).length,
    categories,
  };
}

/** The published results in their listing order (by category as the competition lists them, then rank). */
async function storedResults(db: Firestore, competitionId: string): Promise<ResultRecord[]> {
  const snapshot = await RESULTS.under(COMPETITIONS.ref(db).doc(competitionId)).orderBy("position").get();
  return snapshot.docs.map((d) => d.data());
}

/** Every entry of the competition with its judges' scores. */
async function scoredEntries(db: Firestore, competitionId: string) {
  const entries = await ENTRIES.ref(db).where("competitionId", "==", competitionId).get();
  const scored = [];
  for (let at = 0; at < entries.docs.length; at += PARALLEL_READS) {
    const chunk = entries.docs.slice(at, at + PARALLEL_READS);
    scored.push(
      ...(await Promise.all(
        chunk.map(async (entry) => {
          const scores = await SCORES.under(entry.ref).get();
          return {
            entryId: entry.id,
            category: entry.data().category,
            title: entry.data().title,
            // A score of another competition cannot be written (firestore.rules); skipped all the same.
            scores: scores.docs
              .map((s) => s.data())
              .filter((s) => s.competitionId === competitionId)
              .map((s) => s.score),
          };
        }),
      )),
    );
  }
  return scored;
}

/**
 * Publishes the results of `competitionId` at `now`, or answers them as they were published. Refused
 * with a sentence for an unknown competition and while judging is open. Every call is audited.
 */
export async function publishCompetitionResults(
  db: Firestore,
  competitionId: string,
  publisher: Publisher,
  now: number,
): Promise<PublishedResults> {
  const competitionRef = COMPETITIONS.ref(db).doc(competitionId);
  const audit = (changed: boolean) =>
    ADMIN_AUDIT.ref(db)
      .doc()
      .create({
        action: "publish-results",
        competitionId,
        ...(publisher.uid === undefined ? {} : { uid: publisher.uid }),
        changed,
        by: publisher.by,
        at: Timestamp.fromMillis(now),
      });
  const competition = (await competitionRef.get()).data();
  if (!competition) {
    throw new AppError("not-found", "competitionId: there is no such competition. Check its id (competitions/{id}).");
  }
  if (competition.resultsPublishedAt) {
    const stored = await storedResults(db, competitionId);
    await audit(false);
    return viewOf(competitionId, competition, competition.resultsPublishedAt, false, stored);
  }
  if (now < competition.judgingClosesAt.toMillis()) {
    throw new AppError(
      "failed-precondition",
      `competitionId: judging of ${competition.name} is open until ${day(competition.judgingClosesAt)}; publish the results after that.`,
    );
  }

  const results = rankEntries(await scoredEntries(db, competitionId), competition.categories);
  const resultsRef = RESULTS.under(competitionRef);
  // Documents left by an earlier attempt whose entry has gone would be published with the rest.
  const kept = new Set(results.map((r) => r.entryId));
  const stale = (await resultsRef.select().get()).docs.filter((d) => !kept.has(d.id));
  for (let at = 0; at < Math.max(results.length, stale.length); at += BATCH) {
    const batch = db.batch();
    results.slice(at, at + BATCH).forEach((result, index) => {
      const { entryId, category, title, scoreCount, scoreTotal, averageHundredths, rank, categorySize } = result;
      batch.set(resultsRef.doc(entryId), {
        competitionId,
        entryId,
        category,
        title,
        scoreCount,
        scoreTotal,
        averageHundredths,
        rank,
        categorySize,
        position: at + index,
      });
    });
    for (const old of stale.slice(at, at + BATCH)) batch.delete(old.ref);
    await batch.commit();
  }

  // The mark makes them public. Another operator may have published meanwhile: theirs stands (the
  // same results, computed from the same closed scores).
  const publishedAt = Timestamp.fromMillis(now);
  const first = await db.runTransaction(async (tx) => {
    const latest = (await tx.get(competitionRef)).data();
    if (!latest) throw new AppError("not-found", "competitionId: this competition was deleted while publishing.");
    if (latest.resultsPublishedAt) return latest.resultsPublishedAt;
    tx.update(competitionRef, { resultsPublishedAt: publishedAt });
    return null;
  });
  await audit(first === null);
  return viewOf(competitionId, competition, first ?? publishedAt, first === null, results);
}

/** publishResults (operators only): the callable's edge around publishCompetitionResults. */
export async function publishResults(
  input: PublishResultsInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<PublishedResults> {
  if (caller.admin !== true) {
    throw new AppError(
      "permission-denied",
      "Only operators can publish results: sign in with an operator account (npm run admin -- grant <email>).",
    );
  }
  await enforceRateLimits(deps.db, "publishResults", caller, deps.now());
  return publishCompetitionResults(
    deps.db,
    input.competitionId,
    { uid: caller.uid, by: `operator ${caller.uid} (publishResults)` },
    deps.now(),
  );
}
