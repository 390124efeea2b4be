// The operator console in the browser test: signing in on console.html, and the documents the
// test gives the Reports and Analytics tabs (their generation is the reports feature's, proven
// in its own tests; here only how the console shows them is under test).
import { Timestamp } from "firebase-admin/firestore";
import type { Page } from "playwright-core";

import { bucketKey, RECONCILIATION_KINDS } from "../../functions/src/shared/analytics.ts";
import { emulatorListens } from "../../tools/emulators/environment.ts";
import { PROJECT_ID } from "./emulators.ts";
import { adminDb } from "./firestore.ts";

export async function signInToConsole(page: Page, pageUrl: string, email: string, password: string): Promise<void> {
  await page.goto(new URL("/console.html", pageUrl).href);
  await page.locator("#console-signin:not([hidden])").waitFor({ timeout: 30_000 });
  await page.fill("#console-email", email);
  await page.fill("#console-password", password);
  await page.click("#console-sign-in");
  await page.locator("#console-app:not([hidden])").waitFor({ timeout: 30_000 });
}

/** A day's report with one exception naming `paymentId`, in the shape docs/operations.md gives. */
export async function seedReport(date: string, paymentId: string): Promise<void> {
  const counts = Object.fromEntries(RECONCILIATION_KINDS.map((kind) => [kind, 0]));
  await adminDb()
    .collection("reconciliationReports")
    .doc(date)
    .set({
      date,
      timeZone: "Africa/Nairobi",
      from: `${date}T00:00:00.000+03:00`,
      to: `${date}T24:00:00.000+03:00`,
      inputs: { payments: 3, providerRecords: 2, bills: 0, withdrawals: 0 },
      counts: { ...counts, matched: 2, "pending-past-limit": 1 },
      unexceptional: { closed: 0, inFlight: 0 },
      matchedTotals: [{ currency: "KES", count: 2, amount: 1_000_00 }],
      exceptions: [
        {
          kind: "pending-past-limit",
          subject: "payment",
          id: paymentId,
          provider: "mpesa",
          providerReference: null,
          localStatus: "processing",
          providerOutcome: null,
          localAmount: 500_00,
          localCurrency: "KES",
          providerAmount: null,
          providerCurrency: null,
          mismatched: [],
          at: `${date}T09:00:00.000Z`,
          action: "Still processing 15 minutes after the STK push: re-query it with reconciliation.",
        },
      ],
      exceptionsLeftOut: 0,
      ledger: {
        checkDate: date,
        status: "balanced",
        entriesChecked: 4,
        accountsChecked: 3,
        unbalancedEntries: 0,
        accountDifferences: 0,
        malformed: 0,
        currencies: [{ currency: "KES", debits: 1_000_00, credits: 1_000_00 }],
      },
      ok: false,
      digest: "0".repeat(64),
      lastRunAt: Timestamp.now(),
    });
}

/** Two days of counters for two providers (shards 0 and 1 of each key). */
export async function seedAnalytics(days: readonly [string, string]): Promise<void> {
  const [b2, b9] = [bucketKey(2), bucketKey(9)];
  const rows = [
    {
      date: days[0],
      provider: "mpesa",
      currency: "KES",
      shard: 0,
      attempts: 10,
      succeeded: 9,
      failed: 1,
      revenue: 4_500_00,
      settleBuckets: { [b2]: 9 },
    },
    {
      date: days[0],
      provider: "mpesa",
      currency: "KES",
      shard: 1,
      attempts: 2,
      succeeded: 1,
      cancelled: 1,
      revenue: 500_00,
      settleBuckets: { [b9]: 1 },
    },
    {
      date: days[1],
      provider: "mpesa",
      currency: "KES",
      shard: 0,
      attempts: 4,
      succeeded: 2,
      expired: 2,
      revenue: 1_000_00,
      settleBuckets: { [b2]: 2 },
    },
    {
      date: days[1],
      provider: "iotec",
      currency: "UGX",
      shard: 0,
      attempts: 5,
      succeeded: 5,
      revenue: 50_000,
      settleBuckets: { [b9]: 5 },
    },
  ];
  await Promise.all(
    rows.map((row) =>
      adminDb()
        .collection("analytics")
        .doc(`${row.date}_${row.provider}_${row.currency}_entry_${row.shard}`)
        .set({ purpose: "entry", fees: 0, settleMsTotal: 0, ...row }),
    ),
  );
}

/**
 * What a visitor's own token gets from the Firestore emulator for the console's collections, by
 * the REST API a client would use: the HTTP status of listing each.
 */
export async function visitorListStatuses(collections: readonly string[]): Promise<Record<string, number>> {
  // npm start's emulators, found from firebase.json (this test has no Emulator Hub variable).
  const { auth, firestore } = emulatorListens();
  if (!auth || !firestore) throw new Error("firebase.json configures no Auth or Firestore emulator");
  const signUp = await fetch(
    `http://${auth.host}:${auth.port}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=demo-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ returnSecureToken: true }),
    },
  );
  const { idToken } = (await signUp.json()) as { idToken: string };
  const statuses: Record<string, number> = {};
  for (const name of collections) {
    const response = await fetch(
      `http://${firestore.host}:${firestore.port}/v1/projects/${PROJECT_ID}/databases/(default)/documents/${name}?pageSize=5`,
      { headers: { Authorization: `Bearer ${idToken}` } },
    );
    statuses[name] = response.status;
  }
  return statuses;
}
