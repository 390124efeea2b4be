// The ledger's movement latency against the Firestore emulator, with the functions' own code
// (functions/src/ledger): a spend from a funded wallet to the sharded fees account, each call a
// different user, at concurrency 1, 10 and 50; then 50 spends at once from one wallet (the
// contended case, all admitted); then top-ups/s through one hot clearing account.
// The emulator does not reproduce production's sustained rate of about one write a second per
// document, so sharding's gain on a hot account shows only in production; here the hot-account
// figure is throughput with sharding, not a comparison.
//   BENCH_LEDGER_SAMPLES (default 200 per concurrency)
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { accounts } from "../functions/src/ledger/accounts.ts";
import { postEntry } from "../functions/src/ledger/journal.ts";
import { adminDb } from "../tests/support/firestore.ts";
import { pool, range } from "../tests/support/pool.ts";
import { summary } from "./stats.ts";

const SAMPLES = Number(process.env.BENCH_LEDGER_SAMPLES ?? 200);
const db = adminDb();
const clearing = accounts.clearing("mpesa", "KES");
const fees = accounts.fees("KES");

async function funded(amount: number) {
  const wallet = accounts.wallet(`bench-${randomUUID()}`, "KES");
  await postEntry(db, {
    id: `topup:${randomUUID()}`,
    kind: "topup",
    postings: [
      { account: clearing, side: "debit", amount },
      { account: wallet, side: "credit", amount },
    ],
  });
  return wallet;
}

function spend(wallet: ReturnType<typeof accounts.wallet>, amount: number): Promise<unknown> {
  return postEntry(db, {
    id: `bench:${randomUUID()}`,
    kind: "purchase",
    postings: [
      { account: wallet, side: "debit", amount },
      { account: fees, side: "credit", amount },
    ],
  });
}

async function timed(task: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await task();
  return performance.now() - started;
}

console.log(`ledger bench: ${SAMPLES} movements per concurrency, Firestore emulator`);
const warm = await Promise.all(range(20).map(() => funded(1_000)));
await pool(warm, 5, (wallet) => spend(wallet, 1));

for (const concurrency of [1, 10, 50]) {
  const wallets = await pool(range(SAMPLES), 20, () => funded(1_000));
  const started = performance.now();
  const latencies = await pool(wallets, concurrency, (wallet) => timed(() => spend(wallet, 100)));
  const seconds = (performance.now() - started) / 1000;
  console.log(`${summary(`spend, concurrency ${concurrency}`, latencies)}  ${(SAMPLES / seconds).toFixed(0)}/s`);
}

const hot = await funded(50 * 100);
console.log(summary("50 at once, one wallet", await pool(range(50), 50, () => timed(() => spend(hot, 100)))));

const started = performance.now();
await pool(range(SAMPLES), 50, () => funded(100));
const seconds = (performance.now() - started) / 1000;
console.log(`top-ups through one clearing account (sharded), concurrency 50: ${(SAMPLES / seconds).toFixed(0)}/s`);
