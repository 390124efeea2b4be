// The local seed, run by `npm start` once the emulators are up: one operator account with the
// admin claim, so the access model can be tried by hand, the fee rules every service is priced by
// (functions/src/fees/local-rules.ts, which the quote tests load too), the bills catalogue, the
// shop's products, the competitions the join page lists and a judge of the open one. Emulator-only:
// the passwords are not secrets, and the accounts never exist in a real project.
import { deleteApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { getFirestore } from "firebase-admin/firestore";

import { adminApp, changeJudge, changeRole } from "./admin.ts";

export const LOCAL_ADMIN = { email: "admin@malipo.local", password: "local-admin-only" } as const;
/** A judge of the open competition, so the judges' page (judge.html) can be tried by hand. */
export const LOCAL_JUDGE = {
  email: "judge@malipo.local",
  password: "local-judge-only",
  competitionId: "kenya-sings-2026",
} as const;

/** Creates the local admin (or finds it) and grants the claim. Returns how to sign in. */
export async function seedLocalAdmin(): Promise<string> {
  const { app, target } = await adminApp(undefined);
  try {
    const auth = getAuth(app);
    const existing = await auth.getUserByEmail(LOCAL_ADMIN.email).catch(() => undefined);
    if (!existing) {
      await auth.createUser({ ...LOCAL_ADMIN, displayName: "Local operator", emailVerified: true });
    }
    await changeRole(app, target, { action: "grant", email: LOCAL_ADMIN.email });
    return `Admin         ${LOCAL_ADMIN.email} / ${LOCAL_ADMIN.password} (sign in under "Operator sign-in" on the page)`;
  } finally {
    await deleteApp(app);
  }
}

/** Writes the local fee rules (the same documents every time). Returns what was seeded. */
export async function seedFeeRules(): Promise<string> {
  // Loaded after ts-resolve has registered its hook (static imports resolve before any runs).
  const { seedLocalFeeRules } = await import("../functions/src/fees/local-rules.ts");
  const { app } = await adminApp(undefined);
  try {
    const count = await seedLocalFeeRules(getFirestore(app));
    return `Fee rules     ${count} seeded (every service in every currency)`;
  } finally {
    await deleteApp(app);
  }
}

/**
 * Copies the bills catalogue from the local VTpass simulator, as the 6-hourly refreshBillCatalogue
 * does in production (the emulator never fires schedules by itself).
 */
export async function seedBillCatalogue(): Promise<string> {
  const { refreshCatalogue } = await import("../functions/src/bills/catalogue.ts");
  const { VtpassBills } = await import("../functions/src/providers/vtpass/vtpass.ts");
  const { SANDBOX_HOST, VTPASS } = await import("../sandbox/src/settings.ts");
  const { app } = await adminApp(undefined);
  try {
    const provider = new VtpassBills({
      baseUrl: `http://${SANDBOX_HOST}:${VTPASS.port}/api`,
      apiKey: VTPASS.apiKey,
      publicKey: VTPASS.publicKey,
      secretKey: VTPASS.secretKey,
      timeoutMs: 10_000,
    });
    const report = await refreshCatalogue(getFirestore(app), provider, Date.now);
    const failed = report.failed.length > 0 ? ` (not listed: ${report.failed.join(", ")})` : "";
    return `Bills         ${report.services} services copied from the VTpass simulator${failed}`;
  } finally {
    await deleteApp(app);
  }
}

/** Writes the shop's local products (functions/src/commerce/local-products.ts). */
export async function seedProducts(): Promise<string> {
  const { seedLocalProducts } = await import("../functions/src/commerce/local-products.ts");
  const { app } = await adminApp(undefined);
  try {
    const count = await seedLocalProducts(getFirestore(app));
    return `Products      ${count} seeded (one shop, priced in KES, UGX and NGN)`;
  } finally {
    await deleteApp(app);
  }
}

/** Writes the local competitions (functions/src/entries/local-competitions.ts). */
export async function seedCompetitions(): Promise<string> {
  const { seedLocalCompetitions } = await import("../functions/src/entries/local-competitions.ts");
  const { app } = await adminApp(undefined);
  try {
    const count = await seedLocalCompetitions(getFirestore(app));
    return `Competitions  ${count} seeded (one open, one closed)`;
  } finally {
    await deleteApp(app);
  }
}

/** Creates the local judge (or finds it) and appoints them to the open competition (after seedCompetitions). */
export async function seedLocalJudge(): Promise<string> {
  const { app, target } = await adminApp(undefined);
  try {
    const auth = getAuth(app);
    const existing = await auth.getUserByEmail(LOCAL_JUDGE.email).catch(() => undefined);
    if (!existing) {
      await auth.createUser({
        email: LOCAL_JUDGE.email,
        password: LOCAL_JUDGE.password,
        displayName: "Local judge",
        emailVerified: true,
      });
    }
    await changeJudge(app, target, {
      action: "judge",
      email: LOCAL_JUDGE.email,
      competitionId: LOCAL_JUDGE.competitionId,
    });
    return `Judge         ${LOCAL_JUDGE.email} / ${LOCAL_JUDGE.password} (judges ${LOCAL_JUDGE.competitionId} on /judge.html)`;
  } finally {
    await deleteApp(app);
  }
}

/** Everything `npm start` seeds, with the lines it prints. */
export async function seedLocal(): Promise<string[]> {
  return [
    await seedLocalAdmin(),
    await seedFeeRules(),
    await seedBillCatalogue(),
    await seedProducts(),
    await seedCompetitions(),
    await seedLocalJudge(),
  ];
}
