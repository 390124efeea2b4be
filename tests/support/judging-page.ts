// The judges' page and the join page's results, as the browser test drives them: email accounts for
// judges (appointed with `npm run admin -- judge`, as an operator would), the join page's visitor,
// and the judge's sign-in.
import { randomUUID } from "node:crypto";

import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import type { Page } from "playwright-core";

import { EMULATOR_PROJECT, emulatorListens } from "../../tools/emulators/environment.ts";
import { adminCli } from "./judging.ts";

export interface JudgeAccount {
  readonly email: string;
  readonly password: string;
}

/** An email account in the Auth emulator; appointed a judge of `competitionId` when one is given. */
export async function judgeAccount(competitionId?: string): Promise<JudgeAccount> {
  const auth = emulatorListens().auth;
  if (!auth) throw new Error("firebase.json configures no Auth emulator");
  process.env.FIREBASE_AUTH_EMULATOR_HOST ??= `${auth.host}:${auth.port}`;
  const app = getApps()[0] ?? initializeApp({ projectId: EMULATOR_PROJECT });
  const account = { email: `judge-${randomUUID()}@example.com`, password: `pw-${randomUUID()}` };
  await getAuth(app).createUser(account);
  if (competitionId) {
    const appointed = await adminCli("judge", account.email, competitionId);
    if (appointed.code !== 0) throw new Error(`npm run admin -- judge failed: ${appointed.output}`);
  }
  return account;
}

/** The join page's anonymous visitor's uid, as its footer names it. */
export async function visitorUid(page: Page): Promise<string> {
  const session = page.locator("#session", { hasText: "anonymous visitor" });
  await session.waitFor({ timeout: 30_000 });
  return ((await session.textContent()) ?? "").replace("anonymous visitor", "").trim();
}

/** Signs in on the judges' page and waits for it to have looked up the account's competitions. */
export async function signInAsJudge(page: Page, account: JudgeAccount): Promise<void> {
  await page.locator("#judge-sign-in:not([hidden])").waitFor({ timeout: 30_000 });
  await page.fill("#judge-email", account.email);
  await page.fill("#judge-password", account.password);
  await page.click("#judge-sign-in-button");
  await page.locator("#session", { hasText: `signed in as ${account.email}` }).waitFor({ timeout: 30_000 });
  await page.locator('#judging[data-state="loaded"], #judging[data-state="not-judge"]').waitFor({ timeout: 30_000 });
}
