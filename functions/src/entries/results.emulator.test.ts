// Publishing results (docs/contests.md, "Results"): publishResults over HTTP as an operator's
// client calls it, and `npm run admin -- publish-results`. Only operators, only after judging
// closes; averages with ties and unscored entries; publishing twice answers the same results and
// changes nothing; every call is audited.
import { describe, expect, it } from "vitest";

import { call, signUpAnonymous } from "../../../tests/support/client.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { adminCli, judgedCompetition, seedEntry, seedScores } from "../../../tests/support/judging.js";
import { signUpOperator } from "../../../tests/support/operators.js";
import { ADMIN_AUDIT } from "../operations/admin-audit.js";
import { COMPETITIONS } from "./competitions.js";

interface Published {
  competitionId: string;
  name: string;
  resultsPublishedAt: string;
  published: boolean;
  entries: number;
  scored: number;
  categories: {
    category: string;
    results: { entryId: string; title: string; rank: number | null; average: string | null; scores: number }[];
  }[];
}

async function resultsOf(competitionId: string) {
  const snapshot = await adminDb().collection(`competitions/${competitionId}/results`).orderBy("position").get();
  return snapshot.docs.map((d) => ({ id: d.id, ...d.data(), updateTime: d.updateTime.toMillis() }));
}

async function auditOf(competitionId: string) {
  const snapshot = await ADMIN_AUDIT.ref(adminDb()).where("competitionId", "==", competitionId).get();
  return snapshot.docs.map((d) => d.data()).sort((a, b) => Number(a.changed) - Number(b.changed));
}

describe("publishResults", () => {
  it("is refused to non-operators, for an unknown competition and while judging is open, writing nothing", async () => {
    const operator = await signUpOperator();
    const open = await judgedCompetition({ judgingClosesAt: Date.now() + 3_600_000, name: "Still Judging" });
    const entry = await seedEntry(open, { category: "Solo", title: "Early" });
    await seedScores(entry, open, [9]);

    expect(await call("publishResults", { competitionId: open }, { user: await signUpAnonymous() })).toMatchObject({
      ok: false,
      code: "permission-denied",
      message: expect.stringContaining("Only operators can publish results"),
    });
    expect(await call("publishResults", { competitionId: "no-such-contest" }, { user: operator })).toMatchObject({
      ok: false,
      code: "not-found",
      message: "competitionId: there is no such competition. Check its id (competitions/{id}).",
    });
    expect(await call("publishResults", { competitionId: open }, { user: operator })).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: expect.stringMatching(
        /^competitionId: judging of Still Judging is open until .+ UTC; publish the results after that\.$/,
      ),
    });
    expect(await call("publishResults", { competitionId: "a/b" }, { user: operator })).toMatchObject({
      ok: false,
      code: "invalid-argument",
    });
    expect((await adminDb().doc(`competitions/${open}`).get()).get("resultsPublishedAt")).toBeNull();
    expect(await resultsOf(open)).toEqual([]);
  });

  it("ranks each category by average (ties share a rank, unscored last), marks the competition, and answers the same twice", async () => {
    const operator = await signUpOperator();
    const competitionId = await judgedCompetition({ categories: ["Solo", "Group"] });
    const solo = {
      top: await seedEntry(competitionId, { category: "Solo", title: "Top" }),
      tieB: await seedEntry(competitionId, { category: "Solo", title: "Tie B" }),
      tieA: await seedEntry(competitionId, { category: "Solo", title: "Tie A" }),
      after: await seedEntry(competitionId, { category: "Solo", title: "After the tie" }),
      none: await seedEntry(competitionId, { category: "Solo", title: "Nobody scored" }),
    };
    const group = await seedEntry(competitionId, { category: "Group", title: "Only group" });
    await Promise.all([
      seedScores(solo.top, competitionId, [9, 10]), // 9.50
      seedScores(solo.tieB, competitionId, [8, 7]), // 7.50
      seedScores(solo.tieA, competitionId, [6, 9]), // 7.50
      seedScores(solo.after, competitionId, [7, 7, 6]), // 6.67
      seedScores(group, competitionId, [4]),
    ]);
    // A result left by an earlier, interrupted attempt for an entry that has since gone.
    await adminDb()
      .doc(`competitions/${competitionId}/results/gone-entry`)
      .set({ competitionId, entryId: "gone-entry" });

    const first = await call<Published>("publishResults", { competitionId }, { user: operator });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.result).toMatchObject({
      competitionId,
      name: "Judged Talent",
      published: true,
      entries: 6,
      scored: 5,
    });
    expect(first.result.categories).toEqual([
      {
        category: "Solo",
        results: [
          { entryId: solo.top, title: "Top", rank: 1, average: "9.50", scores: 2 },
          { entryId: solo.tieA, title: "Tie A", rank: 2, average: "7.50", scores: 2 },
          { entryId: solo.tieB, title: "Tie B", rank: 2, average: "7.50", scores: 2 },
          { entryId: solo.after, title: "After the tie", rank: 4, average: "6.67", scores: 3 },
          { entryId: solo.none, title: "Nobody scored", rank: null, average: null, scores: 0 },
        ],
      },
      { category: "Group", results: [{ entryId: group, title: "Only group", rank: 1, average: "4.00", scores: 1 }] },
    ]);
    const competition = (await COMPETITIONS.ref(adminDb()).doc(competitionId).get()).data();
    expect(competition?.resultsPublishedAt?.toDate().toISOString()).toBe(first.result.resultsPublishedAt);

    const stored = await resultsOf(competitionId);
    expect(stored.map((r) => r.id)).toEqual([solo.top, solo.tieA, solo.tieB, solo.after, solo.none, group]);
    expect(stored[3]).toMatchObject({
      competitionId,
      entryId: solo.after,
      category: "Solo",
      title: "After the tie",
      scoreCount: 3,
      scoreTotal: 20,
      averageHundredths: 667,
      rank: 4,
      categorySize: 5,
      position: 3,
    });
    // Public documents: no entrant, no comment.
    for (const result of stored) expect(Object.keys(result)).not.toEqual(expect.arrayContaining(["uid", "comment"]));

    // Twice: the same answer (not published by this call), nothing rewritten, the time unchanged.
    const second = await call<Published>("publishResults", { competitionId }, { user: operator });
    expect(second).toEqual({ ok: true, result: { ...first.result, published: false } });
    expect(await resultsOf(competitionId)).toEqual(stored);

    const audit = await auditOf(competitionId);
    expect(audit).toEqual([
      expect.objectContaining({ action: "publish-results", uid: operator.uid, changed: false }),
      expect.objectContaining({ action: "publish-results", uid: operator.uid, changed: true }),
    ]);
    expect(audit[1]?.by).toBe(`operator ${operator.uid} (publishResults)`);
  });

  it("publishes a competition nobody entered, with no results", async () => {
    const competitionId = await judgedCompetition();
    expect(await call("publishResults", { competitionId }, { user: await signUpOperator() })).toMatchObject({
      ok: true,
      result: { competitionId, published: true, entries: 0, scored: 0, categories: [] },
    });
  });
});

describe("npm run admin -- publish-results", () => {
  it("publishes through the same code, prints the ranking, says so the second time, and refuses open judging", async () => {
    const competitionId = await judgedCompetition({ categories: ["Solo"], name: "Cli Stars" });
    const winner = await seedEntry(competitionId, { category: "Solo", title: "Winner" });
    const second = await seedEntry(competitionId, { category: "Solo", title: "Runner-up" });
    await Promise.all([seedScores(winner, competitionId, [10, 9]), seedScores(second, competitionId, [5])]);

    const published = await adminCli("publish-results", competitionId);
    expect(published.code).toBe(0);
    expect(published.output).toContain("The results of Cli Stars are published in the emulators");
    expect(published.output).toContain("2 entries, 2 scored.");
    expect(published.output).toContain(`  1. Winner · 9.50 (2 scores) · ${winner}`);
    expect(published.output).toContain(`  2. Runner-up · 5.00 (1 score) · ${second}`);
    expect((await resultsOf(competitionId)).map((r) => r.id)).toEqual([winner, second]);

    const again = await adminCli("publish-results", competitionId);
    expect(again).toMatchObject({ code: 0, output: expect.stringContaining("were already published") });
    const audit = await auditOf(competitionId);
    expect(audit.map((a) => [a.action, a.changed, a.uid] as unknown[])).toEqual([
      ["publish-results", false, undefined],
      ["publish-results", true, undefined],
    ]);
    expect(String(audit[1]?.by)).toMatch(/\(npm run admin\)$/);

    const open = await judgedCompetition({ judgingClosesAt: Date.now() + 3_600_000, name: "Not Yet" });
    expect(await adminCli("publish-results", open)).toMatchObject({
      code: 1,
      output: expect.stringContaining("judging of Not Yet is open until"),
    });
    expect(await adminCli("publish-results", "no-such-contest")).toMatchObject({
      code: 1,
      output: expect.stringContaining("there is no such competition"),
    });
  });
});
