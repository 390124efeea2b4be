// Applying a till's record (sale, void, expense, stock adjustment) to the store: stock on its
// products and the store's day totals, exactly once per record. The trigger on each created record
// calls applyPosRecord; so may a redelivered event, a retry or a test, any number of times.
//
// One optimistic commit per record (core/optimistic.ts, as the ledger and fulfilment commit): the
// result document (the applied-marker) is created with an "absent" precondition, the products it
// moves are updated "unchanged since read", and the day is only incremented, never read, so every
// till's records add up without contending for the day. A lost race reads again; a second delivery
// finds the marker and changes nothing.
//
// Nothing a till recorded is lost: a sale whose prices differ from the catalogue, that takes stock
// below zero or whose payment is not what it claims is applied and flagged for the owner, not
// rejected (the goods have left the stall). Only a record that cannot be read at all is rejected,
// and then its result says why.
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { getAllTyped } from "../core/collections.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { PAYMENTS } from "../payments/records.js";
import {
  ADJUSTMENTS,
  DAYS,
  EXPENSES,
  POS_PAYMENTS,
  RECEIPTS,
  RESULTS,
  SALES,
  STORE_PRODUCTS,
  STORES,
  VOID_MARKS,
  VOIDS,
  type Flag,
  type RecordKind,
  type ResultRecord,
  type SaleEffect,
  type StoreRecord,
} from "./collections.js";
import { storeDay } from "./shape.js";

const BUSY = "Many till records are being applied to this store right now; this one will be retried.";
/** A device clock further ahead than this is wrong: the record's day is the server's. */
const CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

export type ApplyOutcome = ResultRecord["status"] | "already-applied";

export interface ApplyDeps {
  readonly db: Firestore;
  readonly now: () => number;
}

const COLLECTION_OF: Record<RecordKind, string> = {
  sale: SALES.id,
  void: VOIDS.id,
  expense: EXPENSES.id,
  adjustment: ADJUSTMENTS.id,
};

/** The collection a trigger fired on, as the kind of record it holds. */
export function kindOfCollection(collection: string): RecordKind | undefined {
  return (Object.keys(COLLECTION_OF) as RecordKind[]).find((kind) => COLLECTION_OF[kind] === collection);
}

export function resultId(kind: RecordKind, recordId: string): string {
  return `${kind}-${recordId}`;
}

/** Counters a day document always has, so a new day reads whole after its first increment. */
function dayIncrements(date: string, changes: Partial<Record<string, number>>) {
  const fields = [
    "salesCount",
    "salesTotal",
    "cashTotal",
    "mobileTotal",
    "voidsCount",
    "expensesCount",
    "expensesTotal",
    "flaggedCount",
  ];
  return {
    date,
    ...Object.fromEntries(fields.map((field) => [field, FieldValue.increment(changes[field] ?? 0)])),
  };
}

function productIncrements(lines: SaleEffect["lines"], names: ReadonlyMap<string, string>, sign: 1 | -1) {
  const products: Record<string, unknown> = {};
  for (const line of lines) {
    products[line.productId] = {
      name: names.get(line.productId) ?? line.productId,
      quantity: FieldValue.increment(sign * line.quantity),
      total: FieldValue.increment(sign * line.amount),
    };
  }
  return products;
}

/** Quantities and amounts per product, lines of one product added together. */
function effectLines(lines: readonly { productId: string; quantity: number; lineTotal: number }[]) {
  const byProduct = new Map<string, { productId: string; quantity: number; amount: number }>();
  for (const line of lines) {
    const seen = byProduct.get(line.productId) ?? { productId: line.productId, quantity: 0, amount: 0 };
    seen.quantity += line.quantity;
    seen.amount += line.lineTotal;
    byProduct.set(line.productId, seen);
  }
  return [...byProduct.values()];
}

function result(
  kind: RecordKind,
  recordId: string,
  fields: Partial<Omit<ResultRecord, "kind" | "recordId" | "appliedAt">> & Pick<ResultRecord, "status">,
  at: Timestamp,
): ResultRecord {
  return {
    kind,
    recordId,
    flags: [],
    note: null,
    catalogueTotal: null,
    effect: null,
    appliedAt: at,
    ...fields,
  };
}

export async function applyPosRecord(
  deps: ApplyDeps,
  storeId: string,
  kind: RecordKind,
  recordId: string,
): Promise<ApplyOutcome> {
  const { db } = deps;
  const storeRef = STORES.ref(db).doc(storeId);
  const resultRef = RESULTS.under(storeRef).doc(resultId(kind, recordId));
  // The record itself never changes once written (rules allow only an identical re-write), so
  // it is read once, outside the optimistic loop, raw: a malformed one is rejected, not thrown on.
  const [storeSnap, recordSnap] = await Promise.all([
    storeRef.get(),
    storeRef.collection(COLLECTION_OF[kind]).doc(recordId).get(),
  ]);
  const store = STORES.schema.safeParse(storeSnap.data());
  if (!recordSnap.exists) {
    logger.warn("till record vanished before it was applied", { storeId, kind, recordId });
    return "rejected";
  }
  const reject = (note: string) =>
    commitOptimistically(async () => {
      const existing = await resultRef.get();
      return {
        version: versionOf([existing]),
        commit: async (): Promise<ApplyOutcome> => {
          if (existing.exists) return "already-applied";
          await resultRef.create(result(kind, recordId, { status: "rejected", note }, Timestamp.now()));
          return "rejected";
        },
      };
    }, BUSY);
  if (!store.success) return reject("The store this record names does not exist or cannot be read.");
  const context = { deps, storeRef, store: store.data, resultRef, recordId };
  switch (kind) {
    case "sale": {
      const sale = SALES.schema.safeParse(recordSnap.data());
      if (!sale.success) return reject(`The sale cannot be read: ${sale.error.issues[0]?.message ?? "malformed"}.`);
      if (sale.data.currency !== store.data.currency) return reject("The sale is not in the store's currency.");
      return applySale(context, sale.data);
    }
    case "void": {
      const voided = VOIDS.schema.safeParse(recordSnap.data());
      if (!voided.success) return reject("The void cannot be read.");
      return applyVoid(context, voided.data.saleId);
    }
    case "expense": {
      const expense = EXPENSES.schema.safeParse(recordSnap.data());
      if (!expense.success) return reject("The expense cannot be read.");
      if (expense.data.currency !== store.data.currency) return reject("The expense is not in the store's currency.");
      return applyExpense(context, expense.data.amount, expense.data.recordedAt);
    }
    case "adjustment": {
      const adjustment = ADJUSTMENTS.schema.safeParse(recordSnap.data());
      if (!adjustment.success) return reject("The stock adjustment cannot be read.");
      return applyAdjustment(context, adjustment.data.productId, adjustment.data.delta);
    }
  }
}

interface Context {
  readonly deps: ApplyDeps;
  readonly storeRef: DocumentReference<StoreRecord>;
  readonly store: StoreRecord;
  readonly resultRef: DocumentReference<ResultRecord>;
  readonly recordId: string;
}

/** The day a record counts on: its device time's, unless the device clock is a day ahead. */
function dayOf(context: Context, recordedAt: number): { day: string; ahead: boolean } {
  const now = context.deps.now();
  const ahead = recordedAt > now + CLOCK_AHEAD_MS;
  return { day: storeDay(ahead ? now : recordedAt, context.store.currency), ahead };
}

async function applySale(context: Context, sale: ReturnType<typeof SALES.schema.parse>): Promise<ApplyOutcome> {
  const { deps, storeRef, resultRef, recordId } = context;
  const { db } = deps;
  const lines = effectLines(sale.lines);
  const productRefs = lines.map((line) => STORE_PRODUCTS.under(storeRef).doc(line.productId));
  const receiptRef = RECEIPTS.under(storeRef).doc(sale.receiptNumber);
  const voidMarkRef = VOID_MARKS.under(storeRef).doc(recordId);
  const paymentId = sale.payment.method === "mobile-money" ? sale.payment.paymentId : undefined;
  const posPaymentRef = paymentId === undefined ? undefined : POS_PAYMENTS.ref(db).doc(paymentId);
  // Read raw: only the four fields that decide are looked at, and a payment document this code
  // cannot parse must flag the sale, not stop it from counting.
  const paymentRef = paymentId === undefined ? undefined : db.collection(PAYMENTS.id).doc(paymentId);

  return commitOptimistically(async () => {
    const [existing, receipt, voidMark, productSnaps, posPayment, payment] = await Promise.all([
      resultRef.get(),
      receiptRef.get(),
      voidMarkRef.get(),
      getAllTyped(db, productRefs),
      posPaymentRef?.get(),
      paymentRef?.get(),
    ]);
    const version = versionOf([existing, receipt, voidMark, ...productSnaps, ...(posPayment ? [posPayment] : [])]);
    if (existing.exists) return { version, commit: () => Promise.resolve<ApplyOutcome>("already-applied") };
    const at = Timestamp.fromMillis(deps.now());
    const batch = db.batch();

    const mark = voidMark.data();
    if (mark?.state === "waiting" && voidMark.updateTime) {
      // The void reached the server first: the sale is taken back before it counted, so nothing
      // moves, and the waiting void is now done.
      batch.create(resultRef, result("sale", recordId, { status: "voided", note: `voided by ${mark.voidId}` }, at));
      batch.update(voidMarkRef, { state: "applied", at }, { lastUpdateTime: voidMark.updateTime });
      batch.update(RESULTS.under(storeRef).doc(resultId("void", mark.voidId)), {
        status: "applied",
        note: "applied before its sale counted: nothing moved",
      });
      return { version, commit: async () => (await batch.commit(), "voided" as const) };
    }

    const flags = new Set<Flag>();
    const { day, ahead } = dayOf(context, sale.recordedAt);
    if (ahead) flags.add("clock-ahead");
    const lineSum = sale.lines.reduce((sum, line) => sum + line.lineTotal, 0);
    if (lineSum !== sale.total || sale.lines.some((line) => line.unitPrice * line.quantity !== line.lineTotal)) {
      flags.add("total-mismatch");
    }
    let catalogueTotal = 0;
    const names = new Map<string, string>();
    for (const line of sale.lines) {
      const product = productSnaps[lines.findIndex((l) => l.productId === line.productId)]?.data();
      names.set(line.productId, product?.name ?? line.name);
      if (!product) {
        flags.add("unknown-product");
        continue;
      }
      catalogueTotal += product.price * line.quantity;
      if (product.price !== line.unitPrice) flags.add("price-differs");
    }
    lines.forEach((line, i) => {
      const snap = productSnaps[i];
      const product = snap?.data();
      if (!snap?.updateTime || !product) return;
      const stock = product.stock - line.quantity;
      if (stock < 0) flags.add("stock-below-zero");
      batch.update(snap.ref, { stock }, { lastUpdateTime: snap.updateTime });
    });
    if (receipt.exists) {
      if (receipt.data()?.saleId !== recordId) flags.add("duplicate-receipt");
    } else {
      batch.create(receiptRef, { saleId: recordId });
    }
    if (posPaymentRef && posPayment) {
      const paid = payment?.exists ? payment : undefined;
      if (
        paid?.get("status") !== "succeeded" ||
        paid.get("uid") !== sale.cashierUid ||
        paid.get("amount") !== sale.total ||
        paid.get("currency") !== sale.currency
      ) {
        flags.add("payment-not-settled");
      }
      if (posPayment.exists) {
        if (posPayment.data()?.saleId !== recordId) flags.add("payment-reused");
      } else {
        batch.create(posPaymentRef, { storeId: storeRef.id, saleId: recordId });
      }
    }

    const method = sale.payment.method;
    const effect: SaleEffect = { day, total: sale.total, method, lines };
    batch.create(
      resultRef,
      result("sale", recordId, { status: "applied", flags: [...flags], catalogueTotal, effect }, at),
    );
    batch.set(
      DAYS.under(storeRef).doc(day),
      {
        ...dayIncrements(day, {
          salesCount: 1,
          salesTotal: sale.total,
          cashTotal: method === "cash" ? sale.total : 0,
          mobileTotal: method === "mobile-money" ? sale.total : 0,
          flaggedCount: flags.size > 0 ? 1 : 0,
        }),
        products: productIncrements(lines, names, 1),
      } as never,
      { merge: true },
    );
    if (flags.size > 0) logger.warn("till sale flagged", { storeId: storeRef.id, saleId: recordId, flags: [...flags] });
    return { version, commit: async () => (await batch.commit(), "applied" as const) };
  }, BUSY);
}

async function applyVoid(context: Context, saleId: string): Promise<ApplyOutcome> {
  const { deps, storeRef, resultRef, recordId } = context;
  const { db } = deps;
  const voidMarkRef = VOID_MARKS.under(storeRef).doc(saleId);
  const saleResultRef = RESULTS.under(storeRef).doc(resultId("sale", saleId));

  return commitOptimistically(async () => {
    const [existing, voidMark, saleResult] = await Promise.all([
      resultRef.get(),
      voidMarkRef.get(),
      saleResultRef.get(),
    ]);
    const counted = saleResult.data()?.status === "applied" ? saleResult.data()?.effect : null;
    const productRefs = (counted?.lines ?? []).map((line) => STORE_PRODUCTS.under(storeRef).doc(line.productId));
    const productSnaps = await getAllTyped(db, productRefs);
    const version = versionOf([existing, voidMark, saleResult, ...productSnaps]);
    if (existing.exists) return { version, commit: () => Promise.resolve<ApplyOutcome>("already-applied") };
    const at = Timestamp.fromMillis(deps.now());
    const batch = db.batch();
    const done = (outcome: ApplyOutcome) => ({ version, commit: async () => (await batch.commit(), outcome) });

    const mark = voidMark.data();
    if (mark) {
      batch.create(
        resultRef,
        result("void", recordId, { status: "rejected", note: `the sale was already voided by ${mark.voidId}` }, at),
      );
      return done("rejected");
    }
    if (!saleResult.exists) {
      // The sale has not reached the server yet (another till's, or still in flight): the void
      // waits, and the sale, when it comes, is applied as voided.
      batch.create(voidMarkRef, { voidId: recordId, state: "waiting", at });
      batch.create(resultRef, result("void", recordId, { status: "waiting", note: "waiting for its sale" }, at));
      return done("waiting");
    }
    if (!counted) {
      batch.create(
        resultRef,
        result(
          "void",
          recordId,
          { status: "rejected", note: "the sale was not counted, so there is nothing to take back" },
          at,
        ),
      );
      return done("rejected");
    }
    productSnaps.forEach((snap, i) => {
      const line = counted.lines[i];
      const product = snap.data();
      if (!snap.updateTime || !product || !line) return;
      batch.update(snap.ref, { stock: product.stock + line.quantity }, { lastUpdateTime: snap.updateTime });
    });
    batch.create(voidMarkRef, { voidId: recordId, state: "applied", at });
    batch.create(resultRef, result("void", recordId, { status: "applied", effect: counted }, at));
    batch.set(
      DAYS.under(storeRef).doc(counted.day),
      {
        ...dayIncrements(counted.day, {
          salesCount: -1,
          salesTotal: -counted.total,
          cashTotal: counted.method === "cash" ? -counted.total : 0,
          mobileTotal: counted.method === "mobile-money" ? -counted.total : 0,
          voidsCount: 1,
        }),
        products: productIncrements(counted.lines, new Map(), -1),
      } as never,
      { merge: true },
    );
    return done("applied");
  }, BUSY);
}

async function applyExpense(context: Context, amount: number, recordedAt: number): Promise<ApplyOutcome> {
  const { deps, storeRef, resultRef, recordId } = context;
  const { db } = deps;
  return commitOptimistically(async () => {
    const existing = await resultRef.get();
    const version = versionOf([existing]);
    if (existing.exists) return { version, commit: () => Promise.resolve<ApplyOutcome>("already-applied") };
    const { day, ahead } = dayOf(context, recordedAt);
    const batch = db.batch();
    batch.create(
      resultRef,
      result(
        "expense",
        recordId,
        { status: "applied", flags: ahead ? ["clock-ahead"] : [] },
        Timestamp.fromMillis(deps.now()),
      ),
    );
    batch.set(DAYS.under(storeRef).doc(day), dayIncrements(day, { expensesCount: 1, expensesTotal: amount }) as never, {
      merge: true,
    });
    return { version, commit: async () => (await batch.commit(), "applied" as const) };
  }, BUSY);
}

async function applyAdjustment(context: Context, productId: string, delta: number): Promise<ApplyOutcome> {
  const { deps, storeRef, resultRef, recordId } = context;
  const { db } = deps;
  const productRef = STORE_PRODUCTS.under(storeRef).doc(productId);
  return commitOptimistically(async () => {
    const [existing, productSnap] = await Promise.all([resultRef.get(), productRef.get()]);
    const version = versionOf([existing, productSnap]);
    if (existing.exists) return { version, commit: () => Promise.resolve<ApplyOutcome>("already-applied") };
    const at = Timestamp.fromMillis(deps.now());
    const batch = db.batch();
    const product = productSnap.data();
    if (!product || !productSnap.updateTime) {
      batch.create(
        resultRef,
        result(
          "adjustment",
          recordId,
          { status: "rejected", flags: ["unknown-product"], note: "the store has no such product" },
          at,
        ),
      );
      return { version, commit: async () => (await batch.commit(), "rejected" as const) };
    }
    batch.update(productRef, { stock: product.stock + delta }, { lastUpdateTime: productSnap.updateTime });
    batch.create(resultRef, result("adjustment", recordId, { status: "applied" }, at));
    return { version, commit: async () => (await batch.commit(), "applied" as const) };
  }, BUSY);
}
