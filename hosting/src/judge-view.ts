// Pure helpers for the judges' page and the published results: whether judging is open, what a
// judge typed as a score, and the words the pages use for scores, ranks and results. Free of the
// DOM and of Firestore so they are unit-tested.

export interface JudgedCompetition {
  readonly id: string;
  readonly name: string;
  readonly categories: readonly string[];
  readonly judgingClosesAtMs: number;
  readonly resultsPublished: boolean;
}

/** Judges score until judging closes, and never once the results are out (firestore.rules says the same). */
export function judgingOpen(competition: JudgedCompetition, now: number): boolean {
  return now < competition.judgingClosesAtMs && !competition.resultsPublished;
}

const DATE = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});

/** "Judging is open until 31 January 2100 at 21:00 UTC. …", or "Judging closed". */
export function judgingLine(competition: JudgedCompetition, now: number): string {
  if (judgingOpen(competition, now)) {
    return `Judging is open until ${DATE.format(new Date(competition.judgingClosesAtMs))} UTC. You can change your scores until then.`;
  }
  return competition.resultsPublished ? "Judging closed. The results are published." : "Judging closed";
}

export type ScoreInput =
  | { readonly ok: true; readonly score: number; readonly comment: string }
  | { readonly ok: false; readonly message: string };

/** A score as the judge typed it: a whole number 0 to 10, and a comment of at most 2,000 characters. */
export function parseScore(scoreText: string, commentText: string): ScoreInput {
  const text = scoreText.trim();
  if (!/^\d{1,2}$/.test(text) || Number(text) > 10) {
    return { ok: false, message: "Give a whole number from 0 to 10." };
  }
  const comment = commentText.trim();
  if (comment.length > 2_000) {
    return { ok: false, message: `Keep the comment to 2,000 characters (it has ${comment.length}).` };
  }
  return { ok: true, score: Number(text), comment };
}

/** "7 out of 10". */
export function scoreText(score: number): string {
  return `${score} out of 10`;
}

/** What a judge sees under an entry: their saved score, or that there is none yet. */
export function savedLine(score: number | undefined, open: boolean): string {
  if (score === undefined) return open ? "Not scored yet." : "You did not score this entry.";
  return open ? `Saved: ${scoreText(score)}.` : `Your score: ${scoreText(score)}.`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, … */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

export interface PublishedResult {
  readonly entryId: string;
  readonly category: string;
  readonly title: string;
  readonly scoreCount: number;
  readonly averageHundredths: number | null;
  readonly rank: number | null;
  readonly categorySize: number;
  readonly position: number;
}

/** "7.50": an average in hundredths. */
export function averageText(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
}

/** The entrant's line: "1st of 5 in Solo, average 7.50 from 2 judges", or that nobody scored it. */
export function rankLine(result: PublishedResult): string {
  if (result.rank === null || result.averageHundredths === null) {
    return `Not ranked in ${result.category}: no judge scored this entry.`;
  }
  const judges = result.scoreCount === 1 ? "1 judge" : `${result.scoreCount} judges`;
  return `${ordinal(result.rank)} of ${result.categorySize} in ${result.category}, average ${averageText(result.averageHundredths)} from ${judges}`;
}

/** One line of a public ranking: "1. Sauti ya Moyo · 7.50" (ties share the number). */
export function rankingLine(result: PublishedResult): string {
  if (result.rank === null || result.averageHundredths === null) return `–  ${result.title} · not scored`;
  return `${result.rank}. ${result.title} · ${averageText(result.averageHundredths)}`;
}

/** Results grouped by category, in the order they were published (category, then rank). */
export function byCategory(
  results: readonly PublishedResult[],
): { readonly category: string; readonly results: PublishedResult[] }[] {
  const groups: { category: string; results: PublishedResult[] }[] = [];
  for (const result of [...results].sort((a, b) => a.position - b.position)) {
    let group = groups.at(-1);
    if (group?.category !== result.category) {
      group = { category: result.category, results: [] };
      groups.push(group);
    }
    group.results.push(result);
  }
  return groups;
}
