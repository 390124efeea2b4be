// npm run bench, under the emulators: the first call after a cold import, the rate limiter's added
// latency, the ledger's movements, bills, the payments run through the Functions emulator (the
// emulator path), then the production-shaped host. BENCH_ONLY=first-call, rate-limits, ledger,
// bills, payments, pos (1,000 offline till sales synced, bench/pos.ts) or host runs one of them; cold-start (bench/cold-start.ts, the imports alone)
// runs before the emulators start, and BENCH_ONLY=cold-start runs only it. BENCH_ONLY=host-check
// runs the host's 10,000-payment lost/duplicated check (not part of the default run).
const PARTS = [
  "cold-start",
  "first-call",
  "rate-limits",
  "ledger",
  "bills",
  "payments",
  "pos",
  "host",
  "host-check",
] as const;
const only = process.env.BENCH_ONLY;
if (only !== undefined && !(PARTS as readonly string[]).includes(only)) {
  console.error(`BENCH_ONLY must be one of ${PARTS.join(", ")}, not "${only}"`);
  process.exit(1);
}
if (only === undefined || only === "first-call") await import("./first-call.ts");
if (only === undefined || only === "rate-limits") await import("./rate-limits.ts");
if (only === undefined || only === "ledger") await import("./ledger.ts");
if (only === undefined || only === "bills") await import("./bills.ts");
if (only === undefined || only === "payments") await import("./payments.ts");
if (only === undefined || only === "pos") await import("./pos.ts");
let ok = true;
if (only === undefined || only === "host" || only === "host-check") {
  const { runHostBench } = await import("./host/run.ts");
  ok = await runHostBench(only === "host-check" ? "host-check" : "host");
}
process.exit(ok && !process.exitCode ? 0 : 1);
