// Wallet top-ups end to end: a `wallet-topup` payment that succeeds credits the payer's wallet
// once, through the settlement trigger; one that does not credits nothing; a callback delivered
// many times at once, or the trigger run twice for one change, still credits once.
import { describe, expect, it } from "vitest";

import { darajaCallback, deliverInProcess } from "../../../tests/support/callbacks.js";
import { call, idempotencyKey, kenyanPhone, signUpAnonymous } from "../../../tests/support/client.js";
import { adminDb, eventually, paymentDoc, waitForStatus } from "../../../tests/support/firestore.js";
import { emulatorSecrets } from "../../../tests/support/providers.js";
import { accounts, balanceOf } from "../ledger/accounts.js";
import { readBalances } from "../ledger/journal.js";
import { paymentSchema } from "../payments/records.js";
import { dispatchStatusChange } from "../payments/settlement.js";
import { topUpEntryId } from "./top-up.js";

const db = adminDb();

async function topUp(phone: string, amount: number) {
  const user = await signUpAnonymous();
  const result = await call<{ paymentId: string }>(
    "createPayment",
    { idempotencyKey: idempotencyKey(), purpose: "wallet-topup", amount, currency: "KES", phone },
    { user },
  );
  if (!result.ok) throw new Error(`createPayment failed: ${result.code} ${result.message}`);
  return { uid: user.uid, paymentId: result.result.paymentId };
}

async function walletBalance(uid: string): Promise<number> {
  return balanceOf(await readBalances(db, accounts.wallet(uid, "KES")));
}

async function activityLines(uid: string): Promise<number> {
  return (await db.collection("ledgerAccounts").doc(accounts.wallet(uid, "KES").id).collection("activity").get()).size;
}

describe("wallet top-up", () => {
  it("a succeeded top-up credits the wallet once, with the provider's receipt on the entry", async () => {
    const { uid, paymentId } = await topUp(kenyanPhone("0000"), 1_500_00);
    const payment = await waitForStatus(paymentId, "succeeded");
    expect(
      await eventually(
        () => walletBalance(uid),
        (balance) => balance === 1_500_00,
      ),
    ).toBe(1_500_00);
    const entry = (await db.collection("journal").doc(topUpEntryId(paymentId)).get()).data();
    expect(entry).toMatchObject({ kind: "topup", status: "posted", reference: payment?.receipt });
    expect(await activityLines(uid)).toBe(1);
  });

  it("10 concurrent deliveries of the success callback credit once", async () => {
    const phone = kenyanPhone("9999");
    const { uid, paymentId } = await topUp(phone, 700_00);
    const reference = (await paymentDoc(paymentId))?.providerReference as string;
    const body = darajaCallback(reference, 0, 700, phone);
    const path = `/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`;
    const answers = await Promise.all(Array.from({ length: 10 }, () => deliverInProcess("mpesa", { path, body })));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(
      await eventually(
        () => walletBalance(uid),
        (balance) => balance === 700_00,
      ),
    ).toBe(700_00);
    // One transition, so one credit: the entry is keyed by the payment.
    expect(await activityLines(uid)).toBe(1);
  });

  it("the trigger run twice, and concurrently, for one change credits once", async () => {
    const { uid, paymentId } = await topUp(kenyanPhone("0000"), 250_00);
    const after = paymentSchema.parse(await waitForStatus(paymentId, "succeeded"));
    await eventually(
      () => walletBalance(uid),
      (balance) => balance === 250_00,
    );
    const before = { ...after, status: "processing" as const };
    await Promise.all([
      dispatchStatusChange(db, paymentId, before, after, "replayed-1"),
      dispatchStatusChange(db, paymentId, before, after, "replayed-1"),
      dispatchStatusChange(db, paymentId, before, after, "replayed-2"),
    ]);
    expect(await walletBalance(uid)).toBe(250_00);
    expect(await activityLines(uid)).toBe(1);
  });

  it.each([
    ["cancelled", "1032"],
    ["failed", "2001"],
  ])("a %s top-up credits nothing", async (status, suffix) => {
    const { uid, paymentId } = await topUp(kenyanPhone(suffix), 300_00);
    const after = paymentSchema.parse(await waitForStatus(paymentId, status));
    // The handler itself, on the change the trigger saw: nothing is posted.
    await dispatchStatusChange(db, paymentId, { ...after, status: "processing" }, after, "check");
    expect((await db.collection("journal").doc(topUpEntryId(paymentId)).get()).exists).toBe(false);
    expect(await walletBalance(uid)).toBe(0);
  });
});
