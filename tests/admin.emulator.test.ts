// `npm run admin -- grant|revoke <email>` and the local seed, against the running emulators: the
// claim reaches a fresh ID token, revoking removes it, every change is audited, and mistakes get a
// sentence and exit 1.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";

import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { describe, expect, it } from "vitest";

import { EMULATOR_PROJECT, ROOT } from "../tools/emulators/environment.ts";
import { FEE_RULES, feeRuleId } from "../functions/src/fees/rules.ts";
import { LOCAL_FEE_RULES } from "../functions/src/fees/local-rules.ts";
import { LOCAL_ADMIN, seedFeeRules, seedLocalAdmin } from "../tools/seed.ts";
import { emulatorOrigin } from "./support/emulators.ts";
import { OPEN_COMPETITION, seedCompetitions } from "./support/entries.ts";
import { adminDb } from "./support/firestore.ts";

function adminCli(...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", path.join(ROOT, "tools", "ts-resolve.ts"), path.join(ROOT, "tools", "admin.ts"), ...args],
      {
        cwd: ROOT,
        env: process.env,
      },
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

async function signInWithPassword(email: string, password: string): Promise<Record<string, unknown>> {
  const response = await fetch(
    `${await emulatorOrigin("auth")}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
  return JSON.parse(Buffer.from(body.idToken.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
}

function auth() {
  adminDb();
  return getAuth(getApps()[0] ?? initializeApp({ projectId: EMULATOR_PROJECT }));
}

describe("npm run admin", () => {
  it("grants and revokes the admin claim, keeping other claims, and audits both", async () => {
    const email = `ops-${randomUUID()}@example.com`;
    const password = "correct horse battery";
    const user = await auth().createUser({ email, password });
    await auth().setCustomUserClaims(user.uid, { tier: "gold" });

    const granted = await adminCli("grant", email.toUpperCase());
    expect(granted).toMatchObject({
      code: 0,
      output: expect.stringContaining(`${email} (${user.uid}) is now an admin`),
    });
    expect(await signInWithPassword(email, password)).toMatchObject({ admin: true, tier: "gold" });
    expect((await adminCli("grant", email)).output).toContain("was already an admin");

    const revoked = await adminCli("revoke", email);
    expect(revoked).toMatchObject({ code: 0, output: expect.stringContaining("is no longer an admin") });
    const claims = await signInWithPassword(email, password);
    expect(claims.admin).toBeUndefined();
    expect(claims.tier).toBe("gold");

    const audit = await adminDb().collection("adminAudit").where("uid", "==", user.uid).get();
    expect(audit.docs.map((doc) => `${String(doc.get("action"))}:${String(doc.get("changed"))}`).sort()).toEqual([
      "grant:false",
      "grant:true",
      "revoke:true",
    ]);
  });

  it("appoints and removes a judge of one competition, audited, and refuses an unknown competition", async () => {
    await seedCompetitions();
    const email = `judge-${randomUUID()}@example.com`;
    const user = await auth().createUser({ email, password: "correct horse battery" });
    const membership = adminDb().doc(`competitions/${OPEN_COMPETITION}/judges/${user.uid}`);

    expect(await adminCli("judge", email, OPEN_COMPETITION)).toMatchObject({
      code: 0,
      output: expect.stringContaining(`${email} (${user.uid}) is now a judge of Kenya Sings 2026`),
    });
    expect((await membership.get()).data()).toMatchObject({ uid: user.uid, email });
    expect(await adminCli("judge", email, "no-such-contest")).toMatchObject({
      code: 1,
      output: expect.stringContaining("No competition no-such-contest"),
    });
    expect((await adminCli("unjudge", email, OPEN_COMPETITION)).output).toContain("is no longer a judge");
    expect((await membership.get()).exists).toBe(false);

    const audit = await adminDb().collection("adminAudit").where("uid", "==", user.uid).get();
    expect(audit.docs.map((doc) => `${String(doc.get("action"))}:${String(doc.get("competitionId"))}`).sort()).toEqual([
      `judge:${OPEN_COMPETITION}`,
      `unjudge:${OPEN_COMPETITION}`,
    ]);
  });

  it("says what to fix for an unknown email or a mistyped command, and exits 1", async () => {
    expect(await adminCli("grant", `nobody-${randomUUID()}@example.com`)).toMatchObject({
      code: 1,
      output: expect.stringContaining("must sign up (or be created) first"),
    });
    expect(await adminCli("promote", "ops@example.com")).toMatchObject({
      code: 1,
      output: expect.stringContaining("usage: npm run admin -- grant|revoke <email>"),
    });
  });
});

describe("local seed", () => {
  it("creates one admin that can sign in with the printed password, and is safe to run twice", async () => {
    const first = await seedLocalAdmin();
    const second = await seedLocalAdmin();
    expect(second).toBe(first);
    expect(first).toContain(`${LOCAL_ADMIN.email} / ${LOCAL_ADMIN.password}`);
    expect(await signInWithPassword(LOCAL_ADMIN.email, LOCAL_ADMIN.password)).toMatchObject({
      admin: true,
      email: LOCAL_ADMIN.email,
    });
  });

  it("writes the fee rules quotes are priced by, the same documents on every run", async () => {
    expect(await seedFeeRules()).toBe(await seedFeeRules());
    const refs = LOCAL_FEE_RULES.map((rule) => FEE_RULES.ref(adminDb()).doc(feeRuleId(rule)));
    const stored = await Promise.all(refs.map(async (ref) => (await ref.get()).data()));
    expect(stored).toEqual(LOCAL_FEE_RULES);
  });
});
