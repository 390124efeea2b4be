// Spending from a wallet against the emulators, with the real pieces: the fee rules `npm start`
// seeds, the quote handler, the transaction PIN, the ledger and the points trigger. The seed's
// example end to end (KES 1,000 airtime → fee 50, total 1,050, 10 points), points redeemed fee
// first, a failed delivery releasing everything it held, a quote charged exactly once however
// often the purchase is sent, and transfers between wallets behind the PIN (money rules 10, 13, 15).
import { randomUUID } from "node:crypto";

import { beforeAll, describe, expect, it } from "vitest";

import { eventually } from "../../../tests/support/eventually.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { randomIp } from "../../../tests/support/client.js";
import { emulatorSecrets } from "../../../tests/support/providers.js";
import { refusal } from "../../../tests/support/refusal.js";
import { seedLocalFeeRules } from "../fees/local-rules.js";
import { quote } from "../fees/quote.js";
import { QUOTE_TTL_MS } from "../fees/quotes.js";
import { accounts, availableOf, balanceOf } from "../ledger/accounts.js";
import { postEntry, readBalances, readEntry } from "../ledger/journal.js";
import { pointsEntryId } from "../rewards/award.js";
import { setPin, verifyPin } from "./pin.js";
import { completePurchase, failPurchase, holdPurchase, type PurchaseDeps } from "./purchase.js";
import { transfer } from "./transfer.js";

// The pepper the Functions emulator gets, so in-process calls hash as the functions do.
process.env.PIN_PEPPER = emulatorSecrets.PIN_PEPPER ?? "";

const db = adminDb();
const PIN = "4821";
const biller = accounts.clearing("vtpass", "KES");
const deps: PurchaseDeps = { db, now: Date.now, verifyPin };

beforeAll(async () => {
  await seedLocalFeeRules(db);
});

/** A user with a PIN and KES in their wallet. */
async function customer(shillings: number): Promise<{ uid: string; ip: string }> {
  const caller = { uid: `buyer-${randomUUID()}`, ip: randomIp() };
  await setPin({ pin: PIN }, caller, { db, now: Date.now });
  await postEntry(db, {
    id: `topup:${randomUUID()}`,
    kind: "topup",
    postings: [
      { account: accounts.clearing("mpesa", "KES"), side: "debit", amount: shillings * 100 },
      { account: accounts.wallet(caller.uid, "KES"), side: "credit", amount: shillings * 100 },
    ],
  });
  return caller;
}

const wallet = (uid: string) => readBalances(db, accounts.wallet(uid, "KES"));
const points = (uid: string) => readBalances(db, accounts.points(uid));

describe("purchases from the wallet", () => {
  it("the seed's example: 1,000 airtime costs 1,050 with the fee in the same entry, and earns 10 points", async () => {
    const buyer = await customer(2_000);
    const quoted = await quote({ service: "airtime", amount: 1_000_00, currency: "KES" }, buyer, {
      db,
      now: Date.now,
    });
    expect(quoted).toMatchObject({ amount: 1_000_00, fee: 50_00, total: 1_050_00, points: 10 });

    const key = randomUUID();
    const held = await holdPurchase(
      { uid: buyer.uid, quoteId: quoted.quoteId, idempotencyKey: key, pin: PIN, payee: biller },
      deps,
    );
    expect(held.status).toBe("pending");
    expect(held.postings.map((p) => [p.account.id, p.side, p.amount])).toEqual([
      [accounts.wallet(buyer.uid, "KES").id, "debit", 1_050_00],
      [biller.id, "credit", 1_000_00],
      [accounts.fees("KES").id, "credit", 50_00],
    ]);
    const whileHeld = await wallet(buyer.uid);
    expect([balanceOf(whileHeld), availableOf(whileHeld)]).toEqual([2_000_00, 950_00]);

    await completePurchase(db, held.id);
    expect(balanceOf(await wallet(buyer.uid))).toBe(950_00);
    // The onLedgerEntryPosted trigger awards the points.
    await eventually(
      () => readEntry(db, pointsEntryId(held.id)),
      (entry) => entry !== undefined,
    );
    expect(balanceOf(await points(buyer.uid))).toBe(10);
  });

  it("points pay the fee first, are held with the money, and a failed delivery releases both in full", async () => {
    const buyer = await customer(2_000);
    await postEntry(db, {
      id: `points:${randomUUID()}`,
      kind: "points-earned",
      postings: [
        { account: accounts.pointsLiability(), side: "debit", amount: 30 },
        { account: accounts.points(buyer.uid), side: "credit", amount: 30 },
      ],
    });
    const quoted = await quote({ service: "airtime", amount: 1_000_00, currency: "KES", redeemPoints: 30 }, buyer, {
      db,
      now: Date.now,
    });
    // 30 points are worth KES 30, all of it against the KES 50 fee: the purchase is paid in cash
    // and still earns its 10 points.
    expect(quoted).toMatchObject({ fee: 50_00, redeemPoints: 30, redeemValue: 30_00, total: 1_020_00, points: 10 });
    const held = await holdPurchase(
      { uid: buyer.uid, quoteId: quoted.quoteId, idempotencyKey: randomUUID(), pin: PIN, payee: biller },
      deps,
    );
    expect(availableOf(await wallet(buyer.uid))).toBe(980_00);
    expect(availableOf(await points(buyer.uid))).toBe(0);

    await failPurchase(db, held.id);
    expect(availableOf(await wallet(buyer.uid))).toBe(2_000_00);
    expect(availableOf(await points(buyer.uid))).toBe(30);
    expect(await readEntry(db, pointsEntryId(held.id))).toBeUndefined();
    await expect(completePurchase(db, held.id)).rejects.toMatchObject({ code: "failed-precondition" });
  });

  it("one purchase however often it is sent, ten at once: the quote is charged once", async () => {
    const buyer = await customer(5_000);
    const quoted = await quote({ service: "airtime", amount: 1_000_00, currency: "KES" }, buyer, {
      db,
      now: Date.now,
    });
    const key = randomUUID();
    const request = { uid: buyer.uid, quoteId: quoted.quoteId, idempotencyKey: key, pin: PIN, payee: biller };
    const entries = await Promise.all(Array.from({ length: 10 }, () => holdPurchase(request, deps)));
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(1);
    expect(availableOf(await wallet(buyer.uid))).toBe(3_950_00);
    // The same quote under another key is a second purchase: refused.
    const again = await refusal(holdPurchase({ ...request, idempotencyKey: randomUUID() }, deps));
    expect(again.code).toBe("failed-precondition");
    expect(availableOf(await wallet(buyer.uid))).toBe(3_950_00);
  });

  it("refuses a wrong PIN, an expired quote and a balance that does not cover it, holding nothing", async () => {
    const buyer = await customer(500);
    const quoted = await quote({ service: "airtime", amount: 1_000_00, currency: "KES" }, buyer, {
      db,
      now: Date.now,
    });
    const request = {
      uid: buyer.uid,
      quoteId: quoted.quoteId,
      idempotencyKey: randomUUID(),
      pin: "1357",
      payee: biller,
    };
    expect((await refusal(holdPurchase(request, deps))).code).toBe("invalid-argument");
    const poor = await refusal(holdPurchase({ ...request, pin: PIN }, deps));
    expect(poor.code).toBe("failed-precondition");
    expect(poor.message).toMatch(
      /^Insufficient funds: KES 500\.00 available in your KES wallet, KES 1,050\.00 needed\.$/,
    );

    const later = Date.now() + QUOTE_TTL_MS + 1_000;
    const fresh = await quote({ service: "airtime", amount: 100_00, currency: "KES" }, buyer, { db, now: Date.now });
    const expired = await refusal(
      holdPurchase(
        { ...request, quoteId: fresh.quoteId, idempotencyKey: randomUUID(), pin: PIN },
        { ...deps, now: () => later },
      ),
    );
    expect(expired.code).toBe("failed-precondition");
    expect(availableOf(await wallet(buyer.uid))).toBe(500_00);
  });
});

describe("transfers between wallets", () => {
  it("moves money once behind the PIN, and refuses a wrong PIN or sending to oneself", async () => {
    const sender = await customer(300);
    const recipient = `recipient-${randomUUID()}`;
    const request = {
      from: sender.uid,
      to: recipient,
      currency: "KES" as const,
      amount: 120_00,
      idempotencyKey: randomUUID(),
    };
    expect((await refusal(transfer({ ...request, pin: "1357" }, deps))).code).toBe("invalid-argument");
    const sent = await Promise.all([
      transfer({ ...request, pin: PIN }, deps),
      transfer({ ...request, pin: PIN }, deps),
    ]);
    expect(sent[0].id).toBe(sent[1].id);
    expect(balanceOf(await wallet(sender.uid))).toBe(180_00);
    expect(balanceOf(await wallet(recipient))).toBe(120_00);
    expect((await refusal(transfer({ ...request, to: sender.uid, pin: PIN }, deps))).code).toBe("invalid-argument");
  });
});
