// npm run bench: the rate limiter's added latency, the ledger's movements, bills, then the payments
// run. BENCH_ONLY=rate-limits, ledger, bills or payments runs one of them.
const PARTS = ["rate-limits", "ledger", "bills", "payments"] as const;
const only = process.env.BENCH_ONLY;
if (only !== undefined && !(PARTS as readonly string[]).includes(only)) {
  console.error(`BENCH_ONLY must be one of ${PARTS.join(", ")}, not "${only}"`);
  process.exit(1);
}
if (only === undefined || only === "rate-limits") await import("./rate-limits.ts");
if (only === undefined || only === "ledger") await import("./ledger.ts");
if (only === undefined || only === "bills") await import("./bills.ts");
if (only === undefined || only === "payments") await import("./payments.ts");
process.exit(0);
