// The results' arithmetic and order: averages in integer hundredths, competition ranking of ties,
// unscored entries last, and the same results whatever order the entries and scores come in.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { averageHundredths, averageText, rankEntries, type ScoredEntry } from "./ranking.js";

const entry = (entryId: string, category: string, scores: number[], title = entryId): ScoredEntry => ({
  entryId,
  category,
  title,
  scores,
});

describe("averages", () => {
  it("are hundredths rounded half up, in integers", () => {
    expect(averageHundredths(15, 2)).toBe(750);
    expect(averageHundredths(20, 3)).toBe(667); // 6.666…
    expect(averageHundredths(19, 3)).toBe(633); // 6.333…
    expect(averageHundredths(1, 8)).toBe(13); // 0.125 rounds up
    expect(averageHundredths(0, 4)).toBe(0);
    expect(averageHundredths(10, 1)).toBe(1000);
    expect(averageText(750)).toBe("7.50");
    expect(averageText(5)).toBe("0.05");
    expect(averageText(1000)).toBe("10.00");
  });

  it("match the exact average to within half a hundredth", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 50 }), (scores) => {
        const total = scores.reduce((a, b) => a + b, 0);
        const hundredths = averageHundredths(total, scores.length);
        expect(Math.abs(hundredths - (100 * total) / scores.length)).toBeLessThanOrEqual(0.5);
      }),
    );
  });
});

describe("rankEntries", () => {
  it("ranks each category by average, ties share a rank, unscored entries come last without one", () => {
    const results = rankEntries(
      [
        entry("e1", "Solo", [8, 7]), // 7.50
        entry("e2", "Solo", [9]), // 9.00
        entry("e3", "Solo", [6, 9]), // 7.50, tie with e1
        entry("e4", "Solo", [5]),
        entry("e5", "Solo", []),
        entry("g1", "Group", [3]),
        entry("g2", "Group", []),
      ],
      ["Solo", "Group", "Gospel"],
    );
    expect(results.map((r) => [r.entryId, r.rank, r.averageHundredths, r.categorySize])).toEqual([
      ["e2", 1, 900, 5],
      ["e1", 2, 750, 5],
      ["e3", 2, 750, 5],
      ["e4", 4, 500, 5],
      ["e5", null, null, 5],
      ["g1", 1, 300, 2],
      ["g2", null, null, 2],
    ]);
  });

  it("compares exact averages, not their rounded hundredths", () => {
    // 7/1 and 14/2 are the same average from different numbers of judges: a tie; 20/3 is below both.
    const results = rankEntries([entry("a", "Solo", [7]), entry("b", "Solo", [4, 10]), entry("c", "Solo", [6, 7, 7])]);
    expect(results.map((r) => [r.entryId, r.rank])).toEqual([
      ["a", 1],
      ["b", 1],
      ["c", 3],
    ]);
  });

  it("lists ties by title, then entry id, and categories the competition does not name last", () => {
    const results = rankEntries(
      [
        entry("z", "Solo", [5], "Alpha"),
        entry("y", "Solo", [5], "Alpha"),
        entry("x", "Solo", [5], "Beta"),
        entry("o", "Old", [1]),
      ],
      ["Solo"],
    );
    expect(results.map((r) => r.entryId)).toEqual(["y", "z", "x", "o"]);
  });

  it("gives the same results whatever order the entries and their scores come in", () => {
    const scored = fc.uniqueArray(
      fc.record({
        entryId: fc.string({ minLength: 1, maxLength: 4 }),
        category: fc.constantFrom("Solo", "Group"),
        title: fc.constantFrom("A", "B", "C"),
        scores: fc.array(fc.integer({ min: 0, max: 10 }), { maxLength: 4 }),
      }),
      { maxLength: 12, selector: (e) => e.entryId },
    );
    fc.assert(
      fc.property(scored, fc.infiniteStream(fc.integer()), (entries, shuffle) => {
        const reordered = entries
          .map((e) => ({ e: { ...e, scores: [...e.scores].reverse() }, key: shuffle.next().value }))
          .sort((a, b) => a.key - b.key)
          .map(({ e }) => e);
        expect(rankEntries(reordered, ["Solo", "Group"])).toEqual(rankEntries(entries, ["Solo", "Group"]));
      }),
    );
  });
});
