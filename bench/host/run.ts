// npm run bench, BENCH_ONLY=host: Malipo's own cost on a production-shaped host (server.ts), at
// concurrency 1, 10 and 50, ≥ 5 interleaved repetitions each from a freshly cleared database:
// health (the unit of comparison, same run), createPayment, and the complete payment
// (createPayment + Daraja callback + every trigger + the receipt mail delivered), with latency
// percentiles, payments/s, host CPU ms, Firestore reads/writes/commits/transactions/queries and
// event-loop utilisation, each the median of the repetitions.
// BENCH_ONLY=host-check: the lost/duplicated check over BENCH_HOST_CHECK_PAYMENTS (10,000).
//   BENCH_HOST_REPS (5), BENCH_HOST_LEVELS ("1,10,50"), BENCH_HOST_PAYMENTS ("40,100,250": per
//   level and repetition), BENCH_HOST_HEALTH (100 health calls per level and repetition)
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { deleteApp, initializeApp } from "firebase-admin/app";
import { getFirestore, type DocumentSnapshot, type Firestore } from "firebase-admin/firestore";

import { REGION } from "../../functions/src/core/region.ts";
import { reconcileStuckPayments } from "../../functions/src/payments/reconcile.ts";
import { ROOT } from "../../tools/emulators/environment.ts";
import { randomIp, signUpAnonymous, type TestUser } from "../../tests/support/client.ts";
import { emulatorOrigin, PROJECT_ID } from "../../tests/support/emulators.ts";
import { darajaAdapter } from "../../tests/support/providers.ts";
import { localDaraja, type LocalSimulator } from "../../tests/support/local-simulators.ts";
import { pool, range } from "../../tests/support/pool.ts";
import { benchPayment, callbackToSucceeded, paymentSnapshots, tally, type Tally } from "../checks.ts";
import { percentiles } from "../stats.ts";
import { hostEnvironment } from "./env.ts";
import { startHostFirestore, type HostFirestore } from "./firestore-emulator.ts";
import { line, medianFigures, schedule, type Figures } from "./report.ts";
import { zeroCounts, type FirestoreCounts } from "./counters.ts";

const HOST_PORT = 5101;
const FIRESTORE_PORT = 8181;
const FIRESTORE_WEBSOCKET_PORT = 9151;
const HOST_ORIGIN = `http://127.0.0.1:${HOST_PORT}`;
const SETTLE_TIMEOUT_MS = 180_000;
const HOST_LOG = path.join(os.tmpdir(), "malipo-bench-host.log");

/** Until the host answers; fails with its log's last lines if it exits first. */
async function waitForHost(exited: Promise<void>): Promise<void> {
  const state = { gone: false };
  void exited.then(() => {
    state.gone = true;
  });
  for (;;) {
    if (state.gone) {
      const tail = readFileSync(HOST_LOG, "utf8").split("\n").slice(-20).join("\n");
      throw new Error(`the host exited before it was ready:\n${tail}`);
    }
    try {
      if ((await fetch(`${HOST_ORIGIN}/__host/idle`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const numbers = (value: string | undefined, fallback: string): number[] =>
  (value ?? fallback).split(",").map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive integer: ${part}`);
    return n;
  });

interface HostStats {
  cpuMs: { total: number };
  elu: number;
  firestore: { total: FirestoreCounts; byFunction: Record<string, FirestoreCounts> };
  invocations: Record<string, { count: number; errors: number }>;
  triggersFailed: number;
}

interface Bench {
  readonly firestore: HostFirestore;
  readonly daraja: LocalSimulator;
  readonly host: ChildProcess;
  readonly db: Firestore;
  stop(): Promise<void>;
}

async function startBench(): Promise<Bench> {
  const firestore = await startHostFirestore({
    port: FIRESTORE_PORT,
    websocketPort: FIRESTORE_WEBSOCKET_PORT,
    projectId: PROJECT_ID,
    functionsHost: `127.0.0.1:${HOST_PORT}`,
  });
  // Zero customer delay: the callback leaves as soon as the push is accepted.
  const daraja = await localDaraja({ callbackDelayMs: 0 });
  const authHost = new URL(await emulatorOrigin("auth")).host;
  const env = {
    ...hostEnvironment(
      {
        projectId: PROJECT_ID,
        region: REGION,
        hostOrigin: HOST_ORIGIN,
        firestoreHost: firestore.host,
        authHost,
        darajaBaseUrl: daraja.baseUrl,
      },
      process.env,
    ),
    HOST_PORT: String(HOST_PORT),
  };
  // The functions' logs (one JSON line per log call, as Cloud Logging takes them) go to a file:
  // relaying them through this process would add the driver's work to the measurement.
  const log = openSync(HOST_LOG, "w");
  const host = spawn(process.execPath, ["bench/host/server.ts"], { env, cwd: ROOT, stdio: ["ignore", log, log] });
  closeSync(log);
  const exited = new Promise<void>((resolve) => host.once("exit", () => resolve()));
  await waitForHost(exited);
  const ready = readFileSync(HOST_LOG, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("host ready"));
  console.log(`${ready ?? "host ready"}\nhost log: ${HOST_LOG}`);
  const app = initializeApp({ projectId: PROJECT_ID }, "bench-host");
  // The Firestore client prefers FIRESTORE_EMULATOR_HOST (the shared emulator, set by
  // emulators:exec) over its settings, and reads it when constructed.
  const shared = process.env.FIRESTORE_EMULATOR_HOST;
  process.env.FIRESTORE_EMULATOR_HOST = firestore.host;
  const db = getFirestore(app);
  if (shared === undefined) delete process.env.FIRESTORE_EMULATOR_HOST;
  else process.env.FIRESTORE_EMULATOR_HOST = shared;
  return {
    firestore,
    daraja,
    host,
    db,
    stop: async () => {
      await deleteApp(app);
      host.kill("SIGTERM");
      await exited;
      await daraja.close();
      await firestore.stop();
    },
  };
}

async function clearDatabase(bench: Bench): Promise<void> {
  const response = await fetch(
    `http://${bench.firestore.host}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`,
    { method: "DELETE" },
  );
  if (!response.ok) throw new Error(`could not clear the host's database: HTTP ${response.status}`);
  bench.daraja.state.requests.length = 0;
}

async function hostStats(): Promise<HostStats> {
  return (await (await fetch(`${HOST_ORIGIN}/__host/stats`)).json()) as HostStats;
}

async function resetHost(): Promise<void> {
  const response = await fetch(`${HOST_ORIGIN}/__host/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`host reset failed: HTTP ${response.status}`);
}

/** Idle (nothing in flight or queued) and no new invocation over three polls 50 ms apart. */
async function waitIdle(): Promise<void> {
  let quiet = 0;
  let last = -1;
  while (quiet < 3) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const idle = (await (await fetch(`${HOST_ORIGIN}/__host/idle`)).json()) as { idle: boolean };
    const invocations = Object.values((await hostStats()).invocations).reduce((sum, entry) => sum + entry.count, 0);
    quiet = idle.idle && invocations === last ? quiet + 1 : 0;
    last = invocations;
  }
}

interface PaymentRound {
  readonly createLatency: number[];
  readonly completeLatency: number[];
  readonly callbackLatency: number[];
  readonly seconds: number;
  readonly failures: string[];
  readonly ids: string[];
  readonly users: TestUser[];
  readonly snapshots: DocumentSnapshot[];
}

/**
 * `count` payments from `concurrency` clients, each its own anonymous user (the per-user limit is
 * 5 a minute) and address; done when every receipt mail is delivered and the host is idle.
 */
async function payments(bench: Bench, count: number, concurrency: number, users: TestUser[]): Promise<PaymentRound> {
  const startedAt = new Map<string, number>();
  const completedAt = new Map<string, number>();
  let allComplete: () => void = () => undefined;
  const complete = new Promise<void>((resolve) => {
    allComplete = resolve;
  });
  let expected = Number.POSITIVE_INFINITY;
  // A receipt is delivered when sendMail has written its final outcome (delivery.reason or state).
  const unsubscribe = bench.db
    .collection("mail")
    .where("kind", "==", "receipt")
    .onSnapshot((snapshot) => {
      const now = performance.now();
      for (const change of snapshot.docChanges()) {
        const delivery = change.doc.get("delivery") as { state?: string; reason?: string } | undefined;
        const done = delivery?.reason !== undefined || delivery?.state === "sent" || delivery?.state === "error";
        const id = change.doc.get("paymentId") as string;
        if (done && !completedAt.has(id)) completedAt.set(id, now);
      }
      if (completedAt.size >= expected) allComplete();
    });
  const createLatency: number[] = [];
  const failures: string[] = [];
  const started = performance.now();
  const ids = await pool(users.slice(0, count), concurrency, async (user, index) => {
    const t0 = performance.now();
    const result = await benchPayment(index, `host-${index}@example.com`, {
      user,
      ip: randomIp(),
      functionsOrigin: HOST_ORIGIN,
    });
    createLatency.push(performance.now() - t0);
    if (!result.ok) {
      failures.push(`${result.code}: ${result.message}`);
      return undefined;
    }
    startedAt.set(result.result.paymentId, t0);
    return result.result.paymentId;
  });
  const created = ids.filter((id): id is string => id !== undefined);
  expected = created.length;
  if (completedAt.size >= expected) allComplete();
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), SETTLE_TIMEOUT_MS).unref());
  if ((await Promise.race([complete, timeout])) === "timeout") {
    console.log(
      `  ${expected - completedAt.size} of ${expected} receipts not delivered within ${SETTLE_TIMEOUT_MS / 1000} s`,
    );
  }
  const finished = Math.max(...completedAt.values(), performance.now() - 0);
  unsubscribe();
  await waitIdle();
  const snapshots = await paymentSnapshots(bench.db, created);
  const completeLatency = created
    .filter((id) => completedAt.has(id))
    .map((id) => (completedAt.get(id) ?? 0) - (startedAt.get(id) ?? 0));
  return {
    createLatency,
    completeLatency,
    callbackLatency: callbackToSucceeded(snapshots, bench.daraja.state.requests),
    seconds: (Math.max(...completedAt.values(), started) - started) / 1000 || (finished - started) / 1000,
    failures,
    ids: created,
    users: users.slice(0, count),
    snapshots,
  };
}

async function check(bench: Bench, round: PaymentRound): Promise<Tally> {
  const pushes = bench.daraja.state.requests.filter((r) => r.path === "stkpush-accepted").length;
  return tally({
    db: bench.db,
    ids: round.ids,
    uids: round.users.map((user) => user.uid),
    failures: round.failures.length,
    snapshots: round.snapshots,
    pushes,
    receiptWaitSeconds: 10,
  });
}

const signUp = (count: number): Promise<TestUser[]> => pool(range(count), 10, () => signUpAnonymous());

async function healthCalls(count: number, concurrency: number): Promise<number[]> {
  return pool(range(count), concurrency, async () => {
    const t0 = performance.now();
    const response = await fetch(`${HOST_ORIGIN}/${PROJECT_ID}/${REGION}/health`, {
      headers: { "X-Forwarded-For": randomIp() },
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`health answered HTTP ${response.status}`);
    return performance.now() - t0;
  });
}

const per = (counts: FirestoreCounts | undefined, n: number): Figures => {
  const c = counts ?? zeroCounts();

  return {
    reads: (c.reads + c.missing) / n,
    writes: c.writes / n,
    commits: c.commits / n,
    transactions: c.transactions / n,
    retries: c.retries / n,
    queries: c.queries / n,
  };
};
const prefixed = (prefix: string, figures: Figures): Figures =>
  Object.fromEntries(Object.entries(figures).map(([name, value]) => [`${prefix}.${name}`, value]));

async function measureRound(
  bench: Bench,
  concurrency: number,
  paymentCount: number,
  healthCount: number,
): Promise<Figures> {
  await clearDatabase(bench);
  const users = await signUp(paymentCount);
  await waitIdle();
  await resetHost();
  const healthStarted = performance.now();
  const health = await healthCalls(healthCount, concurrency);
  const healthSeconds = (performance.now() - healthStarted) / 1000;
  const healthStats = await hostStats();
  await resetHost();
  const round = await payments(bench, paymentCount, concurrency, users);
  const stats = await hostStats();
  const tallied = await check(bench, round);
  const h = percentiles(health);
  const c = percentiles(round.createLatency);
  const p = percentiles(round.completeLatency);
  const cb = percentiles(round.callbackLatency);
  const n = round.ids.length || 1;
  const functions = ["createPayment", "mpesaCallback", "onPaymentWritten", "sendMail"];
  return {
    "health.p50": h.p50,
    "health.p95": h.p95,
    "health.p99": h.p99,
    "health.perSecond": healthCount / healthSeconds,
    "health.cpuMs": healthStats.cpuMs.total / healthCount,
    "health.elu": healthStats.elu,
    ...prefixed("health", per(healthStats.firestore.total, healthCount)),
    "create.p50": c.p50,
    "create.p95": c.p95,
    "create.p99": c.p99,
    "complete.p50": p.p50,
    "complete.p95": p.p95,
    "complete.p99": p.p99,
    "callback.p50": cb.p50,
    "callback.p95": cb.p95,
    "callback.p99": cb.p99,
    "payment.perSecond": round.ids.length / round.seconds,
    "payment.cpuMs": stats.cpuMs.total / n,
    "payment.elu": stats.elu,
    ...prefixed("payment", per(stats.firestore.total, n)),
    ...(Object.assign(
      {},
      ...functions.map((name) => prefixed(name, per(stats.firestore.byFunction[name], n))),
    ) as Figures),
    "invocations.perPayment": Object.values(stats.invocations).reduce((sum, entry) => sum + entry.count, 0) / n,
    lost: tallied.lost,
    duplicated: tallied.duplicated,
    errors: round.failures.length + stats.triggersFailed,
  };
}

function report(level: number, figures: Figures): void {
  const ms = (name: string): [string, string, number][] => [
    [`${name}.p50`, "p50", 1],
    [`${name}.p95`, "p95", 1],
    [`${name}.p99`, "p99", 1],
  ];
  const ops = (name: string): [string, string, number][] => [
    [`${name}.reads`, "reads", 1],
    [`${name}.writes`, "writes", 1],
    [`${name}.commits`, "commits", 1],
    [`${name}.transactions`, "tx", 1],
    [`${name}.retries`, "retried", 2],
    [`${name}.queries`, "queries", 2],
  ];
  const ratio = (a: string, b: string): number => (figures[a] ?? Number.NaN) / (figures[b] ?? Number.NaN);
  console.log(`\nconcurrency ${level} (median of the repetitions; ms unless named)`);
  console.log(
    line("health", figures, [
      ...ms("health"),
      ["health.perSecond", "/s", 0],
      ["health.cpuMs", "cpu ms", 2],
      ["health.elu", "elu", 2],
    ]),
  );
  console.log(line("createPayment", figures, ms("create")));
  console.log(line("complete payment", figures, [...ms("complete"), ["payment.perSecond", "payments/s", 1]]));
  console.log(line("callback → succeeded", figures, ms("callback")));
  console.log(
    line("host per payment", figures, [
      ["payment.cpuMs", "cpu ms", 1],
      ["payment.elu", "elu", 2],
      ["invocations.perPayment", "invocations", 1],
    ]),
  );
  console.log(line("Firestore per payment", figures, ops("payment")));
  for (const name of ["createPayment", "mpesaCallback", "onPaymentWritten", "sendMail"]) {
    console.log(line(`  ${name}`, figures, ops(name)));
  }
  console.log(line("Firestore per health", figures, ops("health")));
  console.log(
    `ratios to health (same run)  createPayment p50 ×${ratio("create.p50", "health.p50").toFixed(1)}  complete p50 ×${ratio("complete.p50", "health.p50").toFixed(1)}  cpu/payment ×${ratio("payment.cpuMs", "health.cpuMs").toFixed(1)}`,
  );
  console.log(
    line("checks (worst repetition)", figures, [
      ["lost", "lost", 0],
      ["duplicated", "duplicated", 0],
      ["errors", "errors", 0],
    ]),
  );
}

async function measure(bench: Bench): Promise<boolean> {
  const levels = numbers(process.env.BENCH_HOST_LEVELS, "1,10,50");
  const counts = numbers(process.env.BENCH_HOST_PAYMENTS, "40,100,250");
  const repetitions = numbers(process.env.BENCH_HOST_REPS, "5")[0] ?? 5;
  const healthCount = numbers(process.env.BENCH_HOST_HEALTH, "100")[0] ?? 100;
  const countFor = (level: number): number => counts[Math.min(levels.indexOf(level), counts.length - 1)] ?? 100;
  // Warm-up, unmeasured: the first calls load the Admin SDK and open the gRPC channel.
  await clearDatabase(bench);
  await payments(bench, 10, 5, await signUp(10));
  const results = new Map<number, Figures[]>(levels.map((level) => [level, []]));
  const order = schedule(levels, repetitions);
  const started = performance.now();
  for (const { level, repetition } of order) {
    const figures = await measureRound(bench, level, countFor(level), healthCount);
    results.get(level)?.push(figures);
    console.log(
      `  concurrency ${level} repetition ${repetition}: ${countFor(level)} payments, complete p50 ${figures["complete.p50"]?.toFixed(0)} ms, ${figures["payment.cpuMs"]?.toFixed(1)} cpu ms/payment, lost ${figures.lost}, duplicated ${figures.duplicated}`,
    );
  }
  console.log(
    `\nproduction-shaped host: ${order.length} rounds in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  let ok = true;
  for (const [level, repetitionsOf] of results) {
    const figures = medianFigures(repetitionsOf);
    // The checks are reported by their worst repetition, not their median.
    for (const name of ["lost", "duplicated", "errors"])
      figures[name] = Math.max(...repetitionsOf.map((f) => f[name] ?? 0));
    if ((figures.lost ?? 0) > 0 || (figures.duplicated ?? 0) > 0) ok = false;
    report(level, figures);
  }
  return ok;
}

function counted(values: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Lost/duplicated over many payments, in rounds of at most 2,000 (the simulator keeps 50,000 records). */
async function lostAndDuplicated(bench: Bench): Promise<boolean> {
  const total = numbers(process.env.BENCH_HOST_CHECK_PAYMENTS, "10000")[0] ?? 10_000;
  const concurrency = 50;
  let lost = 0;
  let duplicated = 0;
  let succeeded = 0;
  let receipts = 0;
  let refused = 0;
  let reconciled = 0;
  const started = performance.now();
  for (let done = 0; done < total;) {
    const count = Math.min(2_000, total - done);
    await clearDatabase(bench);
    const round = await payments(bench, count, concurrency, await signUp(count));
    // Not every provider delivers a callback again after a 5xx (the simulator never does): what is
    // still open is what the scheduled reconciliation finds, so it is re-queried, and counted apart.
    let snapshots = round.snapshots;
    const open = snapshots.filter((s) => s.get("status") !== "succeeded").map((s) => s.id);
    let recovered = 0;
    if (open.length > 0) {
      const provider = darajaAdapter(bench.daraja.baseUrl);
      recovered = (
        await reconcileStuckPayments({ db: bench.db, provider: () => provider, now: Date.now }, { paymentIds: open })
      ).changed;
      snapshots = await paymentSnapshots(bench.db, round.ids);
    }
    const tallied = await check(bench, { ...round, snapshots });
    lost += tallied.lost;
    duplicated += tallied.duplicated;
    succeeded += tallied.succeeded;
    receipts += tallied.receiptTotal;
    reconciled += recovered;
    const failedCallbacks = bench.daraja.state.requests.filter(
      (r) => r.path === "callback-answered" && (r.status ?? 0) >= 500,
    ).length;
    refused += failedCallbacks;
    for (const [message, times] of counted(round.failures)) console.log(`  createPayment failed ${times}×: ${message}`);
    done += count;
    console.log(
      `  ${done}/${total}: lost ${tallied.lost}, duplicated ${tallied.duplicated}, callbacks answered 5xx ${failedCallbacks}, settled by the reconciliation re-query ${recovered}`,
    );
  }
  console.log(`\nproduction-shaped host, lost/duplicated check: ${total} payments at concurrency ${concurrency}`);
  console.log(
    `succeeded ${succeeded} (${reconciled} by the reconciliation re-query), receipts ${receipts}, lost ${lost}, duplicated ${duplicated}, callbacks answered 5xx ${refused}`,
  );
  console.log(`took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return lost === 0 && duplicated === 0;
}

export async function runHostBench(part: "host" | "host-check"): Promise<boolean> {
  console.log(
    `\nproduction-shaped host (${part}): all functions in one Node ${process.versions.node} process, 80 in flight per function, triggers acknowledged at once`,
  );
  const bench = await startBench();
  // Stopped from outside (timeout, Ctrl-C): the host, its Firestore and the simulator go too.
  const stop = (): void => {
    void bench.stop().finally(() => process.exit(1));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  try {
    return part === "host" ? await measure(bench) : await lostAndDuplicated(bench);
  } finally {
    await bench.stop();
  }
}
