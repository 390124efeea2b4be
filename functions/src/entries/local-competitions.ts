// The competitions `npm start` seeds (tools/seed.ts), and that the tests load the same way: one
// open all year round, one that closed. Local, illustrative data: a real project's operators
// write theirs in the Firestore console.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

import { COMPETITIONS, competitionSchema, type Competition } from "./competitions.js";

const at = (iso: string) => Timestamp.fromDate(new Date(iso));

export const LOCAL_COMPETITIONS: Readonly<Record<string, Competition>> = {
  "kenya-sings-2026": {
    name: "Kenya Sings 2026",
    entryFee: { KES: 500_00, UGX: 15_000 },
    opensAt: at("2025-01-01T00:00:00Z"),
    closesAt: at("2099-12-31T21:00:00Z"),
    categories: ["Solo", "Group", "Gospel"],
    judgingClosesAt: at("2100-01-31T21:00:00Z"),
    resultsPublishedAt: null,
  },
  "dance-off-2025": {
    name: "Dance Off 2025",
    entryFee: { KES: 300_00 },
    opensAt: at("2025-01-01T00:00:00Z"),
    closesAt: at("2025-06-30T21:00:00Z"),
    categories: ["Hip hop", "Traditional"],
    judgingClosesAt: at("2025-07-31T21:00:00Z"),
    resultsPublishedAt: at("2025-08-15T09:00:00Z"),
  },
};

/** Writes the local competitions (the same documents every time). Returns how many. */
export async function seedLocalCompetitions(db: Firestore): Promise<number> {
  const batch = db.batch();
  for (const [id, competition] of Object.entries(LOCAL_COMPETITIONS)) {
    batch.set(COMPETITIONS.ref(db).doc(id), competitionSchema.parse(competition));
  }
  await batch.commit();
  return Object.keys(LOCAL_COMPETITIONS).length;
}
