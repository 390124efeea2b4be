// npm run bench, under the emulators: the first call after a cold import, the rate limiter's added
// latency, the ledger's movements, bills, then the payments run. BENCH_ONLY=first-call,
// rate-limits, ledger, bills or payments runs one of them; cold-start (bench/cold-start.ts, the
// imports alone) runs before the emulators start, and BENCH_ONLY=cold-start runs only it.
const PARTS = ["cold-start", "first-call", "rate-limits", "ledger", "bills", "payments"] as const;
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
process.exit(0);
