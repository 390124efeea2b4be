import { describe, expect, it } from "vitest";

import {
  byCategory,
  judgingLine,
  judgingOpen,
  ordinal,
  parseScore,
  rankingLine,
  rankLine,
  savedLine,
  type JudgedCompetition,
  type PublishedResult,
} from "./judge-view";

const competition = (overrides: Partial<JudgedCompetition> = {}): JudgedCompetition => ({
  id: "c1",
  name: "Kenya Sings 2026",
  categories: ["Solo", "Group"],
  judgingClosesAtMs: Date.UTC(2100, 0, 31, 21, 0),
  resultsPublished: false,
  ...overrides,
});

const result = (overrides: Partial<PublishedResult> = {}): PublishedResult => ({
  entryId: "e1",
  category: "Solo",
  title: "Sauti ya Moyo",
  scoreCount: 2,
  averageHundredths: 750,
  rank: 1,
  categorySize: 5,
  position: 0,
  ...overrides,
});

describe("judging", () => {
  it("is open until judging closes, and never once the results are published", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(judgingOpen(competition(), now)).toBe(true);
    expect(judgingOpen(competition({ judgingClosesAtMs: now }), now)).toBe(false);
    expect(judgingOpen(competition({ resultsPublished: true }), now)).toBe(false);
    expect(judgingLine(competition(), now)).toBe(
      "Judging is open until 31 January 2100 at 21:00 UTC. You can change your scores until then.",
    );
    expect(judgingLine(competition({ judgingClosesAtMs: now - 1 }), now)).toBe("Judging closed");
    expect(judgingLine(competition({ resultsPublished: true }), now)).toBe(
      "Judging closed. The results are published.",
    );
  });

  it("takes a whole score from 0 to 10 and a comment of at most 2,000 characters", () => {
    expect(parseScore(" 7 ", "  Strong voice ")).toEqual({ ok: true, score: 7, comment: "Strong voice" });
    expect(parseScore("0", "")).toEqual({ ok: true, score: 0, comment: "" });
    expect(parseScore("10", "x".repeat(2_000))).toMatchObject({ ok: true, score: 10 });
    for (const bad of ["", "11", "-1", "6.5", "seven", "007"]) {
      expect(parseScore(bad, "")).toEqual({ ok: false, message: "Give a whole number from 0 to 10." });
    }
    expect(parseScore("5", "x".repeat(2_001))).toEqual({
      ok: false,
      message: "Keep the comment to 2,000 characters (it has 2001).",
    });
  });

  it("says what the judge saved, while open and after", () => {
    expect(savedLine(undefined, true)).toBe("Not scored yet.");
    expect(savedLine(8, true)).toBe("Saved: 8 out of 10.");
    expect(savedLine(8, false)).toBe("Your score: 8 out of 10.");
    expect(savedLine(undefined, false)).toBe("You did not score this entry.");
  });
});

describe("results", () => {
  it("names ranks in words", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "101st",
      "111th",
    ]);
  });

  it("tells the entrant their rank and average, or that nobody scored them", () => {
    expect(rankLine(result())).toBe("1st of 5 in Solo, average 7.50 from 2 judges");
    expect(rankLine(result({ scoreCount: 1, averageHundredths: 1000, rank: 2 }))).toBe(
      "2nd of 5 in Solo, average 10.00 from 1 judge",
    );
    expect(rankLine(result({ scoreCount: 0, averageHundredths: null, rank: null }))).toBe(
      "Not ranked in Solo: no judge scored this entry.",
    );
  });

  it("lists the public ranking per category in the published order", () => {
    const groups = byCategory([
      result({ entryId: "g", category: "Group", position: 2, rank: 1, averageHundredths: 400 }),
      result({ entryId: "b", position: 1, rank: 1, title: "Tie" }),
      result({ entryId: "a", position: 0, rank: 1, title: "Also tie" }),
      result({ entryId: "n", category: "Group", position: 3, rank: null, averageHundredths: null, title: "Quiet" }),
    ]);
    expect(groups.map((g) => [g.category, g.results.map(rankingLine)])).toEqual([
      ["Solo", ["1. Also tie · 7.50", "1. Tie · 7.50"]],
      ["Group", ["1. Sauti ya Moyo · 4.00", "–  Quiet · not scored"]],
    ]);
  });
});
