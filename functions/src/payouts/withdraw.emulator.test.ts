// Withdrawals against the emulators and the shared provider simulators: the real quote, PIN,
// ledger hold, in-flight lock and day total; real HTTP to the Daraja and ioTec simulators, whose
// results come back through the emulator's darajaResult and iotecCallback functions. The handlers
// run in-process with an injected clock, so the status schedule is tested without waiting for it.
import { randomBytes, randomUUID } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";

import { functionUrl } from "../../../tests/support/emulators.js";
import { eventually } from "../../../tests/support/eventually.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { kenyanPhone, randomIp, REGION } from "../../../tests/support/client.js";
import { emulatorSecrets, simulatorPayoutProvider } from "../../../tests/support/providers.js";
import { refusal } from "../../../tests/support/refusal.js";
import { requestsFor } from "../../../tests/support/sandbox.js";
import type { Caller } from "../core/callable.js";
import { seedLocalFeeRules } from "../fees/local-rules.js";
import { createQuote } from "../fees/quote.js";
import { accounts, availableOf, balanceOf } from "../ledger/accounts.js";
import { readBalances, readEntry } from "../ledger/journal.js";
import { ALERTS } from "../payments/collections.js";
import { paymentSchema, paymentsCollection } from "../payments/records.js";
import { dispatchStatusChange } from "../payments/settlement.js";
import { setPin, verifyPin } from "../wallet/pin.js";
import { holdPurchase } from "../wallet/purchase.js";
import {
  PAYOUT_RESULTS,
  WITHDRAWAL_EVENTS,
  WITHDRAWAL_LOCKS,
  WITHDRAWALS,
  type PayoutCurrency,
  type WithdrawalStatus,
} from "./collections.js";
import { DEFAULT_FLOAT_LOW, DEFAULT_WITHDRAWAL_LIMITS, type WithdrawalLimits } from "./config.js";
import type { PayoutsDeps } from "./deps.js";
import { getWithdrawalOptions } from "./read.js";
import { ORPHAN_HOLD_AFTER_MS } from "../ledger/orphans.js";
import { releaseOrphanHolds, requeryDueWithdrawals } from "./requery.js";
import { payoutIdOf, withdraw, withdrawalIdFor } from "./withdraw.js";

process.env.PIN_PEPPER = emulatorSecrets.PIN_PEPPER ?? "";

const db = adminDb();
const PIN = "4821";
const HOUR = 3_600_000;

function deps(overrides: Partial<PayoutsDeps> = {}): PayoutsDeps {
  return {
    db,
    provider: simulatorPayoutProvider,
    now: Date.now,
    verifyPin,
    limits: () => DEFAULT_WITHDRAWAL_LIMITS,
    floatLow: () => DEFAULT_FLOAT_LOW,
    allowSandboxPayers: true,
    ...overrides,
  };
}

beforeAll(async () => {
  await seedLocalFeeRules(db);
});

/** A Ugandan sandbox payee (011177777x succeeds, 011177778x stays pending, ...) no other test uses. */
function ugandanPayee(prefix: string): string {
  return `+256${prefix.slice(1)}${randomBytes(1)[0]! % 10}`;
}

/**
 * A user with a PIN who topped up `major` (whole units) from `phone`: a succeeded wallet-topup
 * payment, credited by the settlement dispatch as the trigger does (the trigger's own run finds
 * the credit made: it is keyed by the payment).
 */
async function customer(phone: string, major: number, currency: PayoutCurrency = "KES") {
  const caller: Caller = { uid: `payouts-${randomUUID()}`, ip: randomIp() };
  await setPin({ pin: PIN }, caller, { db, now: Date.now });
  const paymentId = randomUUID().replaceAll("-", "");
  const amount = currency === "KES" ? major * 100 : major;
  const now = Timestamp.now();
  const payment = paymentSchema.parse({
    uid: caller.uid,
    purpose: "wallet-topup",
    provider: currency === "KES" ? "mpesa" : "iotec",
    amount,
    currency,
    phone,
    email: null,
    name: null,
    reference: null,
    status: "succeeded",
    providerReference: `ref-${paymentId}`,
    receipt: `R${paymentId.slice(0, 9).toUpperCase()}`,
    failureCode: null,
    customerMessage: "Paid.",
    idempotencyKey: randomUUID(),
    verified: true,
    initiatedAt: now,
    createdAt: now,
    updatedAt: now,
    settledAt: now,
  });
  await paymentsCollection(db).doc(paymentId).set(payment);
  await dispatchStatusChange(db, paymentId, { ...payment, status: "processing" }, payment, "seed");
  return caller;
}

async function quoteFor(caller: Caller, amount: number, currency: PayoutCurrency = "KES") {
  return createQuote(db, caller.uid, { service: "withdrawal", amount, currency }, Date.now());
}

async function withdrawOf(
  caller: Caller,
  phone: string,
  amount: number,
  currency: PayoutCurrency = "KES",
  extra: Partial<PayoutsDeps> = {},
) {
  const quote = await quoteFor(caller, amount, currency);
  const input = { idempotencyKey: randomUUID(), quoteId: quote.quoteId, phone, pin: PIN };
  return { quote, input, view: await withdraw(input, caller, deps(extra)) };
}

const wallet = (uid: string, currency: PayoutCurrency = "KES") => readBalances(db, accounts.wallet(uid, currency));
const withdrawalOf = async (id: string) => (await WITHDRAWALS.ref(db).doc(id).get()).data();

async function settles(id: string, status: WithdrawalStatus) {
  return eventually(
    () => withdrawalOf(id),
    (withdrawal) => withdrawal?.status === status,
  );
}

const b2cRequests = async (phone: string, payoutId: string) =>
  (await requestsFor("daraja", { phone: phone.slice(1) })).filter((r) => r.path === "b2c" && r.reference === payoutId);

/** Daraja's B2C result for a payout, as its result URL receives it. */
function b2cResult(payoutId: string, amountKes: number, receipt: string, floatKes = 900_000) {
  return {
    Result: {
      ResultType: 0,
      ResultCode: 0,
      ResultDesc: "The service request is processed successfully.",
      OriginatorConversationID: payoutId,
      ConversationID: `AG_${payoutId.slice(-12)}`,
      TransactionID: receipt,
      ResultParameters: {
        ResultParameter: [
          { Key: "TransactionReceipt", Value: receipt },
          { Key: "TransactionAmount", Value: amountKes },
          { Key: "B2CUtilityAccountAvailableFunds", Value: floatKes },
          { Key: "TransactionCompletedDateTime", Value: "03.12.2026 12:00:00" },
        ],
      },
    },
  };
}

async function postResult(payoutId: string, body: unknown) {
  const url = `${await functionUrl("darajaResult", REGION)}/${emulatorSecrets.MPESA_RESULT_SECRET ?? ""}/payout/${payoutId}`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json();
  return { status: response.status, body: answer };
}

describe("withdraw to M-Pesa", () => {
  it("holds amount + fee, sends the B2C payout and posts the hold when the result says paid", async () => {
    const phone = kenyanPhone("0000");
    const caller = await customer(phone, 2_000);
    const { view, quote } = await withdrawOf(caller, phone, 500_00);
    expect(view).toMatchObject({ status: "pending", amount: 500_00, fee: quote.fee, total: 500_00 + quote.fee, phone });
    const done = await settles(view.withdrawalId, "succeeded");
    expect(done).toMatchObject({ receipt: expect.stringMatching(/^U[0-9A-F]{9}$/), settledAt: expect.any(Timestamp) });
    expect(done?.customerMessage).toBe(`KES 500.00 was sent to ${phone}.`);
    expect(balanceOf(await wallet(caller.uid))).toBe(2_000_00 - 500_00 - quote.fee);
    expect(await readEntry(db, done!.payoutId)).toMatchObject({ kind: "withdrawal", status: "posted" });
    expect((await WITHDRAWAL_LOCKS.ref(db).doc(caller.uid).get()).exists).toBe(false);
    const events = await WITHDRAWAL_EVENTS.under(WITHDRAWALS.ref(db).doc(view.withdrawalId)).get();
    expect(events.docs.map((doc) => doc.data().to)).toEqual(
      expect.arrayContaining(["sending", "pending", "succeeded"]),
    );
  });

  it("a success result delivered 5 times at once posts once", async () => {
    const phone = kenyanPhone("9999"); // paid, the simulator never sends the result
    const caller = await customer(phone, 1_000);
    const { view, quote } = await withdrawOf(caller, phone, 300_00);
    const { payoutId } = (await withdrawalOf(view.withdrawalId))!;
    const body = b2cResult(payoutId, 300, `U${randomBytes(5).toString("hex").toUpperCase().slice(0, 9)}`);
    const answers = await Promise.all(Array.from({ length: 5 }, () => postResult(payoutId, body)));
    expect(answers).toEqual(Array(5).fill({ status: 200, body: { ResultCode: 0, ResultDesc: "Accepted" } }));
    expect((await withdrawalOf(view.withdrawalId))?.status).toBe("succeeded");
    const balances = await wallet(caller.uid);
    expect(balanceOf(balances)).toBe(1_000_00 - 300_00 - quote.fee);
    expect(balances.pendingDebits).toBe(0);
    const kept = await PAYOUT_RESULTS.ref(db).where("subjectId", "==", payoutId).get();
    expect(kept.size).toBe(1);
  });

  it("a failure result releases the whole hold, the lock and the day's total", async () => {
    const phone = kenyanPhone("2040"); // the receiver cannot take M-Pesa payouts
    const caller = await customer(phone, 1_000);
    const { view } = await withdrawOf(caller, phone, 400_00);
    const failed = await settles(view.withdrawalId, "failed");
    expect(failed?.failureCode).toBe("mpesa:2040");
    expect(failed?.customerMessage).toMatch(/is back in your wallet\.$/);
    const balances = await wallet(caller.uid);
    expect(balanceOf(balances)).toBe(1_000_00);
    expect(availableOf(balances)).toBe(1_000_00);
    expect(await readEntry(db, failed!.payoutId)).toMatchObject({ status: "voided" });
    const options = await getWithdrawalOptions({ currency: "KES" }, caller, deps());
    expect(options).toMatchObject({ usedToday: 0, inFlight: null, numbers: [phone] });
  });

  it("a queue timeout makes a status request due at once, and its answer (paid) posts", async () => {
    const phone = kenyanPhone("9001"); // queue timeout, but paid
    const caller = await customer(phone, 1_000);
    const { view } = await withdrawOf(caller, phone, 200_00);
    const timedOut = await eventually(
      () => withdrawalOf(view.withdrawalId),
      (w) => w?.status === "pending" && w.nextCheckAt !== null && w.nextCheckAt.toMillis() <= Date.now(),
    );
    expect(timedOut?.status).toBe("pending");
    expect(balanceOf(await wallet(caller.uid))).toBe(1_000_00); // still held, not spent
    const report = await requeryDueWithdrawals(deps());
    expect(report.checked).toBeGreaterThanOrEqual(1);
    await settles(view.withdrawalId, "succeeded");
    expect((await wallet(caller.uid)).pendingDebits).toBe(0);
  });

  it("a result that reports another amount is a conflict: the hold stays and operators are told", async () => {
    const phone = kenyanPhone("9004"); // the result reports one shilling more
    const caller = await customer(phone, 1_000);
    const { view, quote } = await withdrawOf(caller, phone, 250_00);
    const conflict = await settles(view.withdrawalId, "conflict");
    expect(conflict?.nextCheckAt).toBeNull();
    expect((await wallet(caller.uid)).pendingDebits).toBe(250_00 + quote.fee);
    const alert = (await ALERTS.ref(db).doc(`payout-amount:${view.withdrawalId}`).get()).data();
    expect(alert).toMatchObject({ type: "payout-amount-mismatch", detail: { asked: 250_00, paid: 251_00 } });
    // The user cannot start another while this one is unsettled.
    const again = await refusal(withdrawOf(caller, phone, 100_00));
    expect(again).toMatchObject({ code: "failed-precondition" });
    expect(again.message).toMatch(/still in progress/);
  });

  it("a late failure after a paid result changes nothing and goes to operators", async () => {
    const phone = kenyanPhone("9003"); // paid, then a late failure result
    const caller = await customer(phone, 1_000);
    const { view } = await withdrawOf(caller, phone, 150_00);
    await settles(view.withdrawalId, "succeeded");
    const alert = await eventually(
      async () => (await ALERTS.ref(db).doc(`payout-contradiction:${view.withdrawalId}:failed`).get()).data(),
      (found) => found !== undefined,
    );
    expect(alert?.type).toBe("payout-contradiction");
    expect((await withdrawalOf(view.withdrawalId))?.status).toBe("succeeded");
  });

  it("the same key twice is one withdrawal and one B2C request", async () => {
    const phone = kenyanPhone("9999");
    const caller = await customer(phone, 1_000);
    const { input, view } = await withdrawOf(caller, phone, 100_00);
    const [again, third] = await Promise.all([withdraw(input, caller, deps()), withdraw(input, caller, deps())]);
    expect(again.withdrawalId).toBe(view.withdrawalId);
    expect(third.withdrawalId).toBe(view.withdrawalId);
    const { payoutId } = (await withdrawalOf(view.withdrawalId))!;
    expect(await b2cRequests(phone, payoutId)).toHaveLength(1);
    const other = await refusal(withdraw({ ...input, phone: kenyanPhone("0000") }, caller, deps()));
    expect(other).toMatchObject({ code: "already-exists" });
  });

  it("a float below the threshold is an operator alert, once a day", async () => {
    const day = new Date().toISOString().slice(0, 10);
    const alertRef = ALERTS.ref(db).doc(`payout-float-low:mpesa:KES:${day}`);
    for (const floatKes of [1_000, 900]) {
      const phone = kenyanPhone("9999");
      const caller = await customer(phone, 1_000);
      const { view } = await withdrawOf(caller, phone, 100_00);
      const { payoutId } = (await withdrawalOf(view.withdrawalId))!;
      const receipt = `U${randomBytes(5).toString("hex").toUpperCase().slice(0, 9)}`;
      expect((await postResult(payoutId, b2cResult(payoutId, 100, receipt, floatKes))).status).toBe(200);
      await settles(view.withdrawalId, "succeeded");
    }
    // The first low report raised it (against the default PAYOUT_FLOAT_LOW, KES 50,000); the second found it.
    expect((await alertRef.get()).data()).toMatchObject({
      type: "payout-float-low",
      detail: { availableFunds: 1_000_00, threshold: DEFAULT_FLOAT_LOW.KES },
    });
  });
});

describe("withdraw to MTN/Airtel through ioTec", () => {
  it("pays on ioTec's callback", async () => {
    const phone = ugandanPayee("011177777");
    const caller = await customer(phone, 50_000, "UGX");
    const { view, quote } = await withdrawOf(caller, phone, 20_000, "UGX");
    await settles(view.withdrawalId, "succeeded");
    expect(balanceOf(await wallet(caller.uid, "UGX"))).toBe(50_000 - 20_000 - quote.fee);
  });

  it("a disbursement that never settles keeps its hold, and after a day operators are alerted", async () => {
    const phone = ugandanPayee("011177778"); // stays Pending, no callback
    const caller = await customer(phone, 50_000, "UGX");
    const { view, quote } = await withdrawOf(caller, phone, 10_000, "UGX");
    const created = (await withdrawalOf(view.withdrawalId))!.createdAt.toMillis();
    for (const hoursLater of [1, 12, 25]) {
      await requeryDueWithdrawals(deps({ now: () => created + hoursLater * HOUR }));
    }
    const open = await withdrawalOf(view.withdrawalId);
    expect(open?.status).toBe("pending");
    expect(open?.checks).toBe(3);
    expect((await wallet(caller.uid, "UGX")).pendingDebits).toBe(10_000 + quote.fee);
    const alert = (await ALERTS.ref(db).doc(`payout-hold:${view.withdrawalId}`).get()).data();
    expect(alert).toMatchObject({ type: "payout-hold-24h", detail: { amount: 10_000, currency: "UGX" } });
  });

  it("a failed disbursement releases the hold", async () => {
    const phone = ugandanPayee("011177799");
    const caller = await customer(phone, 50_000, "UGX");
    const { view } = await withdrawOf(caller, phone, 10_000, "UGX");
    await settles(view.withdrawalId, "failed");
    expect(availableOf(await wallet(caller.uid, "UGX"))).toBe(50_000);
  });
});

describe("withdraw refuses", () => {
  it("10 concurrent withdrawals over the balance: never negative, never two in flight, each refusal a sentence", async () => {
    const phone = kenyanPhone("9999"); // the one admitted stays in flight
    const caller = await customer(phone, 1_000);
    const quotes = await Promise.all(Array.from({ length: 10 }, () => quoteFor(caller, 300_00)));
    const results = await Promise.allSettled(
      quotes.map((quote) =>
        withdraw({ idempotencyKey: randomUUID(), quoteId: quote.quoteId, phone, pin: PIN }, caller, deps()),
      ),
    );
    const admitted = results.filter((result) => result.status === "fulfilled");
    expect(admitted).toHaveLength(1);
    for (const result of results) {
      if (result.status === "rejected") {
        expect(result.reason).toMatchObject({ code: "failed-precondition" });
        expect((result.reason as Error).message).toMatch(/still in progress|Insufficient funds|in progress/);
      }
    }
    const balances = await wallet(caller.uid);
    expect(availableOf(balances)).toBeGreaterThanOrEqual(0);
    expect(balances.pendingDebits).toBe(300_00 + (quotes[0]?.fee ?? 0));
    const open = await WITHDRAWALS.ref(db).where("uid", "==", caller.uid).get();
    expect(open.size).toBe(1);
  });

  it("a number the user never topped up from, with nothing written", async () => {
    const phone = kenyanPhone("0000");
    const caller = await customer(phone, 1_000);
    const elsewhere = kenyanPhone("0000");
    const error = await refusal(withdrawOf(caller, elsewhere, 100_00));
    expect(error).toMatchObject({ code: "failed-precondition" });
    expect(error.message).toBe(
      `phone: money is only sent to a number you have topped up from. Top up once from ${elsewhere}, then withdraw to it.`,
    );
    expect(balanceOf(await wallet(caller.uid))).toBe(1_000_00);
    expect((await wallet(caller.uid)).pendingDebits).toBe(0);
    expect((await WITHDRAWALS.ref(db).where("uid", "==", caller.uid).get()).size).toBe(0);
  });

  it("a wrong PIN, with nothing held", async () => {
    const phone = kenyanPhone("0000");
    const caller = await customer(phone, 1_000);
    const quote = await quoteFor(caller, 100_00);
    const error = await refusal(
      withdraw({ idempotencyKey: randomUUID(), quoteId: quote.quoteId, phone, pin: "9137" }, caller, deps()),
    );
    expect(error).toMatchObject({ code: "invalid-argument", message: expect.stringMatching(/^pin: /) });
    expect((await wallet(caller.uid)).pendingDebits).toBe(0);
  });

  it("more than one withdrawal may be, and more than the day allows", async () => {
    const phone = kenyanPhone("0000");
    const caller = await customer(phone, 5_000);
    const limits: WithdrawalLimits = { KES: { min: 10_00, max: 1_000_00, perDay: 1_500_00 } };
    const tooBig = await refusal(withdrawOf(caller, phone, 1_200_00, "KES", { limits: () => limits }));
    expect(tooBig.message).toBe(
      "quoteId: a withdrawal must be between KES 10.00 and KES 1,000.00; ask for a new quote.",
    );
    const first = await withdrawOf(caller, phone, 1_000_00, "KES", { limits: () => limits });
    await settles(first.view.withdrawalId, "succeeded");
    const over = await refusal(withdrawOf(caller, phone, 600_00, "KES", { limits: () => limits }));
    expect(over.message).toBe(
      "quoteId: you can withdraw KES 500.00 more today (daily limit KES 1,500.00); ask for a quote within it.",
    );
    const options = await getWithdrawalOptions({ currency: "KES" }, caller, deps({ limits: () => limits }));
    expect(options).toMatchObject({ usedToday: 1_000_00, perDay: 1_500_00, max: 1_000_00, inFlight: null });
  });

  it("cents, which M-Pesa cannot pay out", async () => {
    const phone = kenyanPhone("0000");
    const caller = await customer(phone, 1_000);
    const error = await refusal(withdrawOf(caller, phone, 100_50));
    expect(error.message).toBe("quoteId: M-Pesa pays out whole KES only; ask for a quote in whole KES.");
  });

  it("points, which cannot be withdrawn", async () => {
    const caller = await customer(kenyanPhone("0000"), 1_000);
    const error = await refusal(
      createQuote(
        db,
        caller.uid,
        { service: "withdrawal", amount: 100_00, currency: "KES", redeemPoints: 10 },
        Date.now(),
      ),
    );
    expect(error).toMatchObject({ code: "invalid-argument" });
  });

  it("a hold whose call died before recording it is released after 10 minutes, and only then", async () => {
    const phone = kenyanPhone("0000");
    const caller = await customer(phone, 1_000);
    const quote = await quoteFor(caller, 100_00);
    const key = randomUUID();
    const payoutId = payoutIdOf(withdrawalIdFor(caller.uid, key));
    // What withdraw does before its record, as if its instance then stopped.
    const hold = await holdPurchase(
      {
        uid: caller.uid,
        quoteId: quote.quoteId,
        idempotencyKey: `withdrawal:${key}`,
        pin: PIN,
        payee: accounts.clearing("mpesa", "KES"),
        entry: { id: payoutId, kind: "withdrawal" },
      },
      deps(),
    );
    expect(hold.status).toBe("pending");
    const createdAt = Date.now();
    await releaseOrphanHolds(deps({ now: () => createdAt + ORPHAN_HOLD_AFTER_MS - 60_000 }));
    expect(await readEntry(db, payoutId)).toMatchObject({ status: "pending" });
    // A recorded withdrawal's hold is never touched, however old.
    const recorded = await withdrawOf(caller, phone, 100_00);
    await releaseOrphanHolds(deps({ now: () => createdAt + ORPHAN_HOLD_AFTER_MS + 60_000 }));
    expect(await readEntry(db, payoutId)).toMatchObject({ status: "voided" });
    expect(await readEntry(db, (await withdrawalOf(recorded.view.withdrawalId))!.payoutId)).not.toMatchObject({
      status: "voided",
    });
    // Only the recorded withdrawal's money is still out of reach.
    expect(availableOf(await wallet(caller.uid))).toBe(1_000_00 - 100_00 - quote.fee);
  });
});
