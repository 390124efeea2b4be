// Paid contest entries for tests: the local competitions seeded, an entry paid for through
// createPayment against the simulators, and the code read from its mail as the entrant would.
import { Timestamp } from "firebase-admin/firestore";

import { seedLocalCompetitions } from "../../functions/src/entries/local-competitions.ts";
import { call, idempotencyKey, kenyanPhone, signUpAnonymous, type TestUser } from "./client.ts";
import { adminDb, eventually, mailFor, waitForStatus } from "./firestore.ts";

/** The seeded competition that is always open, and its KES fee. */
export const OPEN_COMPETITION = "kenya-sings-2026";
export const OPEN_FEE_KES = 500_00;
export const CLOSED_COMPETITION = "dance-off-2025";

export async function seedCompetitions(): Promise<void> {
  await seedLocalCompetitions(adminDb());
}

/** A competition of the test's own (so it can close it), open now, KES 200.00. */
export async function ownCompetition(): Promise<{ id: string; fee: number }> {
  const id = `test-${idempotencyKey().slice(0, 13)}`;
  await adminDb()
    .collection("competitions")
    .doc(id)
    .set({
      name: "Test Talent",
      entryFee: { KES: 200_00 },
      opensAt: Timestamp.fromMillis(Date.now() - 60_000),
      closesAt: Timestamp.fromMillis(Date.now() + 3_600_000),
      categories: ["Solo", "Group"],
      judgingClosesAt: Timestamp.fromMillis(Date.now() + 7_200_000),
      resultsPublishedAt: null,
    });
  return { id, fee: 200_00 };
}

export function entryRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idempotencyKey: idempotencyKey(),
    purpose: "entry",
    competitionId: OPEN_COMPETITION,
    amount: OPEN_FEE_KES,
    currency: "KES",
    phone: kenyanPhone(),
    email: "singer@example.com",
    ...overrides,
  };
}

/** The codes mailed for a payment so far, oldest first (the first, then each re-send). */
export async function mailedCodes(paymentId: string, count = 1): Promise<string[]> {
  const mails = await eventually(
    () => mailFor(paymentId),
    (m) => m.filter((mail) => mail.kind === "verification-code").length >= count,
  );
  return mails
    .filter((mail) => mail.kind === "verification-code")
    .sort((a, b) => (a.createdAt as Timestamp).toMillis() - (b.createdAt as Timestamp).toMillis())
    .map((mail) => /(\d{6})$/.exec((mail.message as { subject: string }).subject)?.[1] ?? "");
}

/** An entry paid (succeeded) with its first code mailed. */
export async function paidEntry(
  user?: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<{ user: TestUser; paymentId: string; code: string }> {
  const payer = user ?? (await signUpAnonymous());
  const result = await call<{ paymentId: string }>("createPayment", entryRequest(overrides), { user: payer });
  if (!result.ok) throw new Error(result.message);
  const { paymentId } = result.result;
  await waitForStatus(paymentId, "succeeded");
  const [code] = await mailedCodes(paymentId);
  return { user: payer, paymentId, code: code ?? "" };
}
