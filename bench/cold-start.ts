// Cold start of the deployed code, no emulators needed: each sample is a fresh Node process that
// imports the functions' entry (functions/lib/index.js, what deploys) with FUNCTION_TARGET set to
// one export, as Cloud Run functions sets it, and prints how long the import took. Bare
// `node -e 0` runs interleaved with the imports in the same run, as the unit of comparison.
//   - import ms: performance.now() around `await import(entry)` inside the child (median of N);
//   - process ms: spawn to exit of the child, seen from here (median of N);
//   - modules: files the import loaded (ESM and CommonJS), counted by a load hook in one extra run
//     (the hook slows loading, so it is never in a timed run);
//   - with Node's compile cache (NODE_COMPILE_CACHE, warmed by one run first): the same imports.
//   BENCH_COLD_SAMPLES (default 15), BENCH_COLD_ENTRY (another built entry, to compare builds),
//   BENCH_COLD_TARGETS (comma-separated export names; "*" is the whole index as the CLI loads it)
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

import { percentile } from "./stats.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 15);
const ENTRY = path.resolve(ROOT, process.env.BENCH_COLD_ENTRY ?? "functions/lib/index.js");
const TARGETS = (
  process.env.BENCH_COLD_TARGETS ??
  "*,health,createPayment,getPaymentStatus,payBill,mpesaCallback,onPaymentWritten,sendMail,reconcilePayments"
).split(",");
const WHOLE = "*";

// The child: time the import, and say whether the target export came out defined.
const IMPORT = `const t = performance.now();
const m = await import(${JSON.stringify(pathToFileURL(ENTRY).href)});
const ms = performance.now() - t;
const target = process.env.FUNCTION_TARGET;
process.stdout.write(JSON.stringify({ ms, defined: target === undefined ? Object.keys(m).length : typeof m[target] }));`;

// Counts every module file loaded after it is registered (import and require alike).
const COUNT_HOOK = `data:text/javascript,${encodeURIComponent(`import { registerHooks } from "node:module";
const seen = new Set();
registerHooks({ load(url, context, next) { if (url.startsWith("file:")) seen.add(url); return next(url, context); } });
process.on("exit", () => process.stderr.write("\\nmodules=" + seen.size + "\\n"));`)}`;

interface Sample {
  readonly processMs: number;
  readonly importMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

function child(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: path.dirname(ENTRY), env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on("error", reject);
    proc.on("exit", (code) => {
      const processMs = performance.now() - started;
      if (code !== 0) {
        reject(new Error(`child exited ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      const importMs = stdout ? (JSON.parse(stdout) as { ms: number }).ms : Number.NaN;
      resolve({ processMs, importMs, stdout, stderr });
    });
  });
}

function envFor(target: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // Nothing of the emulators' reaches the child: an import must not need them.
  const inherited = Object.entries(process.env).filter(
    ([key]) =>
      !key.startsWith("FIREBASE") &&
      !key.endsWith("_EMULATOR_HOST") &&
      key !== "FUNCTION_TARGET" &&
      key !== "NODE_OPTIONS",
  );
  const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), ...extra };
  if (target !== WHOLE) env.FUNCTION_TARGET = target;
  return env;
}

function importOnce(target: string, extra: NodeJS.ProcessEnv = {}): Promise<Sample> {
  return child(["--input-type=module", "-e", IMPORT], envFor(target, extra));
}

const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const ms = (value: number): string => `${value.toFixed(0)} ms`.padStart(8);

// npm run bench runs this first, without the emulators; another BENCH_ONLY part skips it.
const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== "cold-start") process.exit(0);

console.log(`\n== cold start: fresh-process import of ${path.relative(ROOT, ENTRY)} (median of ${SAMPLES}) ==`);

// Every target must come out defined under its own FUNCTION_TARGET, or the number means nothing.
const modules = new Map<string, string>();
for (const target of TARGETS) {
  const counted = await child(["--import", COUNT_HOOK, "--input-type=module", "-e", IMPORT], envFor(target));
  const defined = (JSON.parse(counted.stdout) as { defined: unknown }).defined;
  if (target !== WHOLE && defined !== "function") throw new Error(`${target} is not defined (${String(defined)})`);
  modules.set(target, /modules=(\d+)/.exec(counted.stderr)?.[1] ?? "?");
}

const bare: number[] = [];
const imports = new Map<string, { importMs: number[]; processMs: number[] }>(
  TARGETS.map((target) => [target, { importMs: [], processMs: [] }]),
);
for (let round = 0; round < SAMPLES; round++) {
  bare.push((await child(["-e", "0"], envFor(WHOLE))).processMs);
  for (const target of TARGETS) {
    const sample = await importOnce(target);
    imports.get(target)?.importMs.push(sample.importMs);
    imports.get(target)?.processMs.push(sample.processMs);
  }
}

const cacheDir = mkdtempSync(path.join(tmpdir(), "malipo-compile-cache-"));
const cached = new Map<string, number[]>(TARGETS.map((target) => [target, []]));
try {
  for (const target of TARGETS) await importOnce(target, { NODE_COMPILE_CACHE: cacheDir });
  for (let round = 0; round < SAMPLES; round++) {
    for (const target of TARGETS) {
      cached.get(target)?.push((await importOnce(target, { NODE_COMPILE_CACHE: cacheDir })).importMs);
    }
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}

const bareMs = median(bare);
console.log(`node -e 0 (process, same run)       ${ms(bareMs)}`);
console.log(
  `${"FUNCTION_TARGET".padEnd(20)} ${"import".padStart(8)} ${"process".padStart(8)} ${"×node".padStart(6)} ${"modules".padStart(8)} ${"cached".padStart(8)}`,
);
for (const target of TARGETS) {
  const runs = imports.get(target);
  if (!runs) continue;
  const processMs = median(runs.processMs);
  console.log(
    `${(target === WHOLE ? "(unset: whole index)" : target).padEnd(20)} ${ms(median(runs.importMs))} ${ms(processMs)} ${(processMs / bareMs).toFixed(1).padStart(6)} ${(modules.get(target) ?? "?").padStart(8)} ${ms(median(cached.get(target) ?? []))}`,
  );
}
console.log(
  "  import: inside the child; process: spawn to exit; ×node: process / node -e 0; cached: import with a warm NODE_COMPILE_CACHE",
);
