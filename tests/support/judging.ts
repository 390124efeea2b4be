// Judging fixtures: a competition of the test's own, its entries and judges' scores, seeded with
// the Admin SDK (the entry flow and the score rules are proven elsewhere: contests.emulator.test.ts
// and the rules matrix), and `npm run admin` run as an operator runs it.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";

import { Timestamp } from "firebase-admin/firestore";

import { ROOT } from "../../tools/emulators/environment.ts";
import { adminDb } from "./firestore.ts";

/** A competition closed for entries; its judging closes at `judgingClosesAt` (default: already closed). */
export async function judgedCompetition(
  options: { judgingClosesAt?: number; categories?: string[]; name?: string } = {},
): Promise<string> {
  const id = `judging-${randomUUID().slice(0, 13)}`;
  const now = Date.now();
  await adminDb()
    .collection("competitions")
    .doc(id)
    .set({
      name: options.name ?? "Judged Talent",
      entryFee: { KES: 200_00 },
      opensAt: Timestamp.fromMillis(now - 7_200_000),
      closesAt: Timestamp.fromMillis(now - 3_600_000),
      categories: options.categories ?? ["Solo", "Group"],
      judgingClosesAt: Timestamp.fromMillis(options.judgingClosesAt ?? now - 60_000),
      resultsPublishedAt: null,
    });
  return id;
}

/** An entry of `competitionId` by `uid` (a payment id's shape, as submitEntry's entries have). */
export async function seedEntry(
  competitionId: string,
  entry: { uid?: string; category: string; title: string; id?: string },
): Promise<string> {
  const id = entry.id ?? randomUUID().replaceAll("-", "").slice(0, 20);
  await adminDb()
    .collection("entries")
    .doc(id)
    .set({
      uid: entry.uid ?? `entrant-${id}`,
      competitionId,
      category: entry.category,
      title: entry.title,
      link: `https://videos.example.com/${id}`,
      description: `The entry ${entry.title}.`,
      submittedAt: Timestamp.now(),
    });
  return id;
}

/** Judges' scores of one entry, one per judge uid (`judge-1`, `judge-2`, … unless named). */
export async function seedScores(
  entryId: string,
  competitionId: string,
  scores: readonly number[],
  judges: readonly string[] = scores.map((_, index) => `judge-${index + 1}`),
): Promise<void> {
  const batch = adminDb().batch();
  scores.forEach((score, index) => {
    batch.set(adminDb().doc(`entries/${entryId}/scores/${judges[index]}`), {
      competitionId,
      score,
      comment: `Score ${score}`,
      updatedAt: Timestamp.now(),
    });
  });
  await batch.commit();
}

/** Runs `npm run admin -- <args>` against the emulators (as the test's environment names them). */
export function adminCli(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", path.join(ROOT, "tools", "ts-resolve.ts"), path.join(ROOT, "tools", "admin.ts"), ...args],
      { cwd: ROOT, env: process.env },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, output });
    });
  });
}
