// The first call after a cold import, against the emulators (BENCH_ONLY=first-call): each sample
// is a fresh Node process that imports functions/lib/index.js with FUNCTION_TARGET set to one
// function, mounts that export on Express (as the functions framework serves it: JSON body
// parser keeping req.rawBody) on 127.0.0.1, and says it is listening; from here the first request
// is timed, then a second one (the same instance, warm) for comparison. The process's Firestore
// client talks to the Firestore emulator, createPayment's adapter to the M-Pesa simulator.
// Callable tokens are accepted unverified the way the Functions emulator accepts them
// (FIREBASE_DEBUG_FEATURES skipTokenVerification): the first call here does not include
// fetching Google's public keys, which a deployed instance does once. App Check is not enforced.
//   BENCH_FIRST_CALL_SAMPLES (default 5), BENCH_COLD_ENTRY (another built entry, to compare builds)
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

import { idempotencyKey, randomIp, signUpAnonymous } from "../tests/support/client.ts";
import { emulatorParams, emulatorSecrets } from "../tests/support/providers.ts";
import { percentile } from "./stats.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const FUNCTIONS = path.join(ROOT, "functions");
const ENTRY = pathToFileURL(path.resolve(ROOT, process.env.BENCH_COLD_ENTRY ?? "functions/lib/index.js")).href;
const EXPRESS = createRequire(path.join(ROOT, "package.json")).resolve("express");
const SAMPLES = Number(process.env.BENCH_FIRST_CALL_SAMPLES ?? 5);

const CHILD = `import { createRequire } from "node:module";
const started = performance.now();
const mod = await import(${JSON.stringify(ENTRY)});
const importMs = performance.now() - started;
const express = createRequire(import.meta.url)(${JSON.stringify(EXPRESS)});
const app = express();
app.use(express.json({ limit: "10mb", verify: (req, _res, buf) => { req.rawBody = buf; } }));
const handler = mod[process.env.FUNCTION_TARGET];
app.use((req, res) => handler(req, res));
const server = app.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port, importMs })));`;

interface Instance {
  readonly url: string;
  readonly importMs: number;
  stop(): Promise<void>;
}

async function startInstance(target: string): Promise<Instance> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...emulatorParams,
    ...emulatorSecrets,
    FUNCTION_TARGET: target,
    FUNCTIONS_EMULATOR: "true",
    FIREBASE_DEBUG_MODE: "true",
    FIREBASE_DEBUG_FEATURES: JSON.stringify({ skipTokenVerification: true }),
    ENFORCE_APP_CHECK: "false",
  };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: FUNCTIONS,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const ready = line.startsWith(`{"port":`) ? (JSON.parse(line) as { port: number; importMs: number }) : undefined;
    if (!ready) continue;
    return {
      url: `http://127.0.0.1:${ready.port}/`,
      importMs: ready.importMs,
      stop: async () => {
        child.kill("SIGTERM");
        await exited;
      },
    };
  }
  throw new Error(`the ${target} instance exited before listening`);
}

async function timed(request: () => Promise<Response>, check: (status: number, body: unknown) => boolean) {
  const started = performance.now();
  const response = await request();
  const body: unknown = await response.json();
  const ms = performance.now() - started;
  if (!check(response.status, body)) throw new Error(`unexpected answer ${response.status}: ${JSON.stringify(body)}`);
  return ms;
}

/** GET health: the route's rate limits, the Firestore probe (a write and a read), the version. */
const healthCall = (url: string) =>
  timed(
    () => fetch(url, { headers: { "X-Forwarded-For": randomIp() } }),
    (status, body) => status === 200 && (body as { ok?: unknown }).ok === true,
  );

// Unique Safaricom numbers ending 0000 (the simulator's success outcome), as bench/payments.ts.
const firstPhone = randomInt(0, 9_000);
let payments = 0;

/** createPayment by a new user (signed up before the clock starts): the whole callable path. */
async function createPaymentCall(url: string): Promise<number> {
  const user = await signUpAnonymous();
  const phone = `+2547${String(firstPhone + payments++).padStart(4, "0")}0000`;
  return timed(
    () =>
      fetch(url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${user.idToken}`,
          "X-Forwarded-For": randomIp(),
        },
        body: JSON.stringify({
          data: {
            idempotencyKey: idempotencyKey(),
            purpose: "wallet-topup",
            amount: 100_00,
            currency: "KES",
            phone,
            email: `first-call-${payments}@example.com`,
          },
        }),
      }),
    (status, body) =>
      status === 200 && typeof (body as { result?: { paymentId?: unknown } }).result?.paymentId === "string",
  );
}

const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const ms = (value: number): string => `${value.toFixed(0)} ms`.padStart(8);

console.log(
  `\n== first call after a cold import of ${path.relative(ROOT, fileURLToPath(ENTRY))} (fresh process per sample, median of ${SAMPLES}) ==`,
);
console.log(
  `${"FUNCTION_TARGET".padEnd(16)} ${"import".padStart(8)} ${"1st call".padStart(8)} ${"2nd call".padStart(8)}`,
);
const cases: [string, (url: string) => Promise<number>][] = [
  ["health", healthCall],
  ["createPayment", createPaymentCall],
];
const results = new Map(
  cases.map(([name]) => [name, { importMs: [] as number[], first: [] as number[], second: [] as number[] }]),
);
for (let round = 0; round < SAMPLES; round++) {
  for (const [name, callOnce] of cases) {
    const instance = await startInstance(name);
    try {
      const result = results.get(name);
      result?.importMs.push(instance.importMs);
      result?.first.push(await callOnce(instance.url));
      result?.second.push(await callOnce(instance.url));
    } finally {
      await instance.stop();
    }
  }
}
for (const [name, result] of results) {
  console.log(
    `${name.padEnd(16)} ${ms(median(result.importMs))} ${ms(median(result.first))} ${ms(median(result.second))}`,
  );
}
console.log("  1st call: the first request to the fresh instance, seen by the client; 2nd call: the next one");
