// Bills against the emulators and a private VTpass simulator: the real catalogue refresh, quote,
// PIN, ledger hold and points trigger, and real HTTP to the simulator for every sandbox number
// and code. Each test buys for its own numbers, so the 30-second same-biller rule of one test
// never meets another's.
import { randomInt, randomUUID } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { eventually } from "../../../tests/support/eventually.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { randomIp } from "../../../tests/support/client.js";
import { addLocalFault, localVtpass, type LocalSimulator } from "../../../tests/support/local-simulators.js";
import { emulatorSecrets } from "../../../tests/support/providers.js";
import { refusal } from "../../../tests/support/refusal.js";
import { VTPASS } from "../../../sandbox/src/settings.js";
import { seedLocalFeeRules } from "../fees/local-rules.js";
import { quote } from "../fees/quote.js";
import { accounts, availableOf, balanceOf } from "../ledger/accounts.js";
import { postEntry, readBalances, readEntry } from "../ledger/journal.js";
import { ORPHAN_HOLD_AFTER_MS } from "../ledger/orphans.js";
import type { HttpAnswer } from "../core/http.js";
import { MAIL } from "../notifications/send.js";
import { ALERTS } from "../payments/collections.js";
import { VtpassBills } from "../providers/vtpass/vtpass.js";
import { pointsEntryId } from "../rewards/award.js";
import { setPin, verifyPin } from "../wallet/pin.js";
import { holdPurchase } from "../wallet/purchase.js";
import { refreshCatalogue } from "./catalogue.js";
import { BILL_EVENTS, BILL_SERVICES, BILL_VERIFICATIONS, BILLS } from "./collections.js";
import type { BillsDeps } from "./deps.js";
import { billIdFor, payBill } from "./pay.js";
import { quoteBill } from "./quote-bill.js";
import { resendBillReceipt } from "./receipt.js";
import { releaseOrphanBillHolds, requeryDueBills } from "./requery.js";
import type { PayBillInput } from "./schemas.js";
import { verifyBillCustomer } from "./verify.js";
import { createBillsWebhookHandler } from "./webhook.js";

process.env.PIN_PEPPER = emulatorSecrets.PIN_PEPPER ?? "";

const db = adminDb();
const PIN = "4821";
let sim: LocalSimulator;
let provider: VtpassBills;
/** Every handler's clock; a test that moves it puts it back. */
let clock = () => Date.now();

function deps(): BillsDeps {
  return { db, provider: () => provider, now: () => clock(), verifyPin };
}

beforeAll(async () => {
  sim = await localVtpass();
  provider = new VtpassBills({
    baseUrl: `${sim.baseUrl}/api`,
    apiKey: VTPASS.apiKey,
    publicKey: VTPASS.publicKey,
    secretKey: VTPASS.secretKey,
    timeoutMs: 1_500,
  });
  await seedLocalFeeRules(db);
  await refreshCatalogue(db, provider, Date.now);
});
afterAll(async () => {
  await sim.close();
});

/** A Nigerian number nobody else in the run uses (the simulator delivers to it). */
function freshPhone(): string {
  return `080${String(randomInt(10_000_000, 99_999_999))}`;
}
function freshMeter(): string {
  return `45${String(randomInt(10_000_000, 99_999_999))}${String(randomInt(100, 999))}`;
}

/** A user with a PIN and `naira` in their NGN wallet. */
async function customer(naira: number) {
  const caller = { uid: `bills-${randomUUID()}`, ip: randomIp() };
  await setPin({ pin: PIN }, caller, { db, now: Date.now });
  await postEntry(db, {
    id: `topup:${randomUUID()}`,
    kind: "topup",
    postings: [
      { account: accounts.clearing("paystack", "NGN"), side: "debit", amount: naira * 100 },
      { account: accounts.wallet(caller.uid, "NGN"), side: "credit", amount: naira * 100 },
    ],
  });
  return caller;
}

const wallet = async (uid: string) => readBalances(db, accounts.wallet(uid, "NGN"));
const billOf = async (billId: string) => (await BILLS.ref(db).doc(billId).get()).data();
const payCalls = (requestId: string) =>
  sim.state.requests.filter((r) => r.path === "pay" && r.reference === requestId).length;

type Buyer = Awaited<ReturnType<typeof customer>>;

/** Airtime for `phone`: quoted, then paid. */
async function buyAirtime(buyer: Buyer, phone: string, naira = 1_000, extra: Partial<PayBillInput> = {}) {
  const quoted = await quoteBill({ serviceId: "mtn", amount: naira * 100 }, buyer, deps());
  const input: PayBillInput = {
    idempotencyKey: randomUUID(),
    quoteId: quoted.quoteId,
    serviceId: "mtn",
    customerNumber: phone,
    pin: PIN,
    ...extra,
  };
  return { quoted, input, bill: await payBill(input, buyer, deps()) };
}

/** Runs the scheduled re-query as if `ms` had passed. */
async function requeryAfter(ms: number) {
  clock = () => Date.now() + ms;
  try {
    return await requeryDueBills(deps());
  } finally {
    clock = () => Date.now();
  }
}

describe("the catalogue", () => {
  it("copies services and plans from the provider, with fixed prices and verification kinds", async () => {
    const dstv = (await BILL_SERVICES.ref(db).doc("dstv").get()).data();
    expect(dstv).toMatchObject({ category: "tv", verification: "smartcard", active: true });
    expect(dstv?.variations.length).toBeGreaterThan(0);
    expect(dstv?.variations.every((v) => v.fixedPrice && v.amount > 0)).toBe(true);
    const ikeja = (await BILL_SERVICES.ref(db).doc("ikeja-electric").get()).data();
    expect(ikeja).toMatchObject({ category: "electricity", verification: "meter" });
    expect(ikeja?.variations.map((v) => v.code).sort()).toEqual(["postpaid", "prepaid"]);
    const mtn = (await BILL_SERVICES.ref(db).doc("mtn").get()).data();
    expect(mtn).toMatchObject({ category: "airtime", verification: null, variations: [] });
  });

  it("prices a fixed plan from the catalogue and refuses another price, an unknown plan and an unknown service", async () => {
    const buyer = await customer(100);
    const dstv = (await BILL_SERVICES.ref(db).doc("dstv").get()).data();
    const plan = dstv?.variations[0];
    if (!plan) throw new Error("no dstv plan in the simulator's catalogue");
    const quoted = await quoteBill({ serviceId: "dstv", variationCode: plan.code }, buyer, deps());
    expect(quoted.amount).toBe(plan.amount);
    const cheaper = await refusal(
      quoteBill({ serviceId: "dstv", variationCode: plan.code, amount: 100 }, buyer, deps()),
    );
    expect(cheaper.message).toMatch(/^amount: .* costs NGN/);
    const unknown = await refusal(quoteBill({ serviceId: "dstv", variationCode: "dstv-free" }, buyer, deps()));
    expect(unknown.message).toMatch(/^variationCode: dstv-free is not a current .* plan/);
    const nothing = await refusal(quoteBill({ serviceId: "no-such-biller", amount: 100_00 }, buyer, deps()));
    expect(nothing.code).toBe("not-found");
  });

  it("refuses a quote that is not the catalogue's price for the plan (a generic quote for less)", async () => {
    const buyer = await customer(50_000);
    const gotv = (await BILL_SERVICES.ref(db).doc("gotv").get()).data();
    const plan = gotv?.variations[0];
    if (!plan) throw new Error("no gotv plan");
    const smartcard = freshMeter().slice(0, 10);
    const verified = await verifyBillCustomer({ serviceId: "gotv", customerNumber: smartcard }, buyer, deps());
    const cheap = await quote({ service: "tv", amount: 100, currency: "NGN" }, buyer, deps());
    const refused = await refusal(
      payBill(
        {
          idempotencyKey: randomUUID(),
          quoteId: cheap.quoteId,
          serviceId: "gotv",
          variationCode: plan.code,
          customerNumber: smartcard,
          phone: freshPhone(),
          verificationId: verified.verificationId,
          pin: PIN,
        },
        buyer,
        deps(),
      ),
    );
    expect(refused.message).toMatch(/^quoteId: .* costs NGN .* ask for a new quote/);
    expect(availableOf(await wallet(buyer.uid))).toBe(50_000_00);
  });

  it("a stale catalogue is not charged, and the variations-update webhook re-reads a service's plans", async () => {
    const buyer = await customer(100);
    const staleNow = Date.now() + 25 * 60 * 60_000;
    const stale = await refusal(
      quoteBill({ serviceId: "mtn", amount: 100_00 }, buyer, { ...deps(), now: () => staleNow }),
    );
    expect(stale.message).toMatch(/price list for .* is out of date/);

    const before = (await BILL_SERVICES.ref(db).doc("mtn-data").get()).data();
    const response = await fetch(`${sim.baseUrl}/__sim/variations-update`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ serviceID: "mtn-data" }),
    });
    expect(response.ok).toBe(true);
    const changed = (await response.json()) as { webhook?: unknown };
    // The simulator's webhook goes to the emulator's URL; here the same body goes to the handler.
    const answer = await deliverWebhook(changed.webhook ?? { type: "variations-update", serviceID: "mtn-data" });
    expect(answer).toEqual({ status: 200, body: { response: "success" } });
    const after = (await BILL_SERVICES.ref(db).doc("mtn-data").get()).data();
    expect(after?.refreshedAt.toMillis()).toBeGreaterThan(before?.refreshedAt.toMillis() ?? 0);
    expect(after?.variations).not.toEqual(before?.variations);
    await refreshCatalogue(db, provider, Date.now);
  });
});

async function deliverWebhook(body: unknown): Promise<{ status: number; body: unknown }> {
  let status = 0;
  let sent: unknown;
  const answer: HttpAnswer = {
    status(code) {
      status = code;
      return this;
    },
    set() {
      return this;
    },
    json(value) {
      sent = value;
    },
  };
  await createBillsWebhookHandler(() => ({ db, provider: () => provider, now: clock }))(
    { method: "POST", path: "/", headers: {}, body },
    answer,
  );
  return { status, body: sent };
}

describe("paying a bill", () => {
  it("delivered: posts the hold exactly once, earns the points, and mails the receipt", async () => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    const { quoted, bill, input } = await buyAirtime(buyer, phone, 1_000, { email: "ada@example.com" });
    expect(bill.status).toBe("delivered");
    expect(quoted.total).toBe(quoted.amount + quoted.fee);
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
    const stored = await billOf(bill.billId);
    expect(stored?.requestId).toMatch(/^\d{12}[A-Za-z0-9]{12,}$/);
    expect(payCalls(stored?.requestId ?? "")).toBe(1);
    expect((await readEntry(db, stored?.entryId ?? ""))?.status).toBe("posted");
    await eventually(
      () => readEntry(db, pointsEntryId(stored?.entryId ?? "")),
      (entry) => entry !== undefined,
    );
    expect(balanceOf(await readBalances(db, accounts.points(buyer.uid)))).toBe(quoted.points);
    // The same call again is the same bill: no second request, no second charge.
    const again = await payBill(input, buyer, deps());
    expect(again.billId).toBe(bill.billId);
    expect(payCalls(stored?.requestId ?? "")).toBe(1);
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
    const mail = await MAIL.ref(db).where("uid", "==", buyer.uid).get();
    expect(mail.docs.map((d) => d.data().kind)).toEqual(["bill-receipt"]);
  });

  it.each([
    ["201000000000", "pending, then delivered on a later re-query"],
    ["300000000000", "a timeout (processed all the same)"],
    ["500000000000", "an unexpected reply"],
    ["400000000000", "no reply"],
  ])("%s (%s): pending and held, then posted when a re-query says delivered", async (phone) => {
    const buyer = await customer(5_000);
    const { quoted, bill } = await buyAirtime(buyer, phone, 500);
    expect(bill.status).toBe("pending");
    const held = await wallet(buyer.uid);
    expect([balanceOf(held), availableOf(held)]).toEqual([5_000_00, 5_000_00 - quoted.total]);
    let hours = 0;
    const after = await eventually(
      async () => {
        hours += 1;
        await requeryAfter(hours * 60 * 60_000);
        return billOf(bill.billId);
      },
      (b) => b?.status !== "pending",
    );
    expect(after?.status).toBe("delivered");
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
    expect((await readEntry(db, after?.entryId ?? ""))?.status).toBe("posted");
  });

  it("a bill nobody can confirm stays held through every re-query; after a day an operator is alerted", async () => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    await addLocalFault(sim, { fault: "no-reply", phone, remaining: 1 });
    const { quoted, bill } = await buyAirtime(buyer, phone, 500);
    expect(bill.status).toBe("pending");
    // VTpass unreachable for a day: every re-query fails, and time alone releases nothing.
    const unreachable = new VtpassBills({ ...VTPASS, baseUrl: "http://127.0.0.1:9/api", timeoutMs: 1_000 });
    for (const hours of [1, 5, 12, 23, 25]) {
      clock = () => Date.now() + hours * 60 * 60_000;
      try {
        await requeryDueBills({ ...deps(), provider: () => unreachable });
      } finally {
        clock = () => Date.now();
      }
    }
    const stored = await billOf(bill.billId);
    expect(stored?.status).toBe("pending");
    expect(stored?.checks).toBe(5);
    expect(availableOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00);
    expect((await readEntry(db, stored?.entryId ?? ""))?.status).toBe("pending");
    const alert = (await ALERTS.ref(db).doc(`bill-pending:${bill.billId}`).get()).data();
    expect(alert).toMatchObject({ type: "bill-pending-24h", resolved: false });
    // VTpass answers again: the bill is delivered and the hold posted.
    await requeryAfter(32 * 60 * 60_000);
    expect((await billOf(bill.billId))?.status).toBe("delivered");
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
  });

  it.each([
    ["failed", "failed"],
    ["not-processed", "failed"],
  ])("the provider says %s: the full hold is released and the bill is failed for good", async (fault, end) => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    await addLocalFault(sim, { fault, phone });
    const { bill } = await buyAirtime(buyer, phone, 500);
    expect(bill.status).toBe(end);
    expect(bill.customerMessage.length).toBeGreaterThan(10);
    const after = await wallet(buyer.uid);
    expect([balanceOf(after), availableOf(after)]).toEqual([5_000_00, 5_000_00]);
    const stored = await billOf(bill.billId);
    expect((await readEntry(db, stored?.entryId ?? ""))?.status).toBe("voided");
    // A later answer never revives a final bill.
    await requeryAfter(60 * 60_000);
    expect((await billOf(bill.billId))?.status).toBe("failed");
  });

  it("the biller refuses the same number within 30 s (019, a purchase made elsewhere): released in full", async () => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    // Bought for this number moments ago outside this Malipo (another app on the same account).
    const elsewhere = await provider.pay({
      requestId: provider.newRequestId(new Date()),
      serviceId: "mtn",
      customerNumber: phone,
      amount: 100_00,
      phone,
    });
    expect(elsewhere.outcome).toBe("delivered");
    const { bill } = await buyAirtime(buyer, phone, 500);
    expect(bill.status).toBe("failed");
    expect((await billOf(bill.billId))?.providerCode).toBe("019");
    expect(availableOf(await wallet(buyer.uid))).toBe(5_000_00);
  });

  it("a pay request that never arrived is sent again under the same request id, and bought once", async () => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    await addLocalFault(sim, { fault: "server-error", phone, remaining: 1 });
    const { quoted, bill } = await buyAirtime(buyer, phone, 500);
    expect(bill.status).toBe("pending");
    const requestId = (await billOf(bill.billId))?.requestId ?? "";
    await requeryAfter(31_000);
    const after = await billOf(bill.billId);
    expect(after?.status).toBe("delivered");
    expect(after?.requestId).toBe(requestId);
    expect(payCalls(requestId)).toBe(2);
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
  });

  it("10 concurrent payBill calls with one idempotency key: one bill, one VTpass request, one charge", async () => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    const quoted = await quoteBill({ serviceId: "mtn", amount: 200_00 }, buyer, deps());
    const input: PayBillInput = {
      idempotencyKey: randomUUID(),
      quoteId: quoted.quoteId,
      serviceId: "mtn",
      customerNumber: phone,
      pin: PIN,
    };
    const bills = await Promise.all(Array.from({ length: 10 }, () => payBill(input, buyer, deps())));
    expect(new Set(bills.map((b) => b.billId)).size).toBe(1);
    await eventually(
      () => billOf(bills[0]?.billId ?? ""),
      (b) => b?.status === "delivered",
    );
    const stored = await billOf(bills[0]?.billId ?? "");
    expect(sim.state.requests.filter((r) => r.path === "pay" && r.phone === phone)).toHaveLength(1);
    expect(payCalls(stored?.requestId ?? "")).toBe(1);
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
    const owned = await BILLS.ref(db).where("uid", "==", buyer.uid).get();
    expect(owned.size).toBe(1);
  });

  it("two keys for one meter within 30 s: the second is refused with a sentence and changes nothing", async () => {
    const buyer = await customer(10_000);
    const meter = freshMeter();
    const pay = async () => {
      const quoted = await quoteBill(
        { serviceId: "ikeja-electric", variationCode: "prepaid", amount: 1_000_00 },
        buyer,
        deps(),
      );
      const verified = await verifyBillCustomer(
        { serviceId: "ikeja-electric", customerNumber: meter, variationCode: "prepaid" },
        buyer,
        deps(),
      );
      return payBill(
        {
          idempotencyKey: randomUUID(),
          quoteId: quoted.quoteId,
          serviceId: "ikeja-electric",
          variationCode: "prepaid",
          customerNumber: meter,
          phone: freshPhone(),
          verificationId: verified.verificationId,
          pin: PIN,
        },
        buyer,
        deps(),
      );
    };
    const first = await pay();
    expect(first.status).toBe("delivered");
    expect(first.delivery?.token).toMatch(/\d{4}/);
    const afterFirst = await wallet(buyer.uid);
    const second = await refusal(pay());
    expect(second.code).toBe("failed-precondition");
    expect(second.message).toMatch(/^customerNumber: .* was just paid for this meter\. Wait \d+ seconds/);
    expect(await wallet(buyer.uid)).toEqual(afterFirst);
    expect((await BILLS.ref(db).where("uid", "==", buyer.uid).get()).size).toBe(1);
  });

  it("a hold whose call stopped before its bill is released after 10 minutes, and its key can never send the bill", async () => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    const quoted = await quoteBill({ serviceId: "mtn", amount: 1_000_00 }, buyer, deps());
    const key = randomUUID();
    const billId = billIdFor(buyer.uid, key);
    // What payBill does before its bill, as if its instance then stopped.
    const hold = await holdPurchase(
      {
        uid: buyer.uid,
        quoteId: quoted.quoteId,
        idempotencyKey: `bill:${key}`,
        pin: PIN,
        payee: accounts.clearing("vtpass", "NGN"),
        meta: { billId },
      },
      deps(),
    );
    expect(hold.status).toBe("pending");
    const createdAt = Date.now();
    const sweep = (after: number) => releaseOrphanBillHolds({ db, now: () => createdAt + after });
    await sweep(ORPHAN_HOLD_AFTER_MS - 60_000);
    expect(await readEntry(db, hold.id)).toMatchObject({ status: "pending" });
    // A recorded bill's hold is never touched, however old.
    const recorded = await buyAirtime(buyer, freshPhone());
    expect(recorded.bill.status).toBe("delivered");
    await sweep(ORPHAN_HOLD_AFTER_MS + 60_000);
    expect(await readEntry(db, hold.id)).toMatchObject({ status: "voided" });
    const recordedEntry = (await billOf(recorded.bill.billId))?.entryId ?? "";
    expect(await readEntry(db, recordedEntry)).toMatchObject({ status: "posted" });
    // The key again, with its quote: the released hold is not revived, nothing is sent or charged.
    const before = await wallet(buyer.uid);
    const paysBefore = sim.state.requests.filter((r) => r.path === "pay").length;
    const again = await refusal(
      payBill(
        { idempotencyKey: key, quoteId: quoted.quoteId, serviceId: "mtn", customerNumber: phone, pin: PIN },
        buyer,
        deps(),
      ),
    );
    expect(again.code).toBe("failed-precondition");
    expect(again.message).toMatch(/^idempotencyKey: a bill with this key was refused and its money released/);
    expect(await billOf(billId)).toBeUndefined();
    expect(await wallet(buyer.uid)).toEqual(before);
    expect(sim.state.requests.filter((r) => r.path === "pay")).toHaveLength(paysBefore);
  });
});

describe("verify before pay, and delivery", () => {
  it("prepaid electricity: the customer's name first, then the token and units stored, shown and mailed, and re-sent", async () => {
    const buyer = await customer(10_000);
    const verified = await verifyBillCustomer(
      { serviceId: "ikeja-electric", customerNumber: "1111111111111", variationCode: "prepaid" },
      buyer,
      deps(),
    );
    expect(verified.customerName.length).toBeGreaterThan(2);
    const quoted = await quoteBill(
      { serviceId: "ikeja-electric", variationCode: "prepaid", amount: 2_000_00 },
      buyer,
      deps(),
    );
    const base: Omit<PayBillInput, "idempotencyKey"> = {
      quoteId: quoted.quoteId,
      serviceId: "ikeja-electric",
      variationCode: "prepaid",
      customerNumber: "1111111111111",
      phone: freshPhone(),
      pin: PIN,
      email: "ada@example.com",
    };
    const unverified = await refusal(payBill({ ...base, idempotencyKey: randomUUID() }, buyer, deps()));
    expect(unverified.message).toMatch(/^verificationId: check the meter number with verifyBillCustomer first/);
    // The sandbox meter is shared by every run: wait out the biller's 30 seconds if needed.
    const bill = await eventually(
      () =>
        payBill(
          { ...base, idempotencyKey: randomUUID(), verificationId: verified.verificationId },
          buyer,
          deps(),
        ).catch((error: unknown) => {
          if (error instanceof Error && error.message.includes("was just paid")) return undefined;
          throw error;
        }),
      (b) => b !== undefined,
      90_000,
    );
    if (!bill) throw new Error("not paid");
    expect(bill.status).toBe("delivered");
    expect(bill.customerName).toBe(verified.customerName);
    expect(bill.delivery?.token).toMatch(/\d{4}/);
    expect(bill.delivery?.units).toBeTruthy();
    expect(bill.delivered[0]).toContain(bill.delivery?.token ?? "none");
    const mail = await eventually(
      () => MAIL.ref(db).where("uid", "==", buyer.uid).get(),
      (found) => found.size === 1,
    );
    expect(mail.docs[0]?.data().message.text).toContain(bill.delivery?.token ?? "none");
    const events = await BILL_EVENTS.under(BILLS.ref(db).doc(bill.billId)).get();
    expect(events.docs.map((d) => d.data().to).sort()).toEqual(["delivered", "sending"]);

    const resent = await resendBillReceipt({ billId: bill.billId, email: "other@example.com" }, buyer, deps());
    expect(resent.sentTo).toBe("other@example.com");
    const both = await MAIL.ref(db).where("uid", "==", buyer.uid).get();
    expect(both.docs.map((d) => d.data().to).sort()).toEqual(["ada@example.com", "other@example.com"]);
    const stranger = await customer(1);
    expect((await refusal(resendBillReceipt({ billId: bill.billId }, stranger, deps()))).code).toBe("not-found");
  });

  it("a number the biller does not know is refused with a sentence, and nothing is kept", async () => {
    const buyer = await customer(1);
    const refused = await refusal(
      verifyBillCustomer(
        { serviceId: "ikeja-electric", customerNumber: "9999999999999", variationCode: "prepaid" },
        buyer,
        deps(),
      ),
    );
    expect(refused.code).toBe("not-found");
    expect(refused.message).toMatch(/^customerNumber: /);
    expect((await BILL_VERIFICATIONS.ref(db).where("uid", "==", buyer.uid).get()).size).toBe(0);
  });

  it("refuses a wrong PIN and a balance that does not cover the bill, holding nothing and sending nothing", async () => {
    const buyer = await customer(100);
    const phone = freshPhone();
    const quoted = await quoteBill({ serviceId: "mtn", amount: 500_00 }, buyer, deps());
    const input: PayBillInput = {
      idempotencyKey: randomUUID(),
      quoteId: quoted.quoteId,
      serviceId: "mtn",
      customerNumber: phone,
      pin: "9999",
    };
    const wrong = await refusal(payBill(input, buyer, deps()));
    expect(wrong.message).toMatch(/^pin: /);
    const poor = await refusal(payBill({ ...input, pin: PIN }, buyer, deps()));
    expect(poor.message).toMatch(/^Insufficient funds: NGN 100\.00 available/);
    expect(availableOf(await wallet(buyer.uid))).toBe(100_00);
    expect(sim.state.requests.filter((r) => r.phone === phone)).toHaveLength(0);
    expect((await BILLS.ref(db).where("uid", "==", buyer.uid).get()).size).toBe(0);
  });
});

describe("TV renewals", () => {
  it("a renewal pays the biller's renewal price from the check; another plan's price, a plan and no check are refused", async () => {
    const buyer = await customer(100_000);
    const card = `7${String(randomInt(100_000_000, 999_999_999))}`;
    const verified = await verifyBillCustomer({ serviceId: "dstv", customerNumber: card }, buyer, deps());
    const dstv = (await BILL_SERVICES.ref(db).doc("dstv").get()).data();
    const current = dstv?.variations[0];
    const other = dstv?.variations.find((v) => v.amount !== current?.amount);
    if (!current || !other) throw new Error("the simulator's dstv needs two plans at different prices");
    expect((await BILL_VERIFICATIONS.ref(db).doc(verified.verificationId).get()).data()?.renewalAmount).toBe(
      current.amount,
    );
    const renew = (quoteId: string, extra: Partial<PayBillInput> = {}) =>
      payBill(
        {
          idempotencyKey: randomUUID(),
          quoteId,
          serviceId: "dstv",
          customerNumber: card,
          verificationId: verified.verificationId,
          subscriptionType: "renew",
          phone: freshPhone(),
          pin: PIN,
          ...extra,
        },
        buyer,
        deps(),
      );
    const before = await wallet(buyer.uid);
    // A quote for another plan's price cannot pay for a renewal.
    const planQuote = await quoteBill({ serviceId: "dstv", variationCode: other.code }, buyer, deps());
    const wrongPrice = await refusal(renew(planQuote.quoteId));
    expect(wrongPrice.code).toBe("failed-precondition");
    expect(wrongPrice.message).toMatch(/^quoteId: renewing costs NGN/);
    const withPlan = await refusal(renew(planQuote.quoteId, { variationCode: other.code }));
    expect(withPlan.message).toMatch(/^variationCode: a renewal keeps the current bouquet/);
    const unchecked = await refusal(quoteBill({ serviceId: "dstv", subscriptionType: "renew" }, buyer, deps()));
    expect(unchecked.message).toMatch(/^verificationId: check the smartcard number/);
    const airtime = await refusal(
      quoteBill(
        { serviceId: "mtn", subscriptionType: "renew", verificationId: verified.verificationId },
        buyer,
        deps(),
      ),
    );
    expect(airtime.code).toBe("failed-precondition");
    expect(await wallet(buyer.uid)).toEqual(before);

    const quoted = await quoteBill(
      { serviceId: "dstv", subscriptionType: "renew", verificationId: verified.verificationId },
      buyer,
      deps(),
    );
    expect(quoted.amount).toBe(current.amount);
    const bill = await renew(quoted.quoteId);
    expect(bill.status).toBe("delivered");
    expect(await billOf(bill.billId)).toMatchObject({
      subscriptionType: "renew",
      variationCode: null,
      amount: current.amount,
    });
    expect(balanceOf(await wallet(buyer.uid))).toBe(balanceOf(before) - quoted.total);
  });
});

describe("the webhook", () => {
  it("a transaction update is a hint: the bill is re-queried, and a repeat changes nothing", async () => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    await addLocalFault(sim, { fault: "pending", phone, remaining: 1 });
    const { quoted, bill } = await buyAirtime(buyer, phone, 300);
    expect(bill.status).toBe("pending");
    const requestId = (await billOf(bill.billId))?.requestId ?? "";
    const hint = {
      type: "transaction-update",
      data: { requestId, code: "000", content: { transactions: { status: "delivered" } } },
    };
    // Delivered several times (VTpass retries), concurrently: one posting.
    const answers = await Promise.all(Array.from({ length: 3 }, () => deliverWebhook(hint)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const after = await eventually(
      async () => {
        await deliverWebhook(hint);
        return billOf(bill.billId);
      },
      (b) => b?.status === "delivered",
    );
    expect(after?.status).toBe("delivered");
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
    // A webhook that lies (no such request) changes nothing.
    expect(
      await deliverWebhook({ type: "transaction-update", data: { requestId: "202612020000nosuchrequest" } }),
    ).toEqual({
      status: 200,
      body: { response: "success" },
    });
  });
});

describe("a reversal after delivery", () => {
  it("the biller reverses a delivered bill: the webhook's hint is checked, the purchase refunded once", async () => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    await addLocalFault(sim, { fault: "reversed-later", phone, remaining: 1 });
    const { quoted, bill } = await buyAirtime(buyer, phone, 1_000);
    expect(bill.status).toBe("delivered");
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00 - quoted.total);
    const requestId = (await billOf(bill.billId))?.requestId ?? "";
    await eventually(
      () => provider.requery(requestId),
      (status) => status.outcome === "failed",
    );
    const hint = { type: "transaction-update", data: { requestId } };
    await Promise.all([deliverWebhook(hint), deliverWebhook(hint)]);
    const after = await billOf(bill.billId);
    expect(after?.status).toBe("delivered");
    expect(after?.refundedAt).not.toBeNull();
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00);
    expect((await readEntry(db, `reverse:${after?.entryId ?? ""}`))?.status).toBe("posted");
    await deliverWebhook(hint);
    expect(balanceOf(await wallet(buyer.uid))).toBe(5_000_00);
  });
});

describe("the request id", () => {
  it.each([
    [Date.UTC(2026, 11, 2, 22, 59), "202612022359"],
    [Date.UTC(2026, 11, 2, 23, 0), "202612030000"],
    [Date.UTC(2026, 11, 31, 23, 30), "202701010030"],
    [Date.UTC(2027, 0, 1, 0, 1), "202701010101"],
  ])("a bill paid at %s UTC carries %s (Lagos time) and keeps it on every retry", async (at, prefix) => {
    const buyer = await customer(5_000);
    const phone = freshPhone();
    await addLocalFault(sim, { fault: "server-error", phone, remaining: 1 });
    const start = Date.now();
    clock = () => at + (Date.now() - start);
    try {
      await refreshCatalogue(db, provider, clock);
      const { bill } = await buyAirtime(buyer, phone, 100);
      const requestId = (await billOf(bill.billId))?.requestId ?? "";
      expect(requestId.slice(0, 12)).toBe(prefix);
      await requeryDueBills({ ...deps(), now: () => clock() + 31_000 });
      expect((await billOf(bill.billId))?.requestId).toBe(requestId);
      expect(payCalls(requestId)).toBe(2);
    } finally {
      clock = () => Date.now();
      await refreshCatalogue(db, provider, Date.now);
    }
  });
});
