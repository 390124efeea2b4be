// The ledger's movement latency against the Firestore emulator, with the functions' own code
// (functions/src/ledger, functions/src/wallet): a spend from a funded wallet to the sharded fees
// account and a wallet-to-wallet transfer, each call a different pair of users, at concurrency 1,
// 10 and 50; then 50 spends at once from one wallet (the contended case, all admitted); then
// movements/s into one hot account, sharded (a platform account: increments on 10 shards) and
// unsharded (one merchant's wallet: compare-and-set on one document).
// The emulator does not reproduce production's sustained rate of about one write a second per
// document, so the unsharded figure here is an upper bound that production would cap near 1/s.
//   BENCH_LEDGER_SAMPLES (default 200 per concurrency)
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { accounts } from "../functions/src/ledger/accounts.ts";
import { postEntry } from "../functions/src/ledger/journal.ts";
import { moveBetweenWallets } from "../functions/src/wallet/transfer.ts";
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

function transferFrom(sender: ReturnType<typeof accounts.wallet>, to: string): Promise<unknown> {
  return moveBetweenWallets(db, {
    from: sender.owner,
    to,
    currency: "KES",
    amount: 100,
    idempotencyKey: randomUUID(),
  });
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

for (const concurrency of [1, 10, 50]) {
  const senders = await pool(range(SAMPLES), 20, () => funded(1_000));
  const started = performance.now();
  const latencies = await pool(senders, concurrency, (sender) =>
    timed(() => transferFrom(sender, `bench-${randomUUID()}`)),
  );
  const seconds = (performance.now() - started) / 1000;
  console.log(`${summary(`transfer, concurrency ${concurrency}`, latencies)}  ${(SAMPLES / seconds).toFixed(0)}/s`);
}

const hot = await funded(50 * 100);
console.log(summary("50 at once, one wallet", await pool(range(50), 50, () => timed(() => spend(hot, 100)))));

async function rate(label: string, move: (sender: ReturnType<typeof accounts.wallet>) => Promise<unknown>) {
  const senders = await pool(range(SAMPLES), 20, () => funded(1_000));
  const started = performance.now();
  await pool(senders, 50, move);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label}, concurrency 50: ${(SAMPLES / seconds).toFixed(0)}/s`);
}

await rate("into one hot account, sharded (the fees account)", (sender) => spend(sender, 100));
const merchant = `bench-merchant-${randomUUID()}`;
await rate("into one hot account, unsharded (a merchant's wallet)", (sender) => transferFrom(sender, merchant));
