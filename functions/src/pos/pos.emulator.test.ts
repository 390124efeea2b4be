// The point of sale's server side against the emulators: each till record is applied by its
// trigger once (stock, the store's day), redelivered events and resent writes change nothing,
// prices are re-checked against the store's catalogue, a sale that takes stock below zero is
// flagged and counted, voids take a sale back once (also when the void arrives first), and the
// createStore and registerTill callables. Records are written with the Admin SDK, as the SDK's
// sync would land them; the triggers fire for them, and the in-process calls of applyPosRecord
// race those triggers as a redelivered event would.
import { randomUUID } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { call, idempotencyKey, randomIp, signUpAnonymous } from "../../../tests/support/client.js";
import { adminDb, eventually } from "../../../tests/support/firestore.js";
import { saleRecord, seedStore, testDeviceCode, uuidV7, type SeededStore } from "../../../tests/support/pos.js";
import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { applyPosRecord, resultId } from "./apply.js";
import type { RecordKind } from "./collections.js";
import { storeDay } from "./shape.js";
import { createStore } from "./stores.js";
import { registerTill } from "./tills.js";

const deps = () => ({ db: adminDb(), now: Date.now });
const caller = (uid = `pos-${randomUUID()}`): Caller => ({ uid, ip: randomIp() });
const store = (s: SeededStore) => adminDb().collection("stores").doc(s.storeId);

async function write(s: SeededStore, collection: string, data: Record<string, unknown>): Promise<string> {
  const id = uuidV7();
  await store(s).collection(collection).doc(id).set(data);
  return id;
}

async function result(s: SeededStore, kind: RecordKind, id: string): Promise<Record<string, unknown>> {
  const data = await eventually(
    async () => (await store(s).collection("results").doc(resultId(kind, id)).get()).data(),
    (found) => found !== undefined && found.status !== "waiting",
  );
  if (!data) throw new Error(`no result for ${kind} ${id}`);
  return data;
}

async function stockOf(s: SeededStore, productId: string): Promise<unknown> {
  return (await store(s).collection("products").doc(productId).get()).get("stock");
}

async function today(s: SeededStore): Promise<Record<string, unknown> | undefined> {
  return (await store(s).collection("days").doc(storeDay(Date.now(), s.currency)).get()).data();
}

const fromTill = (s: SeededStore) => ({
  tillId: s.tillId,
  deviceCode: s.deviceCode,
  cashierUid: s.cashierUid,
  recordedAt: Date.now(),
});

describe("applying till records", () => {
  it("applies a sale once to stock and the day, however often its event is delivered", async () => {
    const s = await seedStore({ sugar: { price: 150_00, stock: 10 }, rice: { price: 320_00, stock: 4 } });
    const sale = saleRecord(s, {
      seq: 1,
      lines: [
        { productId: "sugar", quantity: 2, unitPrice: 150_00 },
        { productId: "rice", quantity: 1, unitPrice: 320_00 },
        { productId: "sugar", quantity: 1, unitPrice: 150_00 },
      ],
    });
    const id = await write(s, "sales", sale);
    // Redelivered events racing the trigger's own delivery.
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => applyPosRecord(deps(), s.storeId, "sale", id)));
    expect(outcomes.filter((o) => o === "applied").length).toBeLessThanOrEqual(1);
    const applied = await result(s, "sale", id);
    expect(applied).toMatchObject({ status: "applied", flags: [], catalogueTotal: 770_00 });
    expect(await stockOf(s, "sugar")).toBe(7);
    expect(await stockOf(s, "rice")).toBe(3);
    expect(await today(s)).toMatchObject({
      salesCount: 1,
      salesTotal: 770_00,
      cashTotal: 770_00,
      mobileTotal: 0,
      flaggedCount: 0,
      products: { sugar: { name: "sugar", quantity: 3, total: 450_00 }, rice: { quantity: 1, total: 320_00 } },
    });
    // The SDK resending the same write after a lost acknowledgement: an update, no new event.
    await store(s).collection("sales").doc(id).set(sale);
    expect(await applyPosRecord(deps(), s.storeId, "sale", id)).toBe("already-applied");
    expect(await stockOf(s, "sugar")).toBe(7);
    expect((await today(s))?.salesCount).toBe(1);
  });

  it("adds up many sales of one product from several tills at once", async () => {
    const s = await seedStore({ soap: { price: 60_00, stock: 100 } });
    const count = 16;
    const ids = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        write(
          s,
          "sales",
          saleRecord(s, { seq: i + 1, lines: [{ productId: "soap", quantity: (i % 3) + 1, unitPrice: 60_00 }] }),
        ),
      ),
    );
    await Promise.all(ids.map((id) => applyPosRecord(deps(), s.storeId, "sale", id)));
    const sold = Array.from({ length: count }, (_, i) => (i % 3) + 1).reduce((a, b) => a + b, 0);
    await Promise.all(ids.map((id) => result(s, "sale", id)));
    expect(await stockOf(s, "soap")).toBe(100 - sold);
    expect(await today(s)).toMatchObject({ salesCount: count, salesTotal: sold * 60_00, cashTotal: sold * 60_00 });
  });

  it("flags, and still counts, a sale that takes stock below zero (another till sold it meanwhile)", async () => {
    const s = await seedStore({ bread: { price: 70_00, stock: 1 } });
    const first = await write(
      s,
      "sales",
      saleRecord(s, { seq: 1, lines: [{ productId: "bread", quantity: 1, unitPrice: 70_00 }] }),
    );
    expect((await result(s, "sale", first)).flags).toEqual([]);
    const second = await write(
      s,
      "sales",
      saleRecord(s, { seq: 2, lines: [{ productId: "bread", quantity: 1, unitPrice: 70_00 }] }),
    );
    expect((await result(s, "sale", second)).flags).toEqual(["stock-below-zero"]);
    expect(await stockOf(s, "bread")).toBe(-1);
    expect(await today(s)).toMatchObject({ salesCount: 2, salesTotal: 140_00, flaggedCount: 1 });
  });

  it("re-checks prices against the catalogue and flags what does not add up", async () => {
    const s = await seedStore({ milk: { price: 55_00, stock: 20 } });
    const stale = await write(
      s,
      "sales",
      saleRecord(s, { seq: 1, lines: [{ productId: "milk", quantity: 2, unitPrice: 50_00 }] }),
    );
    expect(await result(s, "sale", stale)).toMatchObject({ flags: ["price-differs"], catalogueTotal: 110_00 });
    const padded = await write(
      s,
      "sales",
      saleRecord(s, { seq: 2, total: 1_00, lines: [{ productId: "milk", quantity: 1, unitPrice: 55_00 }] }),
    );
    expect((await result(s, "sale", padded)).flags).toEqual(["total-mismatch"]);
    const unknown = await write(
      s,
      "sales",
      saleRecord(s, { seq: 3, lines: [{ productId: "ghost", quantity: 1, unitPrice: 5_00 }] }),
    );
    expect((await result(s, "sale", unknown)).flags).toEqual(["unknown-product"]);
    const again = await write(
      s,
      "sales",
      saleRecord(s, { seq: 3, lines: [{ productId: "milk", quantity: 1, unitPrice: 55_00 }] }),
    );
    expect((await result(s, "sale", again)).flags).toEqual(["duplicate-receipt"]);
    // The day counts what the tills took; the flags say which sales the owner should look at.
    expect(await today(s)).toMatchObject({ salesCount: 4, salesTotal: 100_00 + 1_00 + 5_00 + 55_00, flaggedCount: 4 });
    expect(await stockOf(s, "milk")).toBe(16);
  });

  it("a void takes a sale back once; a second void of it is refused", async () => {
    const s = await seedStore({ eggs: { price: 20_00, stock: 30 } });
    const sale = await write(
      s,
      "sales",
      saleRecord(s, { seq: 1, lines: [{ productId: "eggs", quantity: 6, unitPrice: 20_00 }] }),
    );
    await result(s, "sale", sale);
    const voidId = await write(s, "voids", { ...fromTill(s), saleId: sale, reason: "customer changed mind" });
    const again = await write(s, "voids", { ...fromTill(s), saleId: sale, reason: "pressed twice" });
    const outcomes = [(await result(s, "void", voidId)).status, (await result(s, "void", again)).status].sort();
    expect(outcomes).toEqual(["applied", "rejected"]);
    await applyPosRecord(deps(), s.storeId, "void", voidId);
    expect(await stockOf(s, "eggs")).toBe(30);
    expect(await today(s)).toMatchObject({ salesCount: 0, salesTotal: 0, cashTotal: 0, voidsCount: 1 });
  });

  it("a void that reaches the server before its sale makes the sale count for nothing", async () => {
    const s = await seedStore({ tea: { price: 35_00, stock: 5 } });
    const saleId = uuidV7();
    const voidId = await write(s, "voids", { ...fromTill(s), saleId, reason: "wrong item" });
    await eventually(
      async (): Promise<unknown> =>
        (await store(s).collection("results").doc(resultId("void", voidId)).get()).get("status"),
      (status) => status === "waiting",
    );
    await store(s)
      .collection("sales")
      .doc(saleId)
      .set(saleRecord(s, { seq: 1, lines: [{ productId: "tea", quantity: 1, unitPrice: 35_00 }] }));
    expect((await result(s, "sale", saleId)).status).toBe("voided");
    expect((await result(s, "void", voidId)).status).toBe("applied");
    expect(await stockOf(s, "tea")).toBe(5);
    expect((await today(s))?.salesCount ?? 0).toBe(0);
  });

  it("applies expenses to the day and adjustments to stock", async () => {
    const s = await seedStore({ oil: { price: 400_00, stock: 0 } });
    const expense = await write(s, "expenses", {
      ...fromTill(s),
      amount: 150_00,
      currency: s.currency,
      category: "transport",
      note: "to the market",
    });
    const received = await write(s, "adjustments", {
      ...fromTill(s),
      productId: "oil",
      delta: 12,
      reason: "received",
      note: "",
    });
    const spoilt = await write(s, "adjustments", {
      ...fromTill(s),
      productId: "oil",
      delta: -2,
      reason: "damaged",
      note: "",
    });
    const ghost = await write(s, "adjustments", {
      ...fromTill(s),
      productId: "none",
      delta: 1,
      reason: "count",
      note: "",
    });
    expect((await result(s, "expense", expense)).status).toBe("applied");
    expect((await result(s, "adjustment", received)).status).toBe("applied");
    expect((await result(s, "adjustment", spoilt)).status).toBe("applied");
    expect(await result(s, "adjustment", ghost)).toMatchObject({ status: "rejected", flags: ["unknown-product"] });
    await Promise.all(
      [expense, received].map((id, i) => applyPosRecord(deps(), s.storeId, i ? "adjustment" : "expense", id)),
    );
    expect(await stockOf(s, "oil")).toBe(10);
    expect(await today(s)).toMatchObject({ expensesCount: 1, expensesTotal: 150_00, salesCount: 0 });
  });

  it("rejects a record it cannot read and counts nothing of it", async () => {
    const s = await seedStore({ salt: { price: 10_00, stock: 3 } });
    const id = await write(s, "sales", {
      ...saleRecord(s, { seq: 1, lines: [{ productId: "salt", quantity: 1, unitPrice: 10_00 }] }),
      currency: "NGN",
    });
    expect(await result(s, "sale", id)).toMatchObject({
      status: "rejected",
      note: "The sale is not in the store's currency.",
    });
    expect(await stockOf(s, "salt")).toBe(3);
  });

  it("checks a mobile-money sale against its payment, and a payment pays for one sale", async () => {
    const s = await seedStore({ kikoi: { price: 1_500_00, stock: 5 } });
    const paid = `pospay${randomUUID().replaceAll("-", "")}`;
    const at = Timestamp.now();
    await adminDb().collection("payments").doc(paid).set({
      uid: s.cashierUid,
      status: "succeeded",
      amount: 1_500_00,
      currency: "KES",
      purpose: "order",
      createdAt: at,
      updatedAt: at,
    });
    const line = [{ productId: "kikoi", quantity: 1, unitPrice: 1_500_00 }];
    const mobile = { method: "mobile-money" as const, paymentId: paid };
    const good = await write(s, "sales", saleRecord(s, { seq: 1, lines: line, payment: mobile }));
    expect((await result(s, "sale", good)).flags).toEqual([]);
    const reused = await write(s, "sales", saleRecord(s, { seq: 2, lines: line, payment: mobile }));
    expect((await result(s, "sale", reused)).flags).toEqual(["payment-reused"]);
    const unpaid = await write(
      s,
      "sales",
      saleRecord(s, { seq: 3, lines: line, payment: { method: "mobile-money", paymentId: `missing${randomUUID()}` } }),
    );
    expect((await result(s, "sale", unpaid)).flags).toEqual(["payment-not-settled"]);
    expect(await today(s)).toMatchObject({ salesCount: 3, mobileTotal: 4_500_00, cashTotal: 0, flaggedCount: 2 });
  });
});

describe("createStore and registerTill", () => {
  it("opens a store once per key, with its owner on the staff", async () => {
    const owner = caller();
    const key = idempotencyKey();
    const input = { idempotencyKey: key, name: "Duka la Amani", currency: "KES" as const };
    const [first, second] = await Promise.all([createStore(input, owner, deps()), createStore(input, owner, deps())]);
    expect(second).toEqual(first);
    const staff = await store({ storeId: first.storeId } as SeededStore)
      .collection("staff")
      .doc(owner.uid)
      .get();
    expect(staff.data()).toMatchObject({ uid: owner.uid, role: "owner" });
    await expect(createStore({ ...input, name: "Another" }, owner, deps())).rejects.toMatchObject({
      code: "already-exists",
    });
  });

  it("issues each till a code no other till has, and the same till again for the same key", async () => {
    const owner = caller();
    const { storeId } = await createStore(
      { idempotencyKey: idempotencyKey(), name: "Stall", currency: "MWK" },
      owner,
      deps(),
    );
    const key = idempotencyKey();
    const till = await registerTill({ idempotencyKey: key, storeId, label: "Front" }, owner, deps());
    expect(till.deviceCode).toMatch(/^T[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(await registerTill({ idempotencyKey: key, storeId, label: "Front" }, owner, deps())).toEqual(till);
    // A drawn code another till holds is drawn again.
    const draws = [till.deviceCode, till.deviceCode, testDeviceCode()];
    const other = await registerTill(
      { idempotencyKey: idempotencyKey(), storeId, label: "Back" },
      owner,
      deps(),
      () => draws.shift() ?? testDeviceCode(),
    );
    expect(other.deviceCode).not.toBe(till.deviceCode);
    expect((await adminDb().collection("tillCodes").doc(other.deviceCode).get()).data()).toMatchObject({
      storeId,
      tillId: other.tillId,
    });
  });

  it("refuses a till for a store the caller does not work at", async () => {
    const owner = caller();
    const { storeId } = await createStore(
      { idempotencyKey: idempotencyKey(), name: "Stall", currency: "UGX" },
      owner,
      deps(),
    );
    const stranger = registerTill({ idempotencyKey: idempotencyKey(), storeId, label: "Mine" }, caller(), deps());
    await expect(stranger).rejects.toBeInstanceOf(AppError);
    await expect(stranger).rejects.toMatchObject({ code: "permission-denied" });
  });

  it("answers over HTTP as a client calls them", async () => {
    const user = await signUpAnonymous();
    const opened = await call<{ storeId: string; currency: string }>(
      "createStore",
      { idempotencyKey: idempotencyKey(), name: "Kiosk", currency: "NGN" },
      { user },
    );
    expect(opened).toMatchObject({ ok: true, result: { currency: "NGN" } });
    if (!opened.ok) return;
    const till = await call(
      "registerTill",
      { idempotencyKey: idempotencyKey(), storeId: opened.result.storeId, label: "Till 1" },
      { user },
    );
    expect(till).toMatchObject({ ok: true, result: { storeId: opened.result.storeId } });
    expect(
      await call("createStore", { idempotencyKey: idempotencyKey(), name: "Kiosk", currency: "USD" }, { user }),
    ).toMatchObject({
      ok: false,
      code: "invalid-argument",
    });
  });
});
