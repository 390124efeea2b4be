// Contests (money rules 50-55, docs/contests.md): the server sets an entry's fee, a closed or
// unknown competition takes no entry, the code can be re-sent three times, and a verified payment
// becomes exactly one entry while its competition is open.
import { Timestamp } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";

import { call, kenyanPhone, signUpAnonymous, ugandanPhone } from "../../../tests/support/client.js";
import {
  CLOSED_COMPETITION,
  entryRequest,
  mailedCodes,
  OPEN_COMPETITION,
  OPEN_FEE_KES,
  ownCompetition,
  paidEntry,
  seedCompetitions,
} from "../../../tests/support/entries.js";
import { adminDb, eventually, paymentDoc, paymentEvents, waitForStatus } from "../../../tests/support/firestore.js";
import { readEntry } from "../ledger/journal.js";
import { paymentSchema } from "../payments/records.js";
import { bookEntryFee, entryFeeEntryId } from "./fees.js";

beforeAll(seedCompetitions);

async function paymentsOf(uid: string) {
  return (await adminDb().collection("payments").where("uid", "==", uid).get()).docs;
}

const entry = (paymentId: string, overrides: Record<string, unknown> = {}) => ({
  paymentId,
  category: "Solo",
  title: "Sauti ya Moyo",
  link: "https://videos.example.com/sauti",
  description: "An original song, recorded live.",
  ...overrides,
});

async function verifiedEntry(overrides: Record<string, unknown> = {}) {
  const paid = await paidEntry(undefined, overrides);
  const verified = await call("verifyPaymentCode", { paymentId: paid.paymentId, code: paid.code }, { user: paid.user });
  expect(verified).toMatchObject({ ok: true });
  return paid;
}

describe("createPayment for an entry: the server's fee", () => {
  it("charges the competition's fee and records the competition on the payment", async () => {
    const { paymentId } = await paidEntry();
    expect(await paymentDoc(paymentId)).toMatchObject({
      purpose: "entry",
      competitionId: OPEN_COMPETITION,
      amount: OPEN_FEE_KES,
      currency: "KES",
      status: "succeeded",
    });
  });

  it("books the fee once: the provider's clearing account debited, Malipo's entry revenue credited", async () => {
    const { paymentId } = await paidEntry();
    const booked = await eventually(
      () => readEntry(adminDb(), entryFeeEntryId(paymentId)).catch(() => undefined),
      (found) => found?.status === "posted",
    );
    expect(booked).toMatchObject({
      kind: "entry-fee",
      reference: paymentId,
      postings: [
        expect.objectContaining({ accountId: "@clearing:mpesa:KES", side: "debit", amount: OPEN_FEE_KES }),
        expect.objectContaining({ accountId: "@revenue:entries:KES", side: "credit", amount: OPEN_FEE_KES }),
      ],
    });
    // The settlement delivered again (3 times at once): the same entry, nothing more.
    const after = paymentSchema.parse(await paymentDoc(paymentId));
    await Promise.all(
      Array.from({ length: 3 }, () =>
        bookEntryFee(adminDb(), { paymentId, before: undefined, after, eventId: "again" }),
      ),
    );
    const again = await readEntry(adminDb(), entryFeeEntryId(paymentId));
    expect(again).toEqual(booked);
  });

  it.each([
    ["a KES 1 entry", 1_00],
    ["a shilling less than the fee", OPEN_FEE_KES - 1_00],
    ["more than the fee", OPEN_FEE_KES + 100_00],
  ])("refuses %s with the fee in a sentence, writing nothing", async (_name, amount) => {
    const user = await signUpAnonymous();
    const result = await call("createPayment", entryRequest({ amount }), { user });
    expect(result).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: "amount: the entry fee for Kenya Sings 2026 is KES 500.00. Reload the page to see the current fee.",
    });
    expect(await paymentsOf(user.uid)).toHaveLength(0);
  });

  it("refuses a closed competition, an unknown one and a missing one with a sentence", async () => {
    const user = await signUpAnonymous();
    expect(
      await call("createPayment", entryRequest({ competitionId: CLOSED_COMPETITION, amount: 300_00 }), { user }),
    ).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: expect.stringContaining("Dance Off 2025 closed for entries"),
    });
    expect(await call("createPayment", entryRequest({ competitionId: "no-such-contest" }), { user })).toMatchObject({
      ok: false,
      code: "not-found",
      message: expect.stringContaining("there is no such competition"),
    });
    expect(await call("createPayment", entryRequest({ competitionId: undefined }), { user })).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: expect.stringContaining("competitionId: is required for an entry payment"),
    });
    expect(
      await call("createPayment", entryRequest({ purpose: "wallet-topup", email: undefined }), { user }),
    ).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: expect.stringContaining("only for entry payments"),
    });
    expect(await paymentsOf(user.uid)).toHaveLength(0);
  });

  it("refuses a currency the competition does not take", async () => {
    const { id } = await ownCompetition();
    const user = await signUpAnonymous();
    const result = await call(
      "createPayment",
      entryRequest({ competitionId: id, currency: "UGX", amount: 20_000, phone: ugandanPhone() }),
      { user },
    );
    expect(result).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: "currency: Test Talent takes entries in KES, not UGX.",
    });
  });

  it("answers a repeated key (and an open duplicate) with the same payment, even after the competition closed", async () => {
    const { id, fee } = await ownCompetition();
    const user = await signUpAnonymous();
    const request = entryRequest({ competitionId: id, amount: fee });
    const first = await call<{ paymentId: string }>("createPayment", request, { user });
    expect(first.ok).toBe(true);
    await adminDb()
      .collection("competitions")
      .doc(id)
      .update({ closesAt: Timestamp.fromMillis(Date.now() - 1_000) });
    const again = await call<{ paymentId: string }>("createPayment", request, { user });
    expect(again.ok && first.ok && again.result.paymentId === first.result.paymentId).toBe(true);
    // The same payer and fee within the duplicate window is the open payment, not a new one.
    const duplicate = await call<{ paymentId: string }>(
      "createPayment",
      { ...request, idempotencyKey: `${String(request.idempotencyKey)}-2` },
      { user },
    );
    expect(duplicate.ok && first.ok && duplicate.result.paymentId === first.result.paymentId).toBe(true);
    // A new entry (another key and number) is refused: the competition is closed.
    expect(
      await call(
        "createPayment",
        { ...request, idempotencyKey: `${String(request.idempotencyKey)}-3`, phone: kenyanPhone() },
        { user },
      ),
    ).toMatchObject({ ok: false, code: "failed-precondition" });
  });
});

describe("resendPaymentCode", () => {
  it("mails a new code that replaces the old one, at most three times", async () => {
    const { user, paymentId, code: first } = await paidEntry();
    for (let n = 1; n <= 3; n++) {
      expect(await call("resendPaymentCode", { paymentId }, { user })).toEqual({
        ok: true,
        result: { paymentId, resent: n, resendsLeft: 3 - n },
      });
    }
    expect(await call("resendPaymentCode", { paymentId }, { user })).toMatchObject({
      ok: false,
      code: "resource-exhausted",
      message: "The code was already re-sent 3 times. Contact us to verify this entry.",
    });
    const codes = await mailedCodes(paymentId, 4);
    expect(codes).toHaveLength(4);
    expect(codes[0]).toBe(first);
    const latest = codes[3] ?? "";
    if (first !== latest) {
      expect(await call("verifyPaymentCode", { paymentId, code: first }, { user })).toMatchObject({
        ok: false,
        code: "invalid-argument",
      });
    }
    expect(await call("verifyPaymentCode", { paymentId, code: latest }, { user })).toMatchObject({ ok: true });
    expect(await call("resendPaymentCode", { paymentId }, { user })).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: expect.stringContaining("already confirmed"),
    });
    const events = (await paymentEvents(paymentId)).map((event) => event.type);
    expect(events.filter((type) => type === "code-resent")).toHaveLength(3);
  });

  it("keeps counting after the TTL policy deleted an expired code", async () => {
    const { user, paymentId } = await paidEntry();
    await call("resendPaymentCode", { paymentId }, { user });
    // What the TTL policy does to an expired code (the emulator does not run TTL policies).
    await adminDb().collection("paymentCodes").doc(paymentId).delete();
    expect(await call("verifyPaymentCode", { paymentId, code: "123456" }, { user })).toMatchObject({
      ok: false,
      code: "deadline-exceeded",
      message: expect.stringContaining("Ask for a new code"),
    });
    expect(await call("resendPaymentCode", { paymentId }, { user })).toMatchObject({ ok: true, result: { resent: 2 } });
    const codes = await mailedCodes(paymentId, 3);
    expect(await call("verifyPaymentCode", { paymentId, code: codes[2] }, { user })).toMatchObject({ ok: true });
  });

  it("does not reveal another user's payment, nor re-send for a payment that is not a paid entry", async () => {
    const { paymentId } = await paidEntry();
    const stranger = await signUpAnonymous();
    expect(await call("resendPaymentCode", { paymentId }, { user: stranger })).toMatchObject({
      ok: false,
      code: "not-found",
    });
    const cancelled = await call<{ paymentId: string }>("createPayment", entryRequest({ phone: kenyanPhone("1032") }), {
      user: stranger,
    });
    if (!cancelled.ok) throw new Error(cancelled.message);
    await waitForStatus(cancelled.result.paymentId, "cancelled");
    expect(
      await call("resendPaymentCode", { paymentId: cancelled.result.paymentId }, { user: stranger }),
    ).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: "paymentId: only a paid entry has a code to re-send.",
    });
  });
});

describe("submitEntry", () => {
  it("is refused before the code is confirmed, then makes exactly one entry", async () => {
    const { user, paymentId, code } = await paidEntry();
    expect(await call("submitEntry", entry(paymentId), { user })).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: "paymentId: confirm the code we emailed you before submitting the entry.",
    });
    expect(await call("verifyPaymentCode", { paymentId, code }, { user })).toMatchObject({ ok: true });
    const expected = {
      ok: true,
      result: { paymentId, competitionId: OPEN_COMPETITION, category: "Solo", title: "Sauti ya Moyo" },
    };
    expect(await call("submitEntry", entry(paymentId), { user })).toEqual(expected);
    // The same submission again (a retry) is the same entry; a different one is refused.
    expect(await call("submitEntry", entry(paymentId), { user })).toEqual(expected);
    expect(await call("submitEntry", entry(paymentId, { title: "Another song" }), { user })).toMatchObject({
      ok: false,
      code: "already-exists",
    });
    const stored = (await adminDb().collection("entries").doc(paymentId).get()).data();
    expect(stored).toMatchObject({
      uid: user.uid,
      competitionId: OPEN_COMPETITION,
      category: "Solo",
      title: "Sauti ya Moyo",
      link: "https://videos.example.com/sauti",
    });
  });

  it("takes only the competition's categories and https links", async () => {
    const { user, paymentId } = await verifiedEntry();
    expect(await call("submitEntry", entry(paymentId, { category: "Comedy" }), { user })).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: "category: must be one of Kenya Sings 2026's categories: Solo, Group, Gospel.",
    });
    for (const link of ["http://videos.example.com/x", "javascript:alert(1)", "not a link"]) {
      expect(await call("submitEntry", entry(paymentId, { link }), { user })).toMatchObject({
        ok: false,
        code: "invalid-argument",
        message: expect.stringContaining("https:// link"),
      });
    }
    expect((await adminDb().collection("entries").doc(paymentId).get()).exists).toBe(false);
  });

  it("is refused once the competition has closed", async () => {
    const { id, fee } = await ownCompetition();
    const { user, paymentId } = await verifiedEntry({ competitionId: id, amount: fee });
    await adminDb()
      .collection("competitions")
      .doc(id)
      .update({ closesAt: Timestamp.fromMillis(Date.now() - 1_000) });
    expect(await call("submitEntry", entry(paymentId), { user })).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: "Test Talent is closed for entries. Contact us about your payment.",
    });
  });

  it("does not reveal another user's payment", async () => {
    const { paymentId } = await verifiedEntry();
    const stranger = await signUpAnonymous();
    expect(await call("submitEntry", entry(paymentId), { user: stranger })).toMatchObject({
      ok: false,
      code: "not-found",
    });
  });
});
