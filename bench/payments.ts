// npm run bench: 1,000 M-Pesa payments from 50 concurrent clients through the emulators and the
// Daraja simulator, callbacks included. Prints throughput and latency percentiles, then checks
// that no payment was lost and none was duplicated (exit 1 otherwise).
//   BENCH_PAYMENTS (default 1000), BENCH_CLIENTS (default 50), BENCH_WARMUP (default 100)
//
// The Functions emulator starts one Node process per in-flight invocation, so a burst of 50
// clients on a small machine first spends its time starting workers. An unmeasured warm-up fills
// the worker pool; npm run bench also gives workers longer to start (FUNCTIONS_DISCOVERY_TIMEOUT).
// The Daraja simulator never redelivers a callback that was answered 5xx (Daraja's own retries are
// not something to count on), so payments whose callback was dropped are then recovered the way
// production recovers them: by the reconciliation job's re-query.
import { performance } from "node:perf_hooks";

import { call, idempotencyKey, randomIp, signUpAnonymous, type TestUser } from "../tests/support/client.ts";
import { pool, range } from "../tests/support/pool.ts";
import { adminDb } from "../tests/support/firestore.ts";
import { reconcileStuckPayments } from "../functions/src/payments/reconcile.ts";
import { simulatorProvider } from "../tests/support/providers.ts";
import { requestsFor } from "../tests/support/sandbox.ts";
import { benchPayment, callbackToSucceeded, paymentSnapshots, tally } from "./checks.ts";
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

if (WARMUP > 0) {
  console.log(`bench ${runId}: warming up the emulator's workers with ${WARMUP} unmeasured payments…`);
  const warmStart = performance.now();
  await pool(clients.slice(TOTAL), CLIENTS, ({ user, ip }, i) =>
    call(
      "createPayment",
      {
        idempotencyKey: idempotencyKey(),
        purpose: "wallet-topup",
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
  const result = await benchPayment(index, `bench-${runId}-${index}@example.com`, { user, ip });
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
let snapshots = await paymentSnapshots(db, ids);
const deadline = Date.now() + SETTLE_TIMEOUT_MS;
while (snapshots.some((s) => s.get("status") !== "succeeded") && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  snapshots = await paymentSnapshots(db, ids);
}
const endToEndSeconds = (performance.now() - started) / 1000;
const settledByCallback = snapshots.filter((s) => s.get("status") === "succeeded").length;

// Whatever is still open is what the scheduled reconciliation would find: re-query it now.
const open = snapshots.filter((s) => s.get("status") !== "succeeded").map((s) => s.id);
let reconciled = 0;
if (open.length > 0) {
  const report = await reconcileStuckPayments({ db, provider: simulatorProvider, now: Date.now }, { paymentIds: open });
  reconciled = report.changed;
  snapshots = await paymentSnapshots(db, ids);
}

const requests = await requestsFor("daraja", {});
const callbackLatency = callbackToSucceeded(snapshots, requests);
const pushes = requests.filter(
  (r) => r.path === "stkpush-accepted" && r.phone !== undefined && /^2547\d{4}0000$/.test(r.phone),
);
// Receipts are written by the payment trigger; give it a moment to catch up with the last ones.
const { succeeded, receiptTotal, receiptPayments, lost, duplicated } = await tally({
  db,
  ids,
  uids: users.map((user) => user.uid),
  failures: failures.length,
  snapshots,
  pushes: pushes.length,
  receiptWaitSeconds: 60,
});

console.log("");
console.log("emulator path (Functions emulator spawns a worker per in-flight call)");
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
console.log(`receipt emails              ${receiptTotal} for ${receiptPayments} payments`);
console.log(`lost                        ${lost}`);
console.log(`duplicated                  ${duplicated}`);
if (failures.length > 0) console.log(`createPayment errors: ${[...new Set(failures)].slice(0, 5).join(" | ")}`);
if (lost !== 0 || duplicated !== 0) process.exitCode = 1;
