// Quotes against the Firestore emulator, with the fee rules `npm start` seeds: the seed's example
// through the handler the quote callable wraps (in-process, on an injected clock), rules taking
// over at their effectiveFrom, points redeemed fee first and capped, claims that expire, repeat
// per key and land exactly once across concurrent keys; then the callable over HTTP for its
// wiring and its input handling (money rule 15).
import { randomUUID } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";

import { call, randomIp, signUpAnonymous } from "../../../tests/support/client.js";
import { adminDb } from "../../../tests/support/firestore.js";
import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { accounts } from "../ledger/accounts.js";
import { postEntry } from "../ledger/journal.js";
import type { Service } from "../shared/catalog.js";
import { LOCAL_FEE_RULES, seedLocalFeeRules } from "./local-rules.js";
import { quote, type QuoteView } from "./quote.js";
import { claimQuote, QUOTE_TTL_MS, QUOTES, type ClaimedQuote } from "./quotes.js";
import { FEE_RULES, feeRuleId, feeRuleSchema } from "./rules.js";
import type { QuoteInput } from "./schemas.js";

const db = adminDb();
/** The injected clock: a moment the seeded rules (in force since 2025) price. */
const NOW = Date.UTC(2026, 5, 1, 12);
const AIRTIME: QuoteInput = { service: "airtime", amount: 1_000_00, currency: "KES" };

beforeAll(async () => {
  await seedLocalFeeRules(db);
});

function newCaller(): Caller {
  return { uid: `quote-${randomUUID()}`, ip: randomIp() };
}

function quoteAt(now: number, input: QuoteInput, caller: Caller = newCaller()): Promise<QuoteView> {
  return quote(input, caller, { db, now: () => now });
}

/** The refusal's code and message, or the answer. */
async function outcome<T>(attempt: Promise<T>): Promise<T | { code: string; message: string }> {
  try {
    return await attempt;
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    throw error;
  }
}

async function quotesOf(uid: string): Promise<number> {
  return (await QUOTES.ref(db).where("uid", "==", uid).get()).size;
}

async function givePoints(uid: string, points: number, held = 0): Promise<void> {
  const liability = accounts.pointsLiability();
  const mine = accounts.points(uid);
  await postEntry(db, {
    id: `test-points:${uid}`,
    kind: "points",
    postings: [
      { account: liability, side: "debit", amount: points },
      { account: mine, side: "credit", amount: points },
    ],
  });
  if (held > 0) {
    await postEntry(db, {
      id: `test-points-hold:${uid}`,
      kind: "purchase",
      hold: true,
      postings: [
        { account: mine, side: "debit", amount: held },
        { account: liability, side: "credit", amount: held },
      ],
    });
  }
}

describe("quote with the seeded fee rules", () => {
  it("airtime for KES 1,000: a KES 50 fee, KES 1,050 in all, 10 points, kept for 5 minutes", async () => {
    const caller = newCaller();
    const view = await quoteAt(NOW, AIRTIME, caller);
    expect(view).toEqual({
      quoteId: expect.any(String),
      amount: 1_000_00,
      fee: 50_00,
      total: 1_050_00,
      points: 10,
      expiresAt: new Date(NOW + 5 * 60_000).toISOString(),
    });
    const stored = (await QUOTES.ref(db).doc(view.quoteId).get()).data();
    expect(stored).toMatchObject({
      uid: caller.uid,
      service: "airtime",
      currency: "KES",
      amount: 1_000_00,
      fee: 50_00,
      total: 1_050_00,
      points: 10,
      redeemPoints: 0,
      redeemValue: 0,
      cashPurchase: 1_000_00,
      ruleId: "airtime:KES:v1",
      ruleVersion: 1,
      claimedBy: null,
    });
    expect(stored?.createdAt.toMillis()).toBe(NOW);
    expect(stored?.expiresAt.toMillis()).toBe(NOW + QUOTE_TTL_MS);
  });

  it("quotes every service in every currency the seed prices", async () => {
    for (const rule of LOCAL_FEE_RULES) {
      // One caller per rule: there are more rules than one user's 30 quotes a minute.
      const caller = newCaller();
      const view = await quoteAt(NOW, { service: rule.service, currency: rule.currency, amount: 5_000_00 }, caller);
      expect(view.total).toBe(5_000_00 + view.fee);
      expect(view.fee).toBeGreaterThan(0);
    }
  });

  it("refuses a time before any rule with failed-precondition, writing nothing", async () => {
    const caller = newCaller();
    expect(await outcome(quoteAt(Date.UTC(2024, 0, 1), AIRTIME, caller))).toEqual({
      code: "failed-precondition",
      message: "service: Airtime is not offered in KES yet.",
    });
    expect(await quotesOf(caller.uid)).toBe(0);
  });
});

describe("the rule in force", () => {
  // Far beyond the present, so no other test's clock ever reaches these versions.
  const takesOver = Date.UTC(2300, 0, 1);
  const tie = Date.UTC(2301, 0, 1);

  async function writeRule(version: number, effectiveFrom: number, flat: number): Promise<void> {
    const rule = feeRuleSchema.parse({
      service: "airtime",
      currency: "KES",
      version,
      effectiveFrom: Timestamp.fromMillis(effectiveFrom),
      kind: "flat",
      flat,
      pointsDivisor: 100,
    });
    await FEE_RULES.ref(db).doc(feeRuleId(rule)).set(rule);
  }

  beforeAll(async () => {
    await writeRule(2, takesOver, 10_00);
    await writeRule(3, tie, 30_00);
    await writeRule(4, tie, 20_00);
  });

  it("a newer rule takes over at its effectiveFrom, and not a moment before", async () => {
    expect(await quoteAt(takesOver - 1, AIRTIME)).toMatchObject({ fee: 50_00 });
    const after = await quoteAt(takesOver, AIRTIME);
    expect(after).toMatchObject({ fee: 10_00, total: 1_010_00 });
    expect((await QUOTES.ref(db).doc(after.quoteId).get()).data()).toMatchObject({
      ruleId: "airtime:KES:v2",
      ruleVersion: 2,
    });
  });

  it("of two rules from the same moment, the higher version", async () => {
    const view = await quoteAt(tie, AIRTIME);
    expect(view.fee).toBe(20_00);
    expect((await QUOTES.ref(db).doc(view.quoteId).get()).data()?.ruleVersion).toBe(4);
  });
});

describe("a rule that does not match the schema", () => {
  const broken = Date.UTC(2400, 0, 1);
  const tv: QuoteInput = { service: "tv" satisfies Service, currency: "NGN", amount: 10_000_00 };

  beforeAll(async () => {
    // As an operator might mistype it: an unknown kind. Written raw: the schema would refuse it.
    await db
      .collection(FEE_RULES.id)
      .doc("tv:NGN:v2")
      .set({
        service: "tv",
        currency: "NGN",
        version: 2,
        effectiveFrom: Timestamp.fromMillis(broken),
        kind: "percent",
        pointsDivisor: 1,
      });
  });

  it("refuses quotes for its service with failed-precondition once it is the newest, writing nothing", async () => {
    const caller = newCaller();
    expect(await outcome(quoteAt(broken, tv, caller))).toEqual({
      code: "failed-precondition",
      message: "service: TV subscription in NGN cannot be priced right now. Please try again later.",
    });
    expect(await quotesOf(caller.uid)).toBe(0);
    expect(await quoteAt(broken - 1, tv, caller)).toMatchObject({ fee: 360_00 });
  });
});

describe("quote with points", () => {
  it("points pay the fee first; the purchase earns in full", async () => {
    const caller = newCaller();
    await givePoints(caller.uid, 100);
    expect(await quoteAt(NOW, { ...AIRTIME, redeemPoints: 30 }, caller)).toMatchObject({
      fee: 50_00,
      total: 1_020_00,
      points: 10,
      redeemPoints: 30,
      redeemValue: 30_00,
    });
  });

  it("points beyond the fee pay the purchase, which earns only on what money paid", async () => {
    const caller = newCaller();
    await givePoints(caller.uid, 100);
    const view = await quoteAt(NOW, { ...AIRTIME, redeemPoints: 80 }, caller);
    expect(view).toMatchObject({ total: 970_00, points: 9, redeemPoints: 80, redeemValue: 80_00 });
    expect((await QUOTES.ref(db).doc(view.quoteId).get()).data()).toMatchObject({
      feePaidWithPoints: 50_00,
      cashPurchase: 970_00,
    });
  });

  it("spends no more than amount + fee is worth", async () => {
    const caller = newCaller();
    await givePoints(caller.uid, 5_000);
    expect(await quoteAt(NOW, { ...AIRTIME, redeemPoints: 2_000 }, caller)).toMatchObject({
      total: 0,
      points: 0,
      redeemPoints: 1_050,
      redeemValue: 1_050_00,
    });
  });

  it("refuses more points than are available (held points are not), writing nothing", async () => {
    const caller = newCaller();
    await givePoints(caller.uid, 100, 60);
    expect(await outcome(quoteAt(NOW, { ...AIRTIME, redeemPoints: 50 }, caller))).toEqual({
      code: "failed-precondition",
      message: "redeemPoints: you have 40 points to spend; ask for 40 or fewer.",
    });
    const none = newCaller();
    expect(await outcome(quoteAt(NOW, { ...AIRTIME, redeemPoints: 1 }, none))).toMatchObject({
      message: "redeemPoints: you have no points to spend yet.",
    });
    expect((await quotesOf(caller.uid)) + (await quotesOf(none.uid))).toBe(0);
  });
});

describe("claimQuote", () => {
  async function freshQuote(): Promise<{ caller: Caller; view: QuoteView }> {
    const caller = newCaller();
    return { caller, view: await quoteAt(NOW, AIRTIME, caller) };
  }

  it("returns the quote's numbers, and the same again for the same claim key, even after expiry", async () => {
    const { caller, view } = await freshQuote();
    const claim = { uid: caller.uid, quoteId: view.quoteId, claim: `bill:${randomUUID()}` };
    const first = await claimQuote(db, { ...claim, now: NOW + 1 });
    expect(first).toMatchObject<Partial<ClaimedQuote>>({
      quoteId: view.quoteId,
      service: "airtime",
      currency: "KES",
      amount: 1_000_00,
      fee: 50_00,
      total: 1_050_00,
      points: 10,
      ruleId: "airtime:KES:v1",
      expiresAt: view.expiresAt,
    });
    expect(await claimQuote(db, { ...claim, now: NOW + 2 })).toEqual(first);
    expect(await claimQuote(db, { ...claim, now: NOW + QUOTE_TTL_MS + 60_000 })).toEqual(first);
    expect((await QUOTES.ref(db).doc(view.quoteId).get()).data()).toMatchObject({ claimedBy: claim.claim });
  });

  it("refuses another claim key, another user's quote and a missing quote", async () => {
    const { caller, view } = await freshQuote();
    await claimQuote(db, { uid: caller.uid, quoteId: view.quoteId, claim: "bill:first", now: NOW });
    expect(
      await outcome(claimQuote(db, { uid: caller.uid, quoteId: view.quoteId, claim: "bill:second", now: NOW })),
    ).toEqual({
      code: "failed-precondition",
      message: "quoteId: this quote has already been used; ask for a new one.",
    });
    const notYours = { code: "not-found", message: "quoteId: there is no such quote for you." };
    expect(
      await outcome(claimQuote(db, { uid: "someone-else", quoteId: view.quoteId, claim: "bill:x", now: NOW })),
    ).toEqual(notYours);
    expect(
      await outcome(claimQuote(db, { uid: caller.uid, quoteId: "missing000000", claim: "bill:x", now: NOW })),
    ).toEqual(notYours);
    expect(
      await outcome(claimQuote(db, { uid: caller.uid, quoteId: "../payments/x", claim: "bill:x", now: NOW })),
    ).toEqual(notYours);
  });

  it("refuses a claim 5 minutes after the quote, and not a moment before", async () => {
    const late = await freshQuote();
    expect(
      await outcome(
        claimQuote(db, {
          uid: late.caller.uid,
          quoteId: late.view.quoteId,
          claim: "bill:late",
          now: NOW + QUOTE_TTL_MS,
        }),
      ),
    ).toEqual({
      code: "failed-precondition",
      message: `quoteId: this quote expired at ${new Date(NOW + QUOTE_TTL_MS).toISOString()}; ask for a new one.`,
    });
    expect((await QUOTES.ref(db).doc(late.view.quoteId).get()).data()?.claimedBy).toBeNull();
    const inTime = await freshQuote();
    expect(
      await claimQuote(db, {
        uid: inTime.caller.uid,
        quoteId: inTime.view.quoteId,
        claim: "bill:in-time",
        now: NOW + QUOTE_TTL_MS - 1,
      }),
    ).toMatchObject({ total: 1_050_00 });
  });

  it("of 10 concurrent claims with different keys exactly one wins; 10 with one key all get the quote", async () => {
    const { caller, view } = await freshQuote();
    const keys = Array.from({ length: 10 }, (_, i) => `bill:${i}-${randomUUID()}`);
    const results = await Promise.all(
      keys.map((claim) => outcome(claimQuote(db, { uid: caller.uid, quoteId: view.quoteId, claim, now: NOW }))),
    );
    const won = results.flatMap((result, i) => ("quoteId" in result ? [keys[i]] : []));
    expect(won).toHaveLength(1);
    expect(results.filter((result) => "code" in result && result.code === "failed-precondition")).toHaveLength(9);
    expect((await QUOTES.ref(db).doc(view.quoteId).get()).data()?.claimedBy).toBe(won[0]);

    const other = await freshQuote();
    const same = await Promise.all(
      Array.from({ length: 10 }, () =>
        claimQuote(db, { uid: other.caller.uid, quoteId: other.view.quoteId, claim: "bill:same", now: NOW }),
      ),
    );
    expect(new Set(same.map((result) => JSON.stringify(result))).size).toBe(1);
  });
});

describe("the quote callable over HTTP", () => {
  it("answers a signed-in user with the seed's example", async () => {
    const user = await signUpAnonymous();
    const result = await call<QuoteView>("quote", AIRTIME, { user });
    expect(result).toMatchObject({ ok: true, result: { amount: 1_000_00, fee: 50_00, total: 1_050_00, points: 10 } });
    if (result.ok) {
      expect(Date.parse(result.result.expiresAt) - Date.now()).toBeLessThanOrEqual(QUOTE_TTL_MS);
      expect((await QUOTES.ref(db).doc(result.result.quoteId).get()).data()?.uid).toBe(user.uid);
    }
  });

  it("needs a signed-in user", async () => {
    expect(await call("quote", AIRTIME)).toMatchObject({ ok: false, code: "unauthenticated" });
  });

  const cases: [string, unknown, string][] = [
    ["null data", null, "quote: send the call's fields as an object"],
    ["a missing service", { amount: 1_000_00, currency: "KES" }, "service"],
    ["an unknown service", { ...AIRTIME, service: "gas" }, "service: must be one of: airtime, data, electricity, tv"],
    ["a fractional amount", { ...AIRTIME, amount: 100.5 }, "amount: must be a whole number of minor units"],
    ["a zero amount", { ...AIRTIME, amount: 0 }, "amount: must be greater than zero"],
    ["a huge amount", { ...AIRTIME, amount: 1e12 }, "amount: is larger than any single purchase"],
    ["an amount as text", { ...AIRTIME, amount: "1000" }, "amount: must be a number of minor units"],
    ["an unknown currency", { ...AIRTIME, currency: "USD" }, "currency: must be one of: KES, UGX, NGN, MWK"],
    ["fractional points", { ...AIRTIME, redeemPoints: 1.5 }, "redeemPoints: must be a whole number of points"],
    ["negative points", { ...AIRTIME, redeemPoints: -5 }, "redeemPoints: must be greater than zero"],
    ["an unknown field", { ...AIRTIME, fee: 0 }, "fee"],
  ];

  it.each(cases)("rejects %s with invalid-argument and a message, writing nothing", async (_name, data, mentions) => {
    const user = await signUpAnonymous();
    const result = await call("quote", data, { user });
    expect(result).toMatchObject({ ok: false, code: "invalid-argument" });
    if (!result.ok) {
      expect(result.message).toContain(mentions);
      expect(result.message).not.toMatch(/at .+\.js|TypeError|undefined is not/);
    }
    expect(await quotesOf(user.uid)).toBe(0);
  });
});
