// The results of a competition, computed from its entries and their judges' scores. Pure (no
// Firestore), so the arithmetic and the order of ties are unit-tested, and publishing twice computes
// the same results from the same scores.
//
// Integers only: an entry's average is kept as its total and the number of scores (the exact
// fraction), compared by cross-multiplication, and shown in hundredths rounded half up. Within a
// category entries are ranked by average, highest first, with competition ranking: equal averages
// share a rank and the next rank skips (1, 2, 2, 4). Entries nobody scored have no rank and come
// last. The listing order is total: rank, then title, then entry id, so ties are always listed the
// same way.

export interface ScoredEntry {
  readonly entryId: string;
  readonly category: string;
  readonly title: string;
  /** Each judge's score, 0 to 10. */
  readonly scores: readonly number[];
}

export interface EntryResult {
  readonly entryId: string;
  readonly category: string;
  readonly title: string;
  /** How many judges scored it. */
  readonly scoreCount: number;
  /** The sum of its scores. */
  readonly scoreTotal: number;
  /** The average in hundredths, rounded half up (750 is 7.50); null when nobody scored it. */
  readonly averageHundredths: number | null;
  /** 1 for the best in its category; shared by equal averages; null when nobody scored it. */
  readonly rank: number | null;
  /** How many entries its category has (scored or not). */
  readonly categorySize: number;
}

/** total / count in hundredths, rounded half up, in integers: floor((200 x total + count) / 2 count). */
export function averageHundredths(total: number, count: number): number {
  return Math.floor((200 * total + count) / (2 * count));
}

/** "7.50": an average in hundredths as the pages show it. */
export function averageText(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}`;
}

/** Which of two scored entries averages higher: negative when `a` does (exact, by cross-multiplying). */
function byAverage(a: EntryResult, b: EntryResult): number {
  return b.scoreTotal * a.scoreCount - a.scoreTotal * b.scoreCount;
}

function byListing(a: EntryResult, b: EntryResult): number {
  if (a.title !== b.title) return a.title < b.title ? -1 : 1;
  return a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0;
}

/** The results of every entry, ordered by category (as `categories` lists them, others after), then rank. */
export function rankEntries(entries: readonly ScoredEntry[], categories: readonly string[] = []): EntryResult[] {
  const byCategory = new Map<string, EntryResult[]>();
  for (const entry of entries) {
    const scoreCount = entry.scores.length;
    const scoreTotal = entry.scores.reduce((sum, score) => sum + score, 0);
    const result: EntryResult = {
      entryId: entry.entryId,
      category: entry.category,
      title: entry.title,
      scoreCount,
      scoreTotal,
      averageHundredths: scoreCount === 0 ? null : averageHundredths(scoreTotal, scoreCount),
      rank: null,
      categorySize: 0,
    };
    byCategory.set(entry.category, [...(byCategory.get(entry.category) ?? []), result]);
  }
  const order = (category: string) => {
    const at = categories.indexOf(category);
    return at === -1 ? categories.length : at;
  };
  const names = [...byCategory.keys()].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  const ranked: EntryResult[] = [];
  for (const category of names) {
    const all = byCategory.get(category) ?? [];
    const scored = all.filter((r) => r.scoreCount > 0).sort((a, b) => byAverage(a, b) || byListing(a, b));
    const unscored = all.filter((r) => r.scoreCount === 0).sort(byListing);
    scored.forEach((result, index) => {
      const previous = index > 0 ? ranked.at(-1) : undefined;
      const rank = previous && byAverage(previous, result) === 0 ? (previous.rank ?? index + 1) : index + 1;
      ranked.push({ ...result, rank, categorySize: all.length });
    });
    for (const result of unscored) ranked.push({ ...result, categorySize: all.length });
  }
  return ranked;
}
