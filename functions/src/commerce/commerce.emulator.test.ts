// The shop's money properties against the emulators and the Daraja simulator: the server decides
// the price (tampered totals, stale quotes and unknown products refused), one order, one stock
// decrement, one invoice number and one of each email per checkout however the settlement races,
// gapless invoice numbers under concurrent checkouts, and late or sold-out payments kept as orders
// for review. The wiring is proven with a few calls over HTTP; the races call in-process the very
// handlers the functions wrap (the Functions emulator would start a worker per call in flight).
import { randomUUID } from "node:crypto";

import fc from "fast-check";
import { PDFDocument } from "pdf-lib";
import { describe, expect, it } from "vitest";

import { darajaCallback, deliverInProcess } from "../../../tests/support/callbacks.js";
import {
  call,
  idempotencyKey,
  kenyanPhone,
  randomIp,
  REGION,
  signUpAnonymous,
  type TestUser,
} from "../../../tests/support/client.js";
import { emulatorOrigin, functionUrl } from "../../../tests/support/emulators.js";
import { adminDb, eventually, failingTransactions, mailFor, paymentDoc } from "../../../tests/support/firestore.js";
import { emulatorParams, emulatorSecrets, simulatorProvider } from "../../../tests/support/providers.js";
import { addFault, waitForSimulator } from "../../../tests/support/sandbox.js";
import { seed } from "../../../tests/support/fuzz.js";
import type { Caller } from "../core/callable.js";
import { AppError, FIRESTORE_STATUS, firestoreStatus } from "../core/errors.js";
import { runLedgerCheck } from "../ledger/check.js";
import { getPaymentStatus } from "../payments/get-status.js";
import { PAYMENTS } from "../payments/records.js";
import { reconcileStuckPayments } from "../payments/reconcile.js";
import { dispatchStatusChange } from "../payments/settlement.js";
import { addToCart } from "./cart.js";
import { checkout, type CheckoutView } from "./checkout.js";
import { INVOICE_PATH, signInvoiceToken } from "./invoice-link.js";
import { checkoutInput } from "./schemas.js";

// Fulfilment runs here in-process as well as in the Functions emulator: both make the invoice
// email's link from the emulator's own secret and page origin, whichever of them wins.
process.env.INVOICE_LINK_SECRET = emulatorSecrets.INVOICE_LINK_SECRET ?? "";
process.env.ALLOWED_ORIGINS = emulatorParams.ALLOWED_ORIGINS ?? "[]";

const deps = (now: () => number = Date.now) => ({
  db: adminDb(),
  provider: simulatorProvider,
  allowSandboxPayers: emulatorParams.ALLOW_SANDBOX_PAYERS === "true",
  now,
});

const caller = (uid = `shopper-${randomUUID()}`): Caller => ({ uid, ip: randomIp() });

/** A merchant of its own per test, so invoice numbers and stock are this test's alone. */
async function seedShop(products: { price: number; stock: number }[]) {
  const merchantId = `shop${randomUUID().slice(0, 8)}`;
  const ids = products.map((_, i) => `${merchantId}-p${i}`);
  await Promise.all(
    products.map(({ price, stock }, i) =>
      adminDb()
        .collection("products")
        .doc(ids[i] ?? "")
        .set({
          merchantId,
          name: `Kikoi ${i + 1}`,
          description: "Hand-woven cotton",
          prices: { KES: price },
          stock,
          active: true,
          imageUrl: null,
          priceVersion: 1,
        }),
    ),
  );
  return { merchantId, ids };
}

async function stockOf(id: string): Promise<unknown> {
  return (await adminDb().collection("products").doc(id).get()).get("stock");
}

/** checkout in-process, trying again when a transaction lost to concurrent ones (as a client does). */
async function checkoutDirect(input: Record<string, unknown>, who: Caller, now?: () => number): Promise<CheckoutView> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await checkout(checkoutInput.parse(input), who, deps(now));
    } catch (error) {
      if (error instanceof AppError && error.code !== "unavailable") throw error;
      if (!(error instanceof AppError) && firestoreStatus(error) !== FIRESTORE_STATUS.ABORTED) throw error;
      if (attempt >= 20) throw error;
    }
  }
}

function checkoutFields(phone: string, expectedTotal: number, overrides: Record<string, unknown> = {}) {
  return {
    idempotencyKey: idempotencyKey(),
    currency: "KES",
    expectedTotal,
    phone,
    email: "buyer@example.com",
    name: "Achieng",
    ...overrides,
  };
}

/** Daraja's success callback for the payment, delivered in-process as Daraja would. */
async function succeed(paymentId: string, times = 1): Promise<void> {
  const payment = await paymentDoc(paymentId);
  const body = darajaCallback(
    String(payment?.providerReference),
    0,
    Number(payment?.amount) / 100,
    String(payment?.phone),
  );
  const path = `/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`;
  const answers = await Promise.all(Array.from({ length: times }, () => deliverInProcess("mpesa", { path, body })));
  for (const answer of answers) expect(answer.status).toBe(200);
}

async function orderOf(checkoutId: string) {
  return eventually(
    async () => (await adminDb().collection("orders").doc(checkoutId).get()).data(),
    (order) => order !== undefined,
  );
}

/** The merchant's KES account (ledger/accounts.ts): its balances and how many activity lines it has. */
async function merchantAccount(merchantId: string) {
  const ref = adminDb().collection("ledgerAccounts").doc(`merchant:${merchantId}:KES`);
  const [doc, lines] = await Promise.all([ref.get(), ref.collection("activity").get()]);
  const credited = lines.docs.reduce(
    (sum, line) => sum + (line.get("side") === "credit" ? Number(line.get("amount")) : 0),
    0,
  );
  return {
    credits: Number(doc.get("credits") ?? 0),
    debits: Number(doc.get("debits") ?? 0),
    pendingCredits: Number(doc.get("pendingCredits") ?? 0),
    pendingDebits: Number(doc.get("pendingDebits") ?? 0),
    lines: lines.size,
    credited,
  };
}

async function mailKinds(paymentId: string): Promise<string[]> {
  return (await mailFor(paymentId)).map((mail) => String(mail.kind)).sort();
}

describe("checkout: the server decides what is owed", () => {
  it("pays exactly the quote; tampered totals, unknown products and order payments through createPayment are refused", async () => {
    const { ids } = await seedShop([
      { price: 1_500_00, stock: 5 },
      { price: 250_00, stock: 5 },
    ]);
    const user = await signUpAnonymous();
    expect(await call("addToCart", { productId: ids[0], quantity: 2 }, { user })).toMatchObject({ ok: true });
    const cart = await call<{ lines: { productId: string; quantity: number; prices: { KES: number } }[] }>(
      "addToCart",
      { productId: ids[1], quantity: 1 },
      { user },
    );
    expect(cart).toMatchObject({
      ok: true,
      result: {
        lines: [
          { productId: ids[0], quantity: 2, prices: { KES: 1_500_00 } },
          { productId: ids[1], quantity: 1, prices: { KES: 250_00 } },
        ],
      },
    });
    expect(await call("addToCart", { productId: "no-such-product", quantity: 1 }, { user })).toMatchObject({
      ok: false,
      code: "not-found",
      message: "productId: there is no such product for sale.",
    });

    const phone = kenyanPhone("9999");
    const tampered = await call("checkout", checkoutFields(phone, 1_00), { user });
    expect(tampered).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: expect.stringContaining("your cart costs KES 3,250.00 now, not KES 1.00"),
    });
    // A price is not an input at all.
    expect(await call("checkout", { ...checkoutFields(phone, 3_250_00), amount: 1_00 }, { user })).toMatchObject({
      ok: false,
      code: "invalid-argument",
    });
    const order = await call(
      "createPayment",
      {
        idempotencyKey: idempotencyKey(),
        purpose: "order",
        amount: 1_00,
        currency: "KES",
        phone,
      },
      { user },
    );
    expect(order).toMatchObject({ ok: false, code: "invalid-argument", message: expect.stringContaining("checkout") });

    const input = checkoutFields(phone, 3_250_00);
    const paid = await call<CheckoutView>("checkout", input, { user });
    if (!paid.ok) throw new Error(`checkout failed: ${paid.code} ${paid.message}`);
    expect(paid.result).toMatchObject({ total: 3_250_00, currency: "KES", status: "processing" });
    expect(await paymentDoc(paid.result.paymentId)).toMatchObject({
      purpose: "order",
      amount: 3_250_00,
      checkoutId: paid.result.checkoutId,
      uid: user.uid,
    });
    const quote = (await adminDb().collection("checkouts").doc(paid.result.checkoutId).get()).data();
    expect(quote?.lines).toEqual([
      { productId: ids[0], name: "Kikoi 1", quantity: 2, unitPrice: 1_500_00, lineTotal: 3_000_00, priceVersion: 1 },
      { productId: ids[1], name: "Kikoi 2", quantity: 1, unitPrice: 250_00, lineTotal: 250_00, priceVersion: 1 },
    ]);

    // The quote is immutable: a price raised afterwards changes neither a repeat nor the payment.
    await adminDb()
      .collection("products")
      .doc(ids[0] ?? "")
      .update({ prices: { KES: 9_000_00 }, priceVersion: 2 });
    const repeat = await call<CheckoutView>("checkout", input, { user });
    expect(repeat).toMatchObject({ ok: true, result: { paymentId: paid.result.paymentId, total: 3_250_00 } });
    const changed = await call("checkout", { ...input, email: "other@example.com" }, { user });
    expect(changed).toMatchObject({ ok: false, code: "already-exists" });
  });

  it("a quote that expired before its payment started is refused with a sentence", async () => {
    const { ids } = await seedShop([{ price: 400_00, stock: 5 }]);
    const who = caller();
    await addToCart({ productId: ids[0] ?? "", quantity: 1 }, who, deps());
    const input = checkoutFields(kenyanPhone("9999"), 400_00);
    // The quote is written, then the payment's transaction fails: no payment was started.
    await expect(
      checkout(checkoutInput.parse(input), who, { ...deps(), db: failingTransactions([0]) }),
    ).rejects.toThrow();
    const later = () => Date.now() + 16 * 60_000;
    await expect(checkout(checkoutInput.parse(input), who, deps(later))).rejects.toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("quote expired before it was paid"),
    });
    expect((await adminDb().collection("payments").where("uid", "==", who.uid).get()).size).toBe(0);
  });

  it("an empty cart, a sold-out product and a product no longer sold are refused with sentences", async () => {
    const { ids } = await seedShop([
      { price: 100_00, stock: 1 },
      { price: 100_00, stock: 3 },
    ]);
    const who = caller();
    const phone = kenyanPhone("9999");
    await expect(checkoutDirect(checkoutFields(phone, 0), who)).rejects.toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("your cart is empty"),
    });
    await addToCart({ productId: ids[0] ?? "", quantity: 2 }, who, deps());
    await expect(checkoutDirect(checkoutFields(phone, 200_00), who)).rejects.toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("only 1 of Kikoi 1 left"),
    });
    await adminDb()
      .collection("products")
      .doc(ids[0] ?? "")
      .update({ active: false });
    await expect(checkoutDirect(checkoutFields(phone, 200_00), who)).rejects.toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("is no longer sold"),
    });
  });
});

describe("checkout: a refused payer", () => {
  it("a number the provider cannot take is refused before the quote is written, so the key can be used again", async () => {
    const { ids } = await seedShop([{ price: 300_00, stock: 5 }]);
    const who = caller();
    await addToCart({ productId: ids[0] ?? "", quantity: 1 }, who, deps());
    const input = checkoutFields("+256772123456", 300_00);
    await expect(checkoutDirect(input, who)).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringMatching(/^(phone|currency): /),
    });
    const retried = await checkoutDirect({ ...input, phone: kenyanPhone("9999") }, who);
    expect(retried).toMatchObject({ total: 300_00, status: "processing" });
  });
});

describe("fulfilment: one order per checkout", () => {
  it("5 success callbacks, a client return, a re-query and redelivered triggers make one order, one decrement, one invoice number and one of each email", async () => {
    const { merchantId, ids } = await seedShop([
      { price: 1_000_00, stock: 5 },
      { price: 300_00, stock: 5 },
    ]);
    const who = caller();
    await addToCart({ productId: ids[0] ?? "", quantity: 2 }, who, deps());
    await addToCart({ productId: ids[1] ?? "", quantity: 1 }, who, deps());
    const view = await checkoutDirect(checkoutFields(kenyanPhone("9999"), 2_300_00), who);
    const ref = PAYMENTS.ref(adminDb()).doc(view.paymentId);
    const before = (await ref.get()).data();

    await Promise.all([
      succeed(view.paymentId, 5),
      reconcileStuckPayments(deps(), { paymentIds: [view.paymentId] }),
      getPaymentStatus({ paymentId: view.paymentId }, who, deps()),
    ]);
    const after = (await ref.get()).data();
    expect(after?.status).toBe("succeeded");
    if (!after) throw new Error("payment vanished");
    // The trigger redelivered, as Cloud Functions may, racing the emulator's own delivery.
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        dispatchStatusChange(adminDb(), view.paymentId, before, after, `redo-${i % 2}`),
      ),
    );

    const order = await orderOf(view.checkoutId);
    expect(order).toMatchObject({
      uid: who.uid,
      paymentId: view.paymentId,
      amountPaid: 2_300_00,
      quotedTotal: 2_300_00,
      status: "confirmed",
      reviewReasons: [],
      invoiceNumber: `${merchantId.toUpperCase()}-000001`,
      invoiceSequence: 1,
    });
    expect(await stockOf(ids[0] ?? "")).toBe(3);
    expect(await stockOf(ids[1] ?? "")).toBe(4);
    expect((await adminDb().collection("invoiceCounters").doc(merchantId).get()).get("next")).toBe(2);
    const kinds = await eventually(
      () => mailKinds(view.paymentId),
      (found) => found.length >= 3,
    );
    expect(kinds).toEqual(["invoice", "order-confirmation", "receipt"]);
    const orders = await adminDb().collection("orders").where("uid", "==", who.uid).get();
    expect(orders.size).toBe(1);
    // One journal entry books the sale: M-Pesa's clearing debited, the shop's account credited.
    const sale = (await adminDb().collection("journal").doc(`sale:${view.paymentId}`).get()).data();
    expect(sale).toMatchObject({ kind: "sale", status: "posted", reference: view.paymentId });
    expect(sale?.postings).toEqual([
      {
        accountId: "@clearing:mpesa:KES",
        kind: "clearing",
        owner: "@platform",
        currency: "KES",
        side: "debit",
        amount: 2_300_00,
      },
      {
        accountId: `merchant:${merchantId}:KES`,
        kind: "merchant",
        owner: `merchant:${merchantId}`,
        currency: "KES",
        side: "credit",
        amount: 2_300_00,
      },
    ]);
    expect(await merchantAccount(merchantId)).toMatchObject({
      credits: 2_300_00,
      debits: 0,
      lines: 1,
      credited: 2_300_00,
    });
    // The nightly check finds the sale balanced and the shop's account equal to its activity
    // (other files move money meanwhile: only what this test owns is asserted).
    const report = await runLedgerCheck(adminDb());
    expect(report.unbalancedEntries.filter((entry) => entry.entryId === `sale:${view.paymentId}`)).toEqual([]);
    expect(report.accountDifferences.filter((account) => account.accountId.includes(merchantId))).toEqual([]);
    expect(report.malformed.filter((path) => path.includes(merchantId) || path.includes(view.paymentId))).toEqual([]);

    // The invoice email carries the invoice as a PDF.
    const invoice = (await mailFor(view.paymentId)).find((mail) => mail.kind === "invoice");
    expect(invoice?.attachments).toEqual([
      { filename: `${merchantId.toUpperCase()}-000001.pdf`, type: "application/pdf", content: expect.any(String) },
    ]);
    const [attachment] = invoice?.attachments as { content: string }[];
    const bytes = Buffer.from(attachment?.content ?? "", "base64");
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const pdf = await PDFDocument.load(bytes);
    expect(pdf.getTitle()).toBe(`Invoice ${merchantId.toUpperCase()}-000001`);
    expect(pdf.getPageCount()).toBe(1);
    // The checked-out cart is emptied once the order exists.
    await eventually(
      async () => (await adminDb().collection("carts").doc(who.uid).get()).exists,
      (exists) => !exists,
    );
  });

  // Money rule 43 as a property: fast-check chooses the order of the settlement paths, which of
  // them run together and which one after another, small delays inside a group, and how many
  // trigger redeliveries (with repeated or new event ids) join in. Daraja drops its own callback
  // for the number, so the re-query is a real way to success, racing the 5 deliveries; the
  // Functions emulator's own onPaymentWritten runs fulfilment too, in its process.
  it("property: however 5 success callbacks, a client return, a re-query and redelivered triggers interleave, one order, one decrement, one invoice number, one confirmation and one invoice", async () => {
    const runs = 20;
    const quantity = 2;
    const initialStock = runs * quantity + 5;
    const { merchantId, ids } = await seedShop([{ price: 150_00, stock: initialStock }]);
    const productId = ids[0] ?? "";
    type Step =
      { kind: "callback" } | { kind: "client-return" } | { kind: "requery" } | { kind: "redeliver"; eventId: string };
    const plan = fc.array(fc.constantFrom("redo-a", "redo-b", "redo-fresh"), { maxLength: 3 }).chain((eventIds) => {
      const steps: Step[] = [
        ...Array.from({ length: 5 }, (): Step => ({ kind: "callback" })),
        { kind: "client-return" },
        { kind: "requery" },
        ...eventIds.map((eventId): Step => ({ kind: "redeliver", eventId })),
      ];
      return fc.record({
        order: fc.shuffledSubarray(steps, { minLength: steps.length, maxLength: steps.length }),
        // true after step i: the steps so far finish before the next group starts.
        breaks: fc.array(fc.boolean(), { minLength: steps.length - 1, maxLength: steps.length - 1 }),
        delays: fc.array(fc.integer({ min: 0, max: 25 }), { minLength: steps.length, maxLength: steps.length }),
      });
    });
    let done = 0;
    const paymentIds: string[] = [];

    await fc.assert(
      fc.asyncProperty(plan, async ({ order, breaks, delays }) => {
        const who = caller();
        const phone = kenyanPhone("0000");
        await addFault("daraja", { fault: "drop-callback", phone: phone.slice(1) });
        await addToCart({ productId, quantity }, who, deps());
        const view = await checkoutDirect(checkoutFields(phone, quantity * 150_00), who);
        paymentIds.push(view.paymentId);
        // The prompt has finished at the provider and its own callback is lost: a re-query finds it.
        await waitForSimulator("daraja", "callback-dropped", { phone: phone.slice(1) });
        const ref = PAYMENTS.ref(adminDb()).doc(view.paymentId);
        const before = (await ref.get()).data();
        const payment = await paymentDoc(view.paymentId);
        const body = darajaCallback(String(payment?.providerReference), 0, quantity * 150, phone);
        const path = `/${emulatorSecrets.MPESA_CALLBACK_SECRET ?? ""}`;

        const run = async (step: Step): Promise<void> => {
          switch (step.kind) {
            case "callback":
              expect((await deliverInProcess("mpesa", { path, body })).status).toBe(200);
              return;
            case "client-return":
              await getPaymentStatus({ paymentId: view.paymentId }, who, deps());
              return;
            case "requery":
              await reconcileStuckPayments(deps(), { paymentIds: [view.paymentId] });
              return;
            case "redeliver": {
              // A trigger only fires for a change that happened: redeliver the success once it is there.
              const after = (await ref.get()).data();
              const eventId = step.eventId === "redo-fresh" ? randomUUID() : `${view.paymentId}-${step.eventId}`;
              await dispatchStatusChange(adminDb(), view.paymentId, before, after, eventId);
              return;
            }
          }
        };
        let group: Promise<void>[] = [];
        for (const [i, step] of order.entries()) {
          const delay = delays[i] ?? 0;
          group.push(new Promise((resolve) => setTimeout(resolve, delay)).then(() => run(step)));
          if (breaks[i] ?? true) {
            await Promise.all(group);
            group = [];
          }
        }
        await Promise.all(group);
        expect((await ref.get()).data()?.status).toBe("succeeded");

        const placed = await orderOf(view.checkoutId);
        done += 1;
        expect(placed).toMatchObject({ paymentId: view.paymentId, status: "confirmed", invoiceSequence: done });
        expect((await adminDb().collection("orders").where("uid", "==", who.uid).get()).size).toBe(1);
        expect(await stockOf(productId)).toBe(initialStock - done * quantity);
        expect((await adminDb().collection("invoiceCounters").doc(merchantId).get()).get("next")).toBe(done + 1);
        const kinds = await eventually(
          () => mailKinds(view.paymentId),
          (found) => found.includes("receipt"),
        );
        expect(kinds).toEqual(["invoice", "order-confirmation", "receipt"]);
        // The sale is booked with the order: its one entry, and the merchant credited once more.
        expect((await adminDb().collection("journal").doc(`sale:${view.paymentId}`).get()).get("status")).toBe(
          "posted",
        );
        expect((await merchantAccount(merchantId)).credits).toBe(done * quantity * 150_00);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );

    // The Functions emulator's own trigger deliveries may finish after a run's checks: once every
    // run is over, nothing more was numbered, taken or mailed.
    const orders = (await adminDb().collection("orders").where("merchantId", "==", merchantId).get()).docs;
    expect(orders.map((doc) => Number(doc.get("invoiceSequence"))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: runs }, (_, i) => i + 1),
    );
    expect((await adminDb().collection("invoiceCounters").doc(merchantId).get()).get("next")).toBe(runs + 1);
    expect(await stockOf(productId)).toBe(initialStock - runs * quantity);
    for (const paymentId of paymentIds) {
      expect(await mailKinds(paymentId)).toEqual(["invoice", "order-confirmation", "receipt"]);
    }
    const account = await merchantAccount(merchantId);
    expect(account).toMatchObject({
      credits: runs * quantity * 150_00,
      debits: 0,
      pendingCredits: 0,
      pendingDebits: 0,
    });
    expect(account.lines).toBe(runs);
  });

  it("20 concurrent checkouts of one shop get invoice numbers 1 to 20, no gaps, no repeats", async () => {
    const { merchantId, ids } = await seedShop([{ price: 200_00, stock: 100 }]);
    const shoppers = Array.from({ length: 20 }, () => caller());
    await Promise.all(shoppers.map((who) => addToCart({ productId: ids[0] ?? "", quantity: 2 }, who, deps())));
    const views = await Promise.all(
      shoppers.map((who) => checkoutDirect(checkoutFields(kenyanPhone("9999"), 400_00), who)),
    );
    await Promise.all(views.map((view) => succeed(view.paymentId, 2)));
    const orders = await eventually(
      async () => (await adminDb().collection("orders").where("merchantId", "==", merchantId).get()).docs,
      (docs) => docs.length >= 20,
    );
    expect(orders).toHaveLength(20);
    const sequences = orders.map((doc) => Number(doc.get("invoiceSequence"))).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(orders.map((doc) => String(doc.get("invoiceNumber")))).size).toBe(20);
    expect(await stockOf(ids[0] ?? "")).toBe(60);
    expect((await adminDb().collection("invoiceCounters").doc(merchantId).get()).get("next")).toBe(21);
  });

  it("a payment after the quote expired becomes an order at the amount paid, flagged for review", async () => {
    const { merchantId, ids } = await seedShop([{ price: 700_00, stock: 2 }]);
    const who = caller();
    await addToCart({ productId: ids[0] ?? "", quantity: 1 }, who, deps());
    // Quoted 16 minutes ago: the quote expired a minute ago, and the payment settles now.
    const past = () => Date.now() - 16 * 60_000;
    const view = await checkoutDirect(checkoutFields(kenyanPhone("9999"), 700_00), who, past);
    await succeed(view.paymentId);
    const order = await orderOf(view.checkoutId);
    expect(order).toMatchObject({ status: "review", reviewReasons: ["quote-expired"], amountPaid: 700_00 });
    // Money taken is booked even when the order waits for an operator.
    expect(await merchantAccount(merchantId)).toMatchObject({ credits: 700_00, lines: 1 });
    const alert = await adminDb().collection("alerts").doc(`order-review-${view.checkoutId}`).get();
    expect(alert.data()).toMatchObject({ type: "order-review", paymentId: view.paymentId, resolved: false });
    expect(await stockOf(ids[0] ?? "")).toBe(1);
  });

  it("a payment for stock that is gone becomes an order flagged for review, and no stock goes below zero", async () => {
    const { ids } = await seedShop([{ price: 500_00, stock: 1 }]);
    const who = caller();
    await addToCart({ productId: ids[0] ?? "", quantity: 1 }, who, deps());
    const view = await checkoutDirect(checkoutFields(kenyanPhone("9999"), 500_00), who);
    await adminDb()
      .collection("products")
      .doc(ids[0] ?? "")
      .update({ stock: 0 });
    await succeed(view.paymentId);
    const order = await orderOf(view.checkoutId);
    expect(order).toMatchObject({ status: "review", reviewReasons: ["out-of-stock"], amountPaid: 500_00 });
    expect(await stockOf(ids[0] ?? "")).toBe(0);
    expect(
      await eventually(
        () => mailKinds(view.paymentId),
        (found) => found.length >= 3,
      ),
    ).toEqual(["invoice", "order-confirmation", "receipt"]);
    const stored = (await adminDb().collection("mail").where("paymentId", "==", view.paymentId).get()).docs;
    const confirmation = stored.find((doc) => doc.get("kind") === "order-confirmation");
    expect(String(confirmation?.get("message.text"))).toContain("nothing you paid is lost");
  });
});

describe("the invoice PDF: a link in the email and on the order page", () => {
  const secret = emulatorSecrets.INVOICE_LINK_SECRET ?? "";
  const origin = (JSON.parse(emulatorParams.ALLOWED_ORIGINS ?? "[]") as string[])[0] ?? "";

  async function paidOrder(user: TestUser) {
    const { ids } = await seedShop([{ price: 1_200_00, stock: 5 }]);
    const who = caller(user.uid);
    await addToCart({ productId: ids[0] ?? "", quantity: 1 }, who, deps());
    const view = await checkoutDirect(checkoutFields(kenyanPhone("9999"), 1_200_00), who);
    await succeed(view.paymentId);
    const order = await orderOf(view.checkoutId);
    const mails = await eventually(
      () => mailFor(view.paymentId),
      (found) => found.some((mail) => mail.kind === "invoice"),
    );
    const invoice = mails.find((mail) => mail.kind === "invoice") as {
      message: { text: string; html: string };
      attachments: { content: string }[];
    };
    return { view, order, invoice };
  }

  async function download(url: string, headers: Record<string, string> = {}) {
    const response = await fetch(url, { headers: { "X-Forwarded-For": randomIp(), ...headers } });
    const body = Buffer.from(await response.arrayBuffer());
    return { response, body, text: body.toString("utf8") };
  }

  it("the email's link and the owner's ID token download the attachment's very bytes, on the page's origin too", async () => {
    const user = await signUpAnonymous();
    const { view, order, invoice } = await paidOrder(user);
    const number = String(order?.invoiceNumber);
    const found = /Download invoice \(PDF\): (\S+)/.exec(invoice.message.text)?.[1] ?? "";
    expect(found.startsWith(`${origin}${INVOICE_PATH}${view.checkoutId}?token=`), found).toBe(true);
    expect(invoice.message.html).toContain(`href="${found}"`);
    const link = new URL(found);
    const attachment = Buffer.from(invoice.attachments[0]?.content ?? "", "base64");

    const direct = `${await functionUrl("invoicePdf", REGION)}/${view.checkoutId}`;
    const byLink = await download(`${direct}${link.search}`);
    expect(byLink.response.status, byLink.text.slice(0, 200)).toBe(200);
    expect(byLink.response.headers.get("content-type")).toBe("application/pdf");
    expect(byLink.response.headers.get("content-disposition")).toBe(`inline; filename="invoice-${number}.pdf"`);
    expect(byLink.response.headers.get("cache-control")).toBe("private, no-store");
    expect(byLink.body.subarray(0, 5).toString()).toBe("%PDF-");
    expect(byLink.body.equals(attachment)).toBe(true);
    expect((await PDFDocument.load(byLink.body)).getTitle()).toBe(`Invoice ${number}`);

    // The email's link as it is, through Hosting's /api/invoices/** rewrite.
    const hosted = await download(`${await emulatorOrigin("hosting")}${link.pathname}${link.search}`);
    expect(hosted.response.status).toBe(200);
    expect(hosted.response.headers.get("content-type")).toBe("application/pdf");
    expect(hosted.response.headers.get("cache-control")).toBe("private, no-store");
    expect(hosted.body.equals(attachment)).toBe(true);

    const byOwner = await download(direct, { Authorization: `Bearer ${user.idToken}` });
    expect(byOwner.response.status).toBe(200);
    expect(byOwner.body.equals(attachment)).toBe(true);
    const head = await fetch(`${direct}${link.search}`, { method: "HEAD", headers: { "X-Forwarded-For": randomIp() } });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("application/pdf");

    // The order page's link: fresh from getInvoiceLink, for the owner only.
    const fresh = await call<{ path: string; invoiceNumber: string }>(
      "getInvoiceLink",
      { orderId: view.checkoutId },
      { user },
    );
    if (!fresh.ok) throw new Error(`getInvoiceLink failed: ${fresh.code} ${fresh.message}`);
    expect(fresh.result).toMatchObject({ invoiceNumber: number });
    expect(fresh.result.path.startsWith(`${INVOICE_PATH}${view.checkoutId}?token=`)).toBe(true);
    const onPage = await download(`${await emulatorOrigin("hosting")}${fresh.result.path}`);
    expect(onPage.response.status).toBe(200);
    expect(onPage.body.equals(attachment)).toBe(true);
  });

  it("refuses forged, expired and incomplete links, and other users, with a sentence and never a 5xx", async () => {
    const user = await signUpAnonymous();
    const stranger = await signUpAnonymous();
    const { view } = await paidOrder(user);
    const direct = `${await functionUrl("invoicePdf", REGION)}/${view.checkoutId}`;
    const good = signInvoiceToken(secret, view.checkoutId, Date.now() + 60_000);
    const [expires, signature = ""] = good.split(".");
    const flipped = `${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`;
    const refusals: [string, string, Record<string, string>, number, string][] = [
      ["a forged signature", `${direct}?token=${expires}.${flipped}`, {}, 403, "This invoice link is not valid"],
      [
        "a later expiry on the same signature",
        `${direct}?token=${Number(expires) + 86_400}.${signature}`,
        {},
        403,
        "This invoice link is not valid",
      ],
      [
        "another order's token",
        `${direct}?token=${signInvoiceToken(secret, "0".repeat(32), Date.now() + 60_000)}`,
        {},
        403,
        "This invoice link is not valid",
      ],
      [
        "a token signed with another secret",
        `${direct}?token=${signInvoiceToken("not-the-invoice-link-secret", view.checkoutId, Date.now() + 60_000)}`,
        {},
        403,
        "This invoice link is not valid",
      ],
      [
        "an expired link",
        `${direct}?token=${signInvoiceToken(secret, view.checkoutId, Date.now() - 1_000)}`,
        {},
        403,
        "This invoice link expired on",
      ],
      ["no token", direct, {}, 403, "This invoice link is incomplete"],
      ["a garbled token", `${direct}?token=%00%ff..`, {}, 403, "This invoice link is not valid"],
      [
        "another user's ID token",
        direct,
        { Authorization: `Bearer ${stranger.idToken}` },
        404,
        "There is no such invoice.",
      ],
      ["a made-up ID token", direct, { Authorization: "Bearer not.a.token" }, 403, "Your sign-in could not be checked"],
      [
        "a valid link for an order that does not exist",
        `${direct.replace(view.checkoutId, "f".repeat(32))}?token=${signInvoiceToken(secret, "f".repeat(32), Date.now() + 60_000)}`,
        {},
        404,
        "There is no such invoice.",
      ],
      ["a path that names no order", `${direct}x?token=${good}`, {}, 404, "There is no such invoice."],
    ];
    for (const [label, url, headers, status, sentence] of refusals) {
      const { response, text } = await download(url, headers);
      expect(response.status, label).toBe(status);
      expect(response.headers.get("content-type"), label).toMatch(/^text\/plain/);
      expect(text, label).toContain(sentence);
    }
    const post = await fetch(`${direct}?token=${good}`, { method: "POST", headers: { "X-Forwarded-For": randomIp() } });
    expect(post.status).toBe(405);
    expect(await post.text()).toBe("Use GET to download an invoice.");

    // getInvoiceLink gives a link to the owner only; someone else's order reads as none.
    expect(await call("getInvoiceLink", { orderId: view.checkoutId }, { user: stranger })).toMatchObject({
      ok: false,
      code: "not-found",
      message: expect.stringContaining("there is no such order for you"),
    });
    expect(await call("getInvoiceLink", { orderId: "not-an-order" }, { user })).toMatchObject({
      ok: false,
      code: "invalid-argument",
    });
  });
});
