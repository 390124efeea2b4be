// Fuzzing of the judging callable, publishResults, in its own file so it runs in a worker of its
// own. The same fixed seed and checks (tests/support/fuzz.ts); the caller is an operator, so the
// cases reach past the role check to the competition lookups and the publication itself.
import { describe, expect, it } from "vitest";

import { ADMIN_AUDIT } from "../../functions/src/operations/admin-audit.ts";
import { adminDb } from "../support/firestore.ts";
import { around, CALLABLE_RUNS, fuzzCallable, seed } from "../support/fuzz.ts";
import { judgedCompetition, seedEntry, seedScores } from "../support/judging.ts";

describe(`fuzzing the judging callables (seed ${seed})`, () => {
  it(`publishResults: ${CALLABLE_RUNS} cases never answer internal, publish once, and audit only what they accept`, async () => {
    // Near-valid cases name a competition whose judging has closed, so they publish it.
    const competitionId = await judgedCompetition();
    const entry = await seedEntry(competitionId, { category: "Solo", title: "Fuzzed" });
    await seedScores(entry, competitionId, [6, 7]);
    const { accepted, user } = await fuzzCallable(
      "publishResults",
      around(() => ({ competitionId })),
      // Each accepted call writes one audit document under the operator's uid; nothing else is theirs.
      { operator: true, writes: { adminAudit: ["publishResults"], entries: [], payments: [] } },
    );
    const audit = (await ADMIN_AUDIT.ref(adminDb()).where("uid", "==", user.uid).get()).docs.map((d) => d.data());
    expect(audit).toHaveLength(accepted);
    // However many cases reached it, the competition was published once, with its one result.
    expect(audit.filter((a) => a.changed).length).toBe(accepted > 0 ? 1 : 0);
    const results = await adminDb().collection(`competitions/${competitionId}/results`).get();
    expect(results.docs.map((d) => d.id)).toEqual(accepted > 0 ? [entry] : []);
  }, 240_000);
});
