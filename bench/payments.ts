// npm run bench: 1,000 M-Pesa payments from 50 concurrent clients through the emulators and the
// Daraja simulator, callbacks included. Prints throughput and latency percentiles, then checks
// that no payment was lost and none was duplicated (exit 1 otherwise).
//   BENCH_PAYMENTS (default 1000), BENCH_CLIENTS (default 50), BENCH_WARMUP (default 100)
//
// The Functions emulator starts one Node process per in-flight invocation, so a burst of 50
// clients on a small machine first spends its time starting workers. An unmeasured warm-up fills
// the worker pool; npm run bench also gives workers longer to start (FUNCTIONS_DISCOVERY_TIMEOUT).
// Daraja does not retry a callback that fails, so payments whose callback was dropped are then
// recovered the way production recovers them: by the reconciliation job's re-query.
import { performance } from "node:perf_hooks";

import type { Timestamp } from "firebase-admin/firestore";

import { call, idempotencyKey, randomIp, signUpAnonymous, type TestUser } from "../tests/support/client.ts";
import { pool, range } from "../tests/support/pool.ts";
import { adminDb } from "../tests/support/firestore.ts";
import { reconcileStuckPayments } from "../functions/src/payments/reconcile.ts";
import { simulatorProvider } from "../tests/support/providers.ts";
import { requestsFor } from "../tests/support/sandbox.ts";
import { summary } from "./stats.ts";

const TOTAL = Number(process.env.BENCH_PAYMENTS ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
const SETTLE_TIMEOUT_MS = 120_000;

// One anonymous user per payment (the per-user limit is 5 a minute), each client with its own IP.
const runId = Date.now().toString(36);
console.log(`bench ${runId}: signing up ${TOTAL + WARMUP} anonymous users…`);
const clients: { user: TestUser; ip: string }[] = await pool(range(TOTAL + WARMUP), CLIENTS, async () => ({
  user: await signUpAnonymous(),
  ip: randomIp(),
}));
const measured = clients.slice(0, TOTAL);
const users = measured.map((client) => client.user);
// Unique Safaricom numbers ending 0000 (the simulator's success outcome).
const phoneOf = (index: number) => `+2547${String(index).padStart(4, "0")}0000`;

if (WARMUP > 0) {
  console.log(`bench ${runId}: warming up the emulator's workers with ${WARMUP} unmeasured payments…`);
  const warmStart = performance.now();
  await pool(clients.slice(TOTAL), CLIENTS, ({ user, ip }, i) =>
    call(
      "createPayment",
      {
        idempotencyKey: idempotencyKey(),
        purpose: "order",
        amount: 50_00,
        currency: "KES",
        phone: `+2541${String(i).padStart(8, "0")}`,
        email: `warmup-${i}@example.com`,
      },
      { user, ip },
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  console.log(`bench ${runId}: warm-up took ${((performance.now() - warmStart) / 1000).toFixed(1)} s`);
}

console.log(`bench ${runId}: ${TOTAL} payments from ${CLIENTS} concurrent clients…`);
const createLatency: number[] = [];
const failures: string[] = [];
const started = performance.now();
const paymentIds = await pool(measured, CLIENTS, async ({ user, ip }, index) => {
  const t0 = performance.now();
  const result = await call<{ paymentId: string; status: string }>(
    "createPayment",
    {
      idempotencyKey: idempotencyKey(),
      purpose: "order",
      amount: 100_00,
      currency: "KES",
      phone: phoneOf(index),
      email: `bench-${runId}-${index}@example.com`,
    },
    { user, ip },
  );
  createLatency.push(performance.now() - t0);
  if (!result.ok) {
    failures.push(`${result.code}: ${result.message}`);
    return undefined;
  }
  return result.result.paymentId;
});
const createSeconds = (performance.now() - started) / 1000;

// Wait for every payment to reach a final status through its callback.
const db = adminDb();
const ids = paymentIds.filter((id): id is string => id !== undefined);
async function settled(): Promise<FirebaseFirestore.DocumentSnapshot[]> {
  const snapshots: FirebaseFirestore.DocumentSnapshot[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    snapshots.push(...(await db.getAll(...ids.slice(i, i + 100).map((id) => db.collection("payments").doc(id)))));
  }
  return snapshots;
}
let snapshots = await settled();
const deadline = Date.now() + SETTLE_TIMEOUT_MS;
while (snapshots.some((s) => s.get("status") !== "succeeded") && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  snapshots = await settled();
}
const endToEndSeconds = (performance.now() - started) / 1000;
const settledByCallback = snapshots.filter((s) => s.get("status") === "succeeded").length;

// Whatever is still open is what the scheduled reconciliation would find: re-query it now.
const open = snapshots.filter((s) => s.get("status") !== "succeeded").map((s) => s.id);
let reconciled = 0;
if (open.length > 0) {
  const report = await reconcileStuckPayments({ db, provider: simulatorProvider, now: Date.now }, { paymentIds: open });
  reconciled = report.changed;
  snapshots = await settled();
}

// Callback-to-succeeded: the simulator's send time to the transition's server timestamp.
const sent = new Map<string, number>();
for (const request of await requestsFor("daraja", {})) {
  if (request.path === "callback-sent" && request.reference) sent.set(request.reference, Date.parse(request.at));
}
const callbackLatency: number[] = [];
for (const snapshot of snapshots) {
  const sentAt = sent.get(snapshot.get("providerReference") as string);
  const settledAt = snapshot.get("settledAt") as Timestamp | null;
  if (sentAt !== undefined && settledAt) callbackLatency.push(settledAt.toMillis() - sentAt);
}

// Lost: created but not succeeded. Duplicated: more than one payment, transition, push or receipt.
const succeeded = snapshots.filter((s) => s.get("status") === "succeeded").length;
const uids = new Set(users.map((user) => user.uid));
let paymentsForUsers = 0;
for (let i = 0; i < users.length; i += 30) {
  const batch = users.slice(i, i + 30).map((user) => user.uid);
  paymentsForUsers += (await db.collection("payments").where("uid", "in", batch).count().get()).data().count;
}
const transitions = await pool(ids, 20, async (id) => {
  const events = await db
    .collection("payments")
    .doc(id)
    .collection("events")
    .where("to", "==", "succeeded")
    .count()
    .get();
  return events.data().count;
});
const pushes = (await requestsFor("daraja", {})).filter(
  (r) => r.path === "stkpush-accepted" && r.phone !== undefined && /^2547\d{4}0000$/.test(r.phone),
);
// Receipts are written by the payment trigger; give it a moment to catch up with the last ones.
async function receiptsPerPayment(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const docs = (await db.collection("mail").where("kind", "==", "receipt").get()).docs;
  for (const doc of docs) {
    if (!uids.has(doc.get("uid") as string)) continue;
    const id = doc.get("paymentId") as string;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
let receipts = await receiptsPerPayment();
for (let waited = 0; receipts.size < succeeded && waited < 60; waited++) {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  receipts = await receiptsPerPayment();
}
const receiptTotal = [...receipts.values()].reduce((sum, count) => sum + count, 0);

const lost = ids.length - succeeded + failures.length + Math.max(0, succeeded - receipts.size);
const duplicated =
  Math.max(0, paymentsForUsers - ids.length) +
  transitions.filter((count) => count !== 1).length +
  Math.max(0, pushes.length - ids.length) +
  (receiptTotal - receipts.size);

console.log("");
console.log(`payments requested          ${TOTAL} (${CLIENTS} concurrent clients)`);
console.log(`createPayment throughput    ${(TOTAL / createSeconds).toFixed(1)} /s (${createSeconds.toFixed(1)} s)`);
console.log(
  `end-to-end throughput       ${(settledByCallback / endToEndSeconds).toFixed(1)} succeeded/s by callback (${endToEndSeconds.toFixed(1)} s)`,
);
console.log(summary("createPayment latency", createLatency));
console.log(summary("callback → succeeded", callbackLatency));
console.log(
  `succeeded                   ${succeeded} (${settledByCallback} by callback, ${reconciled} by reconciliation re-query)`,
);
console.log(`receipt emails              ${receiptTotal} for ${receipts.size} payments`);
console.log(`lost                        ${lost}`);
console.log(`duplicated                  ${duplicated}`);
if (failures.length > 0) console.log(`createPayment errors: ${[...new Set(failures)].slice(0, 5).join(" | ")}`);
process.exit(lost === 0 && duplicated === 0 ? 0 : 1);
