/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   RulesTestContext.firestore() is typed as the compat Firestore; the modular functions accept it
   (the documented usage of @firebase/rules-unit-testing v5), which this rule cannot see. */
// Security rules, evaluated by the Firestore emulator. The table below is the access model: what
// each role may do per collection; everything not listed is denied, and every cell is tested.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import {
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  query,
  setDoc,
  serverTimestamp,
  setLogLevel,
  Timestamp,
  updateDoc,
  where,
} from "firebase/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { COLLECTIONS } from "../../functions/src/collections.ts";
import { ROOT } from "../../tools/emulators/environment.ts";
import { PROJECT_ID } from "../support/emulators.ts";
import { uuidV7 } from "../support/pos.ts";

// Unique per run: parallel test files never share these documents.
const run = `rules-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const OWNER = `alice-${run}`;
const OTHER = `bob-${run}`;
const ADMIN = `admin-${run}`;
// Contests: OWNER enters COMPETITION, which JUDGE judges; OTHER_JUDGE judges another competition.
const COMPETITION = `c-${run}`;
const JUDGE = `judge-${run}`;
const OTHER_JUDGE = `judge2-${run}`;
const FUTURE = Timestamp.fromMillis(Date.UTC(2100, 0, 1));
const PAST = Timestamp.fromMillis(Date.UTC(2025, 0, 1));

// The point of sale: OWNER owns STORE (its membership is the stores/staff row), with one till.
// "other user" works at no store of theirs; the pos block below adds cashiers, of it and of another.
const STORE = `s-${run}`;
const TILL = `t${"0".repeat(8)}${Date.now().toString(16).padStart(12, "0")}`;
const DEVICE = "T0RULE";
const SALE = uuidV7();

type Role = "unauthenticated" | "owner" | "other user" | "admin" | "judge" | "judge of another competition";
type Operation = "get" | "list (constrained to the owner)" | "list (unconstrained)" | "create" | "update" | "delete";

interface Row {
  /** A seeded document of the collection. */
  readonly path: string;
  readonly data: Record<string, unknown>;
  /** A harmless update for this collection (a field clients may change, where there is one). */
  readonly update: Record<string, unknown>;
  readonly allowed: Partial<Record<Role, readonly Operation[]>>;
}

const READ: readonly Operation[] = ["get", "list (constrained to the owner)", "list (unconstrained)"];

const table: Record<string, Row> = {
  payments: {
    path: `payments/${run}`,
    data: { uid: OWNER, amount: 10_000, currency: "KES", status: "pending" },
    update: { status: "succeeded" },
    allowed: { owner: ["get", "list (constrained to the owner)"], admin: READ },
  },
  "payments/events": {
    path: `payments/${run}/events/e1`,
    data: { type: "created", to: "pending" },
    update: { type: "edited" },
    // Events have no uid: the owner reads the whole trail of their own payment.
    allowed: { owner: READ, admin: READ },
  },
  users: {
    path: `users/${OWNER}`,
    data: { displayName: "Alice" },
    update: { displayName: "Alice W." },
    allowed: { owner: ["get", "update"], admin: READ },
  },
  alerts: {
    path: `alerts/${run}`,
    data: { uid: OWNER, type: "payment-conflict" },
    update: { resolved: true },
    allowed: { admin: READ },
  },
  providerEvents: {
    path: `providerEvents/${run}`,
    data: { uid: OWNER, matched: false },
    update: { matched: true },
    allowed: { admin: READ },
  },
  mail: {
    path: `mail/${run}`,
    data: { uid: OWNER, to: "a@example.com" },
    update: { to: "x@example.com" },
    allowed: { admin: READ },
  },
  adminAudit: {
    path: `adminAudit/${run}`,
    data: { uid: OWNER, action: "grant" },
    update: { action: "revoke" },
    allowed: { admin: READ },
  },
  ledgerAccounts: {
    path: `ledgerAccounts/wallet:${OWNER}:KES`,
    data: { uid: OWNER, kind: "wallet", currency: "KES", debits: 0, credits: 100, pendingDebits: 0, pendingCredits: 0 },
    update: { credits: 1_000_000 },
    allowed: { owner: ["get", "list (constrained to the owner)"], admin: READ },
  },
  "ledgerAccounts/activity": {
    path: `ledgerAccounts/wallet:${OWNER}:KES/activity/topup:${run}`,
    data: { uid: OWNER, entryId: `topup:${run}`, side: "credit", amount: 100, balanceAfter: 100 },
    update: { amount: 1_000_000 },
    // A user account's lines carry its owner's uid (the wallet page reads them across accounts
    // through listWalletActivity), but access follows the parent account: the owner reads the
    // whole history of their own account.
    allowed: { owner: READ, admin: READ },
  },
  "ledgerAccounts/shards": {
    path: `ledgerAccounts/@fees:KES/shards/0`,
    data: { uid: OWNER, debits: 0, credits: 100 },
    update: { credits: 0 },
    allowed: { admin: READ },
  },
  journal: {
    path: `journal/topup:${run}`,
    data: { uid: OWNER, kind: "topup", status: "posted" },
    update: { status: "voided" },
    allowed: { admin: READ },
  },
  feeRules: {
    path: `feeRules/airtime:KES:v${run}`,
    data: { uid: OWNER, service: "airtime", currency: "KES", kind: "bps", bps: 500 },
    update: { bps: 0 },
    // Prices are public to customers: every signed-in user reads them; operators write with the
    // Admin SDK only.
    allowed: { owner: READ, "other user": READ, admin: READ, judge: READ, "judge of another competition": READ },
  },
  bills: {
    path: `bills/${run}`,
    data: { uid: OWNER, status: "delivered", amount: 100_000, delivery: { token: "1234" } },
    update: { status: "failed" },
    allowed: { owner: ["get", "list (constrained to the owner)"], admin: READ },
  },
  "bills/events": {
    path: `bills/${run}/events/created`,
    data: { to: "sending", source: "pay" },
    update: { to: "delivered" },
    // Events have no uid: the owner reads the whole trail of their own bill.
    allowed: { owner: READ, admin: READ },
  },
  billVerifications: {
    path: `billVerifications/${run}`,
    data: { uid: OWNER, serviceId: "ikeja-electric", customerNumber: "1111111111111", customerName: "A" },
    update: { customerName: "B" },
    allowed: { owner: ["get"], admin: ["get"] },
  },
  billServices: {
    path: `billServices/svc-${run}`,
    data: { uid: OWNER, name: "MTN Airtime", variations: [], active: true },
    update: { active: false },
    // The catalogue is public to customers; only functions refresh it.
    allowed: { owner: READ, "other user": READ, admin: READ, judge: READ, "judge of another competition": READ },
  },
  billGuards: {
    path: `billGuards/${run}`,
    data: { uid: OWNER, billId: "b" },
    update: { billId: "c" },
    allowed: {},
  },
  refunds: {
    path: `refunds/${run}`,
    data: { uid: OWNER, paymentId: run, state: "pending", amount: 100_00, operatorUid: ADMIN },
    update: { state: "succeeded" },
    // Operators' records: the payer sees refunds on the payment (its summary and events).
    allowed: { admin: READ },
  },
  "refunds/events": {
    path: `refunds/${run}/events/requested`,
    data: { type: "requested", to: "sending", by: ADMIN },
    update: { to: "succeeded" },
    allowed: { admin: READ },
  },
  paymentRefunds: {
    path: `paymentRefunds/${run}`,
    data: { uid: OWNER, paid: 100_00, reserved: 0, refunded: 0 },
    update: { refunded: 100_00 },
    allowed: { admin: READ },
  },
  withdrawals: {
    path: `withdrawals/${run}`,
    data: { uid: OWNER, status: "pending", amount: 1_000_00, phone: "+254700000000" },
    update: { status: "failed" },
    allowed: { owner: ["get", "list (constrained to the owner)"], admin: READ },
  },
  "withdrawals/events": {
    path: `withdrawals/${run}/events/created`,
    data: { to: "sending", source: "withdraw" },
    update: { to: "succeeded" },
    // Events have no uid: the owner reads the whole trail of their own withdrawal.
    allowed: { owner: READ, admin: READ },
  },
  withdrawalLocks: {
    path: `withdrawalLocks/${OWNER}`,
    data: { uid: OWNER, withdrawalId: run },
    update: { withdrawalId: "x" },
    allowed: {},
  },
  withdrawalDays: {
    path: `withdrawalDays/${OWNER}_KES_2026-12-03`,
    data: { uid: OWNER, total: 1_000_00, withdrawals: [run] },
    update: { total: 0 },
    allowed: {},
  },
  payoutResults: {
    path: `payoutResults/${run}`,
    data: { uid: OWNER, eventKey: run, outcome: "succeeded" },
    update: { outcome: "failed" },
    allowed: { admin: READ },
  },
  quotes: {
    path: `quotes/${run}`,
    data: { uid: OWNER, amount: 1_000_00, fee: 50_00, total: 1_050_00, claimedBy: null },
    update: { fee: 0 },
    allowed: { owner: ["get"] },
  },
  paymentCodes: {
    path: `paymentCodes/${run}`,
    data: { uid: OWNER, hash: "h", attempts: 0 },
    update: { attempts: 0 },
    allowed: {},
  },
  pins: {
    path: `pins/${OWNER}`,
    data: { uid: OWNER, hash: "h", salt: "s", wrongAttempts: 0, lockedUntil: null },
    update: { wrongAttempts: 0 },
    allowed: {},
  },
  // Second factor (twofactor/): server-only, not even the owner or an operator reads them.
  twoFactor: {
    path: `twoFactor/${OWNER}`,
    data: { uid: OWNER, status: "enabled", secret: { ciphertext: "c" }, lastStep: 1, wrongAttempts: 0 },
    update: { wrongAttempts: 0 },
    allowed: {},
  },
  stepUpGrants: {
    path: `stepUpGrants/${run}`,
    data: { uid: OWNER, operation: "withdraw", amount: 300_00, currency: "KES", usedBy: null },
    update: { usedBy: null },
    allowed: {},
  },
  // The email change (accounts/email-change.ts): server-only.
  emailChanges: {
    path: `emailChanges/${run}`,
    data: { uid: OWNER, from: "a@example.com", to: "b@example.com", status: "pending", hash: "h", salt: "s" },
    update: { status: "confirmed" },
    allowed: {},
  },
  accountEmails: {
    path: `accountEmails/${OWNER}`,
    data: { email: "a@example.com", via: "first-seen" },
    update: { email: "b@example.com" },
    allowed: {},
  },
  idempotencyKeys: {
    path: `idempotencyKeys/${run}`,
    data: { uid: OWNER, paymentId: run },
    update: { paymentId: "x" },
    allowed: {},
  },
  paymentGuards: {
    path: `paymentGuards/${run}`,
    data: { uid: OWNER, paymentId: run },
    update: { paymentId: "x" },
    allowed: {},
  },
  providerRefs: {
    path: `providerRefs/${run}`,
    data: { uid: OWNER, paymentId: run },
    update: { paymentId: "x" },
    allowed: {},
  },
  unansweredRequests: {
    path: `unansweredRequests/${run}`,
    data: { uid: OWNER, paymentIds: [run] },
    update: { paymentIds: [] },
    allowed: {},
  },
  ledgerChecks: {
    path: `ledgerChecks/${run}`,
    data: { uid: OWNER, ok: true },
    update: { ok: false },
    allowed: { admin: READ },
  },
  ledgerEvents: {
    path: `ledgerEvents/${run}`,
    data: { uid: OWNER, entryId: run, kind: "purchase" },
    update: { kind: "x" },
    allowed: {},
  },
  products: {
    path: `products/p-${run}`,
    data: { uid: OWNER, merchantId: "m", name: "Kikoi", prices: { KES: 1_500_00 }, stock: 3, active: true },
    update: { prices: { KES: 1_00 } },
    // The catalogue is public to customers; only operators (Admin SDK) change it.
    allowed: {
      owner: READ,
      "other user": READ,
      admin: READ,
      judge: READ,
      "judge of another competition": READ,
    },
  },
  carts: {
    path: `carts/${OWNER}`,
    data: { uid: OWNER, lines: [{ productId: "p", quantity: 1 }] },
    update: { lines: [{ productId: "p", quantity: 99 }] },
    allowed: { owner: ["get"] },
  },
  checkouts: {
    path: `checkouts/${run}`,
    data: { uid: OWNER, total: 1_500_00, currency: "KES", lines: [] },
    update: { total: 1_00 },
    allowed: { owner: ["get"] },
  },
  orders: {
    path: `orders/${run}`,
    data: { uid: OWNER, amountPaid: 1_500_00, invoiceNumber: "SHOP-000001", status: "confirmed" },
    update: { status: "review" },
    allowed: { owner: ["get", "list (constrained to the owner)"], admin: READ },
  },
  // The operator console and alert rules (operations/): operators read, nobody else.
  "alerts/timeline": {
    path: `alerts/${run}/timeline/1`,
    data: { uid: OWNER, kind: "opened", seq: 1 },
    update: { kind: "resolved" },
    allowed: { admin: READ },
  },
  opsCounters: {
    path: `opsCounters/error:${run}`,
    data: { uid: OWNER, kind: "error", count: 1 },
    update: { count: 0 },
    allowed: { admin: READ },
  },
  opsReadings: {
    path: `opsReadings/payout-float:${run}`,
    data: { uid: OWNER, kind: "payout-float", amount: 1 },
    update: { amount: 1_000_000 },
    allowed: { admin: READ },
  },
  invoiceCounters: {
    path: `invoiceCounters/m-${run}`,
    data: { uid: OWNER, merchantId: "m", next: 2 },
    update: { next: 1 },
    allowed: {},
  },
  competitions: {
    path: `competitions/${COMPETITION}`,
    data: { uid: OWNER, name: "Sing", entryFee: { KES: 500_00 }, judgingClosesAt: FUTURE, resultsPublishedAt: null },
    update: { entryFee: { KES: 1 } },
    // Public to signed-in users (the join page lists them); operators write in the console.
    allowed: {
      owner: READ,
      "other user": READ,
      admin: READ,
      judge: READ,
      "judge of another competition": READ,
    },
  },
  "competitions/judges": {
    path: `competitions/${COMPETITION}/judges/${JUDGE}`,
    data: { uid: JUDGE, email: "judge@example.com" },
    update: { uid: OTHER },
    // The appointment: the judge reads their own; nobody appoints themselves.
    allowed: { admin: READ, judge: ["get"] },
  },
  entries: {
    path: `entries/${run}`,
    data: { uid: OWNER, competitionId: COMPETITION, category: "Solo", title: "My song", link: "https://x.example" },
    update: { title: "Changed" },
    // The entrant, the judges of its competition (by id, or listing where competitionId is theirs:
    // see the field checks) and operators; not a judge of another competition.
    allowed: { owner: ["get", "list (constrained to the owner)"], admin: READ, judge: ["get"] },
  },
  "entries/scores": {
    path: `entries/${run}/scores/${JUDGE}`,
    data: { competitionId: COMPETITION, score: 7, comment: "Strong", updatedAt: serverTimestamp() },
    update: { score: 8, comment: "Stronger", updatedAt: serverTimestamp() },
    // Only the judge who wrote it (and operators) read a score before results are published; the
    // entrant may not. The judge edits their own score (creating one is in the field checks: the
    // matrix's create uses another id, which is nobody's score).
    allowed: { admin: READ, judge: ["get", "update"] },
  },
  // Judging: COMPETITION's results are not published, so only operators read a result (the
  // published case, for every role, is in "firestore.rules results publication").
  "competitions/results": {
    path: `competitions/${COMPETITION}/results/${run}`,
    data: { uid: OWNER, competitionId: COMPETITION, entryId: run, category: "Solo", rank: 1 },
    update: { rank: 2 },
    allowed: { admin: READ },
  },
  // The point of sale (docs/pos.md): store staff read their store; records are written by tills
  // under UUIDv7 ids (the matrix's "-new" id is none, so its create is refused) and never edited.
  // Cashiers, other stores and the field checks are in "firestore.rules point of sale" below.
  stores: {
    path: `stores/${STORE}`,
    data: { name: "Stall", currency: "KES", ownerUid: OWNER, createdAt: PAST },
    update: { currency: "MWK" },
    allowed: { owner: ["get"] },
  },
  "stores/staff": {
    path: `stores/${STORE}/staff/${OWNER}`,
    data: { uid: OWNER, role: "owner", addedBy: OWNER, addedAt: PAST },
    update: { role: "cashier" },
    allowed: { owner: READ },
  },
  "stores/products": {
    path: `stores/${STORE}/products/p-${run}`,
    data: { name: "Sugar 1kg", price: 150_00, stock: 5, lowStockAt: 2, active: true },
    update: { price: 160_00 },
    // The owner prices products; the matrix's create fails because a new product must start at 0.
    allowed: { owner: [...READ, "update"] },
  },
  "stores/tills": {
    path: `stores/${STORE}/tills/${TILL}`,
    data: { deviceCode: DEVICE, label: "Front", registeredBy: OWNER, createdAt: PAST },
    update: { deviceCode: "T00000" },
    allowed: { owner: READ },
  },
  tillCodes: {
    path: `tillCodes/${DEVICE}`,
    data: { storeId: STORE, tillId: TILL, createdAt: PAST },
    update: { storeId: "x" },
    allowed: {},
  },
  "stores/sales": {
    path: `stores/${STORE}/sales/${SALE}`,
    data: {
      tillId: TILL,
      deviceCode: DEVICE,
      cashierUid: OWNER,
      recordedAt: 1,
      receiptNumber: `${DEVICE}-1-1`,
      shift: 1,
      seq: 1,
      lines: [{ productId: `p-${run}`, name: "Sugar 1kg", quantity: 1, unitPrice: 150_00, lineTotal: 150_00 }],
      total: 150_00,
      currency: "KES",
      payment: { method: "cash" },
    },
    update: { total: 1 },
    allowed: { owner: READ },
  },
  "stores/voids": {
    path: `stores/${STORE}/voids/${uuidV7()}`,
    data: { tillId: TILL, deviceCode: DEVICE, cashierUid: OWNER, recordedAt: 2, saleId: SALE, reason: "wrong item" },
    update: { saleId: "x" },
    allowed: { owner: READ },
  },
  "stores/expenses": {
    path: `stores/${STORE}/expenses/${uuidV7()}`,
    data: {
      tillId: TILL,
      deviceCode: DEVICE,
      cashierUid: OWNER,
      recordedAt: 3,
      amount: 50_00,
      currency: "KES",
      category: "transport",
      note: "boda",
    },
    update: { amount: 5_00 },
    allowed: { owner: READ },
  },
  "stores/adjustments": {
    path: `stores/${STORE}/adjustments/${uuidV7()}`,
    data: {
      tillId: TILL,
      deviceCode: DEVICE,
      cashierUid: OWNER,
      recordedAt: 4,
      productId: `p-${run}`,
      delta: 10,
      reason: "received",
      note: "",
    },
    update: { delta: 1_000 },
    allowed: { owner: READ },
  },
  "stores/results": {
    path: `stores/${STORE}/results/sale-${SALE}`,
    data: {
      kind: "sale",
      recordId: SALE,
      status: "applied",
      flags: [],
      note: null,
      catalogueTotal: null,
      effect: null,
      appliedAt: PAST,
    },
    update: { status: "rejected" },
    allowed: { owner: READ },
  },
  "stores/voidMarks": {
    path: `stores/${STORE}/voidMarks/${SALE}`,
    data: { voidId: "v", state: "applied", at: PAST },
    update: { state: "waiting" },
    allowed: {},
  },
  "stores/receipts": {
    path: `stores/${STORE}/receipts/${DEVICE}-1-1`,
    data: { saleId: SALE },
    update: { saleId: "x" },
    allowed: {},
  },
  posPayments: {
    path: `posPayments/${run}`,
    data: { uid: OWNER, storeId: STORE, saleId: SALE },
    update: { saleId: "x" },
    allowed: {},
  },
  "stores/days": {
    path: `stores/${STORE}/days/2026-12-03`,
    data: { date: "2026-12-03", salesCount: 1, salesTotal: 150_00 },
    update: { salesTotal: 1_000_000_00 },
    allowed: { owner: READ },
  },
  rateLimits: { path: `rateLimits/${run}`, data: { uid: OWNER, count: 1 }, update: { count: 0 }, allowed: {} },
  system: { path: `system/${run}`, data: { uid: OWNER, checkedAt: 1 }, update: { checkedAt: 2 }, allowed: {} },
  // Accounts: the owner reads their devices and sign-ins; removing or trusting a device is a
  // callable (removal revokes sessions), so nobody writes them.
  devices: {
    path: `devices/${OWNER}_device0123456789abcd`,
    data: { uid: OWNER, deviceId: "device0123456789abcd", summary: "Chrome 131 on Android", trusted: false },
    update: { trusted: true },
    allowed: { owner: ["get", "list (constrained to the owner)"], admin: READ },
  },
  signIns: {
    path: `signIns/${run}`,
    data: { uid: OWNER, ip: "41.90.1.2", method: "password", outcome: "allowed" },
    update: { outcome: "allowed", ip: "127.0.0.1" },
    allowed: { owner: ["get", "list (constrained to the owner)"], admin: READ },
  },
  // Operations reports (issue 12): operators read the reports and analytics; marks are server-only.
  reconciliationReports: {
    path: `reconciliationReports/${run}`,
    data: { uid: OWNER, ok: true },
    update: { ok: false },
    allowed: { admin: READ },
  },
  analytics: {
    path: `analytics/${run}`,
    data: { uid: OWNER, attempts: 1 },
    update: { attempts: 2 },
    allowed: { admin: READ },
  },
  analyticsMarks: {
    path: `analyticsMarks/${run}`,
    data: { uid: OWNER, paymentId: run },
    update: { paymentId: "x" },
    allowed: {},
  },
};

let env: RulesTestEnvironment;

beforeAll(async () => {
  // Every denial is also logged by the SDK; the assertions are what matter.
  setLogLevel("silent");
  env = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { rules: readFileSync(path.join(ROOT, "firestore.rules"), "utf8") },
  });
  await env.withSecurityRulesDisabled(async (context) => {
    for (const row of Object.values(table)) await setDoc(doc(context.firestore(), row.path), row.data);
    const db = context.firestore();
    await setDoc(doc(db, `competitions/other-${run}`), {
      name: "Dance",
      judgingClosesAt: FUTURE,
      resultsPublishedAt: null,
    });
    await setDoc(doc(db, `competitions/other-${run}/judges/${OTHER_JUDGE}`), { uid: OTHER_JUDGE });
  });
});

afterAll(async () => {
  await env.cleanup();
});

const contexts: Record<Role, () => RulesTestContext> = {
  unauthenticated: () => env.unauthenticatedContext(),
  owner: () => env.authenticatedContext(OWNER),
  "other user": () => env.authenticatedContext(OTHER),
  admin: () => env.authenticatedContext(ADMIN, { admin: true }),
  judge: () => env.authenticatedContext(JUDGE),
  "judge of another competition": () => env.authenticatedContext(OTHER_JUDGE),
};

/**
 * One client per role for the whole file: each context is a Firebase app with its own Firestore
 * connection, and opening one per cell made the matrix's 2,592 cells spend most of their time
 * connecting. Every read goes to the emulator (no offline cache), so cells stay independent.
 */
const opened = new Map<Role, RulesTestContext>();
const clients = Object.fromEntries(
  (Object.keys(contexts) as Role[]).map((role) => [
    role,
    () => {
      const existing = opened.get(role);
      if (existing) return existing;
      const context = contexts[role]();
      opened.set(role, context);
      return context;
    },
  ]),
) as Record<Role, () => RulesTestContext>;

function parentOf(docPath: string): string {
  return docPath.slice(0, docPath.lastIndexOf("/"));
}

const operations: Record<Operation, (context: RulesTestContext, row: Row) => Promise<unknown>> = {
  get: (context, row) => getDoc(doc(context.firestore(), row.path)),
  "list (constrained to the owner)": (context, row) =>
    getDocs(query(collection(context.firestore(), parentOf(row.path)), where("uid", "==", OWNER))),
  "list (unconstrained)": (context, row) => getDocs(collection(context.firestore(), parentOf(row.path))),
  create: (context, row) => setDoc(doc(context.firestore(), `${row.path}-new`), row.data),
  update: (context, row) => updateDoc(doc(context.firestore(), row.path), row.update),
  delete: (context, row) => deleteDoc(doc(context.firestore(), row.path)),
};

describe("firestore.rules access matrix", () => {
  for (const [name, row] of Object.entries(table)) {
    describe(name, () => {
      for (const role of Object.keys(clients) as Role[]) {
        for (const [operation, attempt] of Object.entries(operations) as [
          Operation,
          (typeof operations)[Operation],
        ][]) {
          const permitted = row.allowed[role]?.includes(operation) ?? false;
          it(`${role} ${permitted ? "may" : "may not"} ${operation}`, async () => {
            if (permitted) await assertSucceeds(attempt(clients[role](), row));
            else await assertFails(attempt(clients[role](), row));
          });
        }
      }
    });
  }
});

describe("firestore.rules field checks", () => {
  it("a user creates their own profile with only a display name", async () => {
    const uid = `carol-${run}`;
    const self = env.authenticatedContext(uid).firestore();
    await assertFails(setDoc(doc(self, `users/${uid}`), { displayName: "Carol", admin: true }));
    await assertFails(setDoc(doc(self, `users/${uid}`), { displayName: "" }));
    await assertSucceeds(setDoc(doc(self, `users/${uid}`), { displayName: "Carol" }));
  });

  it.each([
    ["a number", { displayName: 42 }],
    ["too long", { displayName: "x".repeat(101) }],
    // Control characters and text-direction controls (accounts: shared/text.ts does the same).
    ["a NUL", { displayName: "Ali\u0000ce" }],
    ["bells", { displayName: "\u0007\u0007\u0007" }],
    ["a line break", { displayName: "Alice\nBob" }],
    ["a right-to-left override", { displayName: "Ali\u202Ece" }],
    ["a direction isolate", { displayName: "\u2067Alice\u2069" }],
    ["admin", { admin: true }],
    ["points", { points: 1_000 }],
    ["balance", { balance: 1_000_000 }],
    ["uid", { uid: OTHER }],
  ])("a user may not set %s on their profile", async (_name, change) => {
    await assertFails(updateDoc(doc(clients.owner().firestore(), `users/${OWNER}`), change));
  });

  it("a display name in any script, with emoji, is accepted", async () => {
    await assertSucceeds(
      updateDoc(doc(clients.owner().firestore(), `users/${OWNER}`), { displayName: "محمد Ọláolúwa 👩‍👩‍👧" }),
    );
  });

  it.each([["status"], ["amount"], ["verified"], ["uid"], ["receipt"], ["customerMessage"]])(
    "the payer may not change %s on their payment",
    async (field) => {
      await assertFails(updateDoc(doc(clients.owner().firestore(), `payments/${run}`), { [field]: "x" }));
    },
  );
});

describe("firestore.rules judges and scores", () => {
  const score = (data: Record<string, unknown> = {}) => ({
    competitionId: COMPETITION,
    score: 6,
    comment: "Good",
    updatedAt: serverTimestamp(),
    ...data,
  });

  /** An entry of a competition of its own, seeded with rules off, that JUDGE judges. */
  async function entryOf(competition: Record<string, unknown>): Promise<{ entry: string; competitionId: string }> {
    const id = `${run}-${Math.random().toString(36).slice(2, 8)}`;
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, `competitions/c-${id}`), { name: "Sing", ...competition });
      await setDoc(doc(db, `competitions/c-${id}/judges/${JUDGE}`), { uid: JUDGE });
      await setDoc(doc(db, `entries/${id}`), { uid: OWNER, competitionId: `c-${id}`, title: "Song" });
    });
    return { entry: id, competitionId: `c-${id}` };
  }

  it("a judge lists the entries of their competition, and a judge of another may not", async () => {
    const byCompetition = (role: Role) =>
      getDocs(query(collection(clients[role]().firestore(), "entries"), where("competitionId", "==", COMPETITION)));
    await assertSucceeds(byCompetition("judge"));
    await assertFails(byCompetition("judge of another competition"));
    await assertFails(byCompetition("owner"));
  });

  it("a judge of another competition may not read or score the entry", async () => {
    const other = clients["judge of another competition"]().firestore();
    await assertFails(getDoc(doc(other, `entries/${run}`)));
    await assertFails(setDoc(doc(other, `entries/${run}/scores/${OTHER_JUDGE}`), score()));
    await assertFails(
      setDoc(doc(other, `entries/${run}/scores/${OTHER_JUDGE}`), score({ competitionId: `other-${run}` })),
    );
  });

  it("a judge writes one score 0-10 with a comment, under their own uid, and edits it", async () => {
    const { entry, competitionId } = await entryOf({ judgingClosesAt: FUTURE, resultsPublishedAt: null });
    const judge = clients.judge().firestore();
    const own = doc(judge, `entries/${entry}/scores/${JUDGE}`);
    await assertFails(setDoc(doc(judge, `entries/${entry}/scores/${OTHER_JUDGE}`), score({ competitionId })));
    for (const bad of [11, -1, 6.5, "6"]) await assertFails(setDoc(own, score({ competitionId, score: bad })));
    await assertFails(setDoc(own, score({ competitionId, points: 100 })));
    await assertFails(setDoc(own, score({ competitionId, comment: "x".repeat(2001) })));
    // Free text: no control characters or direction overrides; line breaks are fine.
    for (const comment of ["ok\u0000", "ok\u0007", "\u202Eko", "a\u2066b"]) {
      await assertFails(setDoc(own, score({ competitionId, comment })));
    }
    await assertSucceeds(setDoc(own, score({ competitionId, comment: "Line one\nline two" })));
    await assertFails(setDoc(own, score({ competitionId, updatedAt: PAST })));
    await assertFails(setDoc(own, score({ competitionId: COMPETITION })));
    await assertSucceeds(setDoc(own, score({ competitionId, score: 10 })));
    await assertSucceeds(updateDoc(own, { score: 0, comment: "On reflection", updatedAt: serverTimestamp() }));
    await assertFails(deleteDoc(own));
  });

  it("no score is written or changed once judging has closed", async () => {
    const { entry, competitionId } = await entryOf({ judgingClosesAt: PAST, resultsPublishedAt: null });
    await assertFails(
      setDoc(doc(clients.judge().firestore(), `entries/${entry}/scores/${JUDGE}`), score({ competitionId })),
    );
  });

  it("the entrant cannot read scores before the results are published, and reads their own after", async () => {
    const unpublished = clients.owner().firestore();
    await assertFails(getDoc(doc(unpublished, `entries/${run}/scores/${JUDGE}`)));
    await assertFails(getDocs(collection(unpublished, `entries/${run}/scores`)));
    const { entry, competitionId } = await entryOf({ judgingClosesAt: PAST, resultsPublishedAt: PAST });
    await env.withSecurityRulesDisabled(async (context) => {
      await setDoc(doc(context.firestore(), `entries/${entry}/scores/${JUDGE}`), score({ competitionId }));
    });
    await assertSucceeds(getDoc(doc(clients.owner().firestore(), `entries/${entry}/scores/${JUDGE}`)));
    await assertFails(getDoc(doc(clients["other user"]().firestore(), `entries/${entry}/scores/${JUDGE}`)));
  });
});

describe("firestore.rules results publication", () => {
  // OWNER's entry in a competition JUDGE judges, judging closed; `published` sets resultsPublishedAt.
  async function judged(published: boolean): Promise<{ entry: string; competitionId: string }> {
    const id = `${run}-${Math.random().toString(36).slice(2, 8)}`;
    const competitionId = `c-${id}`;
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, `competitions/${competitionId}`), {
        name: "Sing",
        judgingClosesAt: PAST,
        resultsPublishedAt: published ? PAST : null,
      });
      await setDoc(doc(db, `competitions/${competitionId}/judges/${JUDGE}`), { uid: JUDGE });
      await setDoc(doc(db, `entries/${id}`), { uid: OWNER, competitionId, title: "Song" });
      await setDoc(doc(db, `entries/${id}/scores/${JUDGE}`), {
        competitionId,
        score: 7,
        comment: "Lovely",
        updatedAt: PAST,
      });
      await setDoc(doc(db, `competitions/${competitionId}/results/${id}`), {
        competitionId,
        entryId: id,
        category: "Solo",
        rank: 1,
      });
    });
    return { entry: id, competitionId };
  }

  const roles = Object.keys(clients) as Role[];
  // Who reads what, before and after publication. Nobody but functions writes a result, and after
  // publication not even the judge changes a score.
  const before: Record<"results" | "scores", readonly Role[]> = { results: ["admin"], scores: ["admin", "judge"] };
  const after: Record<"results" | "scores", readonly Role[]> = {
    results: ["owner", "other user", "admin", "judge", "judge of another competition"],
    scores: ["owner", "admin", "judge"],
  };

  for (const [stage, published, allowed] of [
    ["before", false, before],
    ["after", true, after],
  ] as const) {
    it.each(roles)(
      `${stage} publication: %s reads results and scores as the model says, and writes neither`,
      async (role) => {
        const { entry, competitionId } = await judged(published);
        const db = clients[role]().firestore();
        const expectRead = async (allowedHere: boolean, read: Promise<unknown>) => {
          if (allowedHere) await assertSucceeds(read);
          else await assertFails(read);
        };
        const results = allowed.results.includes(role);
        await expectRead(results, getDoc(doc(db, `competitions/${competitionId}/results/${entry}`)));
        await expectRead(results, getDocs(collection(db, `competitions/${competitionId}/results`)));
        await expectRead(allowed.scores.includes(role), getDoc(doc(db, `entries/${entry}/scores/${JUDGE}`)));
        // Listing an entry's scores: operators, and the entrant once published.
        await expectRead(
          role === "admin" || (published && role === "owner"),
          getDocs(collection(db, `entries/${entry}/scores`)),
        );
        await assertFails(setDoc(doc(db, `competitions/${competitionId}/results/${entry}`), { rank: 1 }));
        await assertFails(
          updateDoc(doc(db, `entries/${entry}/scores/${JUDGE}`), { score: 10, updatedAt: serverTimestamp() }),
        );
      },
    );
  }

  it("a judge may not change a score once the results are out, even if judging were reopened", async () => {
    const { entry, competitionId } = await judged(true);
    await env.withSecurityRulesDisabled(async (context) => {
      await updateDoc(doc(context.firestore(), `competitions/${competitionId}`), { judgingClosesAt: FUTURE });
    });
    const own = doc(clients.judge().firestore(), `entries/${entry}/scores/${JUDGE}`);
    await assertFails(updateDoc(own, { score: 10, comment: "Changed", updatedAt: serverTimestamp() }));
    await assertSucceeds(getDoc(own));
  });

  it("the entrant reads the scores of their own entry only, after publication", async () => {
    const mine = await judged(true);
    await env.withSecurityRulesDisabled(async (context) => {
      await updateDoc(doc(context.firestore(), `entries/${mine.entry}`), { uid: OTHER });
    });
    await assertFails(getDocs(collection(clients.owner().firestore(), `entries/${mine.entry}/scores`)));
    await assertSucceeds(getDocs(collection(clients["other user"]().firestore(), `entries/${mine.entry}/scores`)));
  });
});

describe("firestore.rules point of sale", () => {
  // CASHIER works at STORE; RIVAL is the cashier (and RIVAL_OWNER the owner) of another store, with
  // a till of their own there. Seeded with rules off; the records below are written through rules.
  const CASHIER = `cashier-${run}`;
  const RIVAL = `rival-${run}`;
  const RIVAL_OWNER = `rival-owner-${run}`;
  const RIVAL_STORE = `s2-${run}`;
  const RIVAL_TILL = `t${"1".repeat(8)}${Date.now().toString(16).padStart(12, "0")}`;
  const PRODUCT = `p-${run}`;
  const as = (uid: string) => env.authenticatedContext(uid).firestore();

  beforeAll(async () => {
    await env.withSecurityRulesDisabled(async (context) => {
      const db = context.firestore();
      await setDoc(doc(db, `stores/${STORE}/staff/${CASHIER}`), {
        uid: CASHIER,
        role: "cashier",
        addedBy: OWNER,
        addedAt: PAST,
      });
      await setDoc(doc(db, `stores/${RIVAL_STORE}`), { name: "Rival", currency: "KES", ownerUid: RIVAL_OWNER });
      await setDoc(doc(db, `stores/${RIVAL_STORE}/staff/${RIVAL_OWNER}`), { uid: RIVAL_OWNER, role: "owner" });
      await setDoc(doc(db, `stores/${RIVAL_STORE}/staff/${RIVAL}`), { uid: RIVAL, role: "cashier" });
      await setDoc(doc(db, `stores/${RIVAL_STORE}/tills/${RIVAL_TILL}`), { deviceCode: "T1RULE", label: "R" });
    });
  });

  const sale = (uid: string, data: Record<string, unknown> = {}) => ({
    tillId: TILL,
    deviceCode: DEVICE,
    cashierUid: uid,
    recordedAt: Date.now(),
    receiptNumber: `${DEVICE}-2-7`,
    shift: 2,
    seq: 7,
    lines: [{ productId: PRODUCT, name: "Sugar 1kg", quantity: 2, unitPrice: 150_00, lineTotal: 300_00 }],
    total: 300_00,
    currency: "KES",
    payment: { method: "cash" },
    ...data,
  });
  const fromTill = (uid: string) => ({ tillId: TILL, deviceCode: DEVICE, cashierUid: uid, recordedAt: Date.now() });
  const records = (uid: string): Record<string, Record<string, unknown>> => ({
    sales: sale(uid),
    voids: { ...fromTill(uid), saleId: SALE, reason: "wrong item" },
    expenses: { ...fromTill(uid), amount: 20_00, currency: "KES", category: "other", note: "" },
    adjustments: { ...fromTill(uid), productId: PRODUCT, delta: 3, reason: "received", note: "" },
  });

  it("a cashier of another store is denied every read and write of this store", async () => {
    const rival = as(RIVAL);
    const seeded = Object.values(table)
      .map((row) => row.path)
      .filter((rowPath) => rowPath.startsWith(`stores/${STORE}`));
    expect(seeded.length).toBeGreaterThanOrEqual(12);
    for (const rowPath of seeded) {
      await assertFails(getDoc(doc(rival, rowPath)));
      await assertFails(deleteDoc(doc(rival, rowPath)));
      await assertFails(updateDoc(doc(rival, rowPath), { touched: true }));
      if (rowPath !== `stores/${STORE}`) await assertFails(getDocs(collection(rival, parentOf(rowPath))));
    }
    // Even well-formed records, for this store's till or for the rival's own till.
    for (const [name, data] of Object.entries(records(RIVAL))) {
      await assertFails(setDoc(doc(rival, `stores/${STORE}/${name}/${uuidV7()}`), data));
      await assertFails(setDoc(doc(rival, `stores/${STORE}/${name}/${uuidV7()}`), { ...data, tillId: RIVAL_TILL }));
    }
    await assertFails(setDoc(doc(rival, `stores/${STORE}/staff/${RIVAL}`), { uid: RIVAL, role: "cashier" }));
    await assertFails(
      setDoc(doc(rival, `stores/${STORE}/products/x-${run}`), {
        name: "X",
        price: 1,
        stock: 0,
        lowStockAt: 0,
        active: true,
      }),
    );
    // And this store's cashier is denied the rival's store the same way.
    await assertFails(getDoc(doc(as(CASHIER), `stores/${RIVAL_STORE}`)));
    await assertFails(getDocs(collection(as(CASHIER), `stores/${RIVAL_STORE}/tills`)));
  });

  it("a cashier records sales, voids, expenses and adjustments, and reads the store's results and days", async () => {
    const cashier = as(CASHIER);
    for (const [name, data] of Object.entries(records(CASHIER))) {
      await assertSucceeds(setDoc(doc(cashier, `stores/${STORE}/${name}/${uuidV7()}`), data));
    }
    await assertSucceeds(getDocs(collection(cashier, `stores/${STORE}/days`)));
    await assertSucceeds(getDoc(doc(cashier, `stores/${STORE}/results/sale-${SALE}`)));
  });

  it("a resent write is accepted when identical and refused when tampered (same id, different amount)", async () => {
    const cashier = as(CASHIER);
    const ref = doc(cashier, `stores/${STORE}/sales/${uuidV7()}`);
    const data = sale(CASHIER);
    await assertSucceeds(setDoc(ref, data));
    await assertSucceeds(setDoc(ref, data));
    await assertFails(setDoc(ref, { ...data, total: 1_00 }));
    await assertFails(
      setDoc(ref, { ...data, lines: [{ ...(data.lines as object[])[0], quantity: 1, lineTotal: 150_00 }] }),
    );
    await assertFails(updateDoc(ref, { total: 299_00 }));
    await assertFails(deleteDoc(ref));
    // The owner may not edit it either: corrections are voids.
    await assertFails(setDoc(doc(as(OWNER), ref.path), { ...data, total: 0 }));
  });

  it.each([
    ["another cashier's uid", { cashierUid: OWNER }],
    ["a device code that is not the till's", { deviceCode: "T9ZZZZ" }],
    ["a till that does not exist", { tillId: `t${"2".repeat(20)}` }],
    ["a receipt number that is not device-shift-seq", { receiptNumber: `${DEVICE}-2-8` }],
    ["another currency than the store's", { currency: "UGX" }],
    ["a fractional total", { total: 300.5 }],
    ["a negative total", { total: -1 }],
    ["no lines", { lines: [] }],
    ["a server field", { flagged: false }],
    ["an unknown payment method", { payment: { method: "card" } }],
    ["a device time as a timestamp", { recordedAt: PAST }],
  ])("a sale with %s is refused", async (_name, change) => {
    await assertFails(setDoc(doc(as(CASHIER), `stores/${STORE}/sales/${uuidV7()}`), sale(CASHIER, change)));
  });

  it("a record id must be a device-generated UUIDv7", async () => {
    const cashier = as(CASHIER);
    for (const id of ["0b0f5bd2-9a7d-4c1e-8f3a-2b6c9d0e1f2a", "sale-1", uuidV7().toUpperCase()]) {
      await assertFails(setDoc(doc(cashier, `stores/${STORE}/sales/${id}`), sale(CASHIER)));
    }
  });

  it("only the owner manages products (stock moves by records, never by hand) and adds cashiers", async () => {
    const owner = as(OWNER);
    const cashier = as(CASHIER);
    const product = { name: "Rice 2kg", price: 320_00, stock: 0, lowStockAt: 3, active: true };
    await assertFails(setDoc(doc(cashier, `stores/${STORE}/products/rice-${run}`), product));
    await assertFails(setDoc(doc(owner, `stores/${STORE}/products/rice-${run}`), { ...product, stock: 50 }));
    await assertSucceeds(setDoc(doc(owner, `stores/${STORE}/products/rice-${run}`), product));
    await assertSucceeds(updateDoc(doc(owner, `stores/${STORE}/products/rice-${run}`), { price: 330_00 }));
    await assertFails(updateDoc(doc(owner, `stores/${STORE}/products/rice-${run}`), { stock: 10 }));
    await assertFails(updateDoc(doc(cashier, `stores/${STORE}/products/rice-${run}`), { price: 1 }));

    const member = (uid: string, role: string) => ({ uid, role, addedBy: OWNER, addedAt: serverTimestamp() });
    const NEW = `new-cashier-${run}`;
    await assertFails(
      setDoc(doc(cashier, `stores/${STORE}/staff/${NEW}`), { ...member(NEW, "cashier"), addedBy: CASHIER }),
    );
    await assertFails(setDoc(doc(owner, `stores/${STORE}/staff/${NEW}`), member(NEW, "owner")));
    await assertSucceeds(setDoc(doc(owner, `stores/${STORE}/staff/${NEW}`), member(NEW, "cashier")));
    await assertSucceeds(deleteDoc(doc(owner, `stores/${STORE}/staff/${NEW}`)));
    await assertFails(deleteDoc(doc(cashier, `stores/${STORE}/staff/${OWNER}`)));
  });
});

describe("firestore.rules coverage", () => {
  // The registry of collections (functions/src/collections.ts) against this matrix, both ways:
  // a collection without a tested row, or a row for a collection nobody declares, fails.
  const declared = COLLECTIONS.map((spec) => spec.path.replace(/\/\{[^}]+\}\//g, "/"));

  it("has a row for every collection the functions declare", () => {
    expect(declared.filter((name) => !(name in table))).toEqual([]);
  });

  it("tests no collection that is not declared", () => {
    expect(Object.keys(table).filter((name) => !declared.includes(name))).toEqual([]);
  });

  it("every declaration is in the registry", () => {
    const found = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
          const source = readFileSync(full, "utf8");
          for (const match of source.matchAll(/defineCollection\(\s*"([^"]+)"/g)) found.add(match[1]!);
        }
      }
    };
    walk(path.join(ROOT, "functions", "src"));
    expect([...found].sort()).toEqual(COLLECTIONS.map((spec) => spec.path).sort());
  });
});
