// npm run bench: the rate limiter's added latency, then the payments run.
//   BENCH_ONLY=rate-limits or BENCH_ONLY=payments runs one of them.
const only = process.env.BENCH_ONLY;
if (only !== undefined && only !== "rate-limits" && only !== "payments") {
  console.error(`BENCH_ONLY must be "rate-limits" or "payments", not "${only}"`);
  process.exit(1);
}
if (only !== "payments") await import("./rate-limits.ts");
if (only !== "rate-limits") await import("./payments.ts");
process.exit(0);
