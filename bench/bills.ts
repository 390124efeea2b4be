// payBill's latency with the functions' own code against the Firestore emulator and a private
// VTpass simulator answering at once (zero delay): quote, PIN, ledger hold, the bill's record,
// the pay call and the posting, each call a different user buying airtime for a different number,
// at concurrency 1, 10 and 50. The PIN check (a memory-hard hash, about 60 ms of CPU by design)
// is part of every call and is measured alone first, so the rest can be read off.
//   BENCH_BILLS_SAMPLES (default 100 per concurrency)
import { randomInt, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";

import { payBill } from "../functions/src/bills/pay.ts";
import { quoteBill } from "../functions/src/bills/quote-bill.ts";
import { refreshCatalogue } from "../functions/src/bills/catalogue.ts";
import { seedLocalFeeRules } from "../functions/src/fees/local-rules.ts";
import { accounts } from "../functions/src/ledger/accounts.ts";
import { postEntry } from "../functions/src/ledger/journal.ts";
import { VtpassBills } from "../functions/src/providers/vtpass/vtpass.ts";
import { setPin, verifyPin } from "../functions/src/wallet/pin.ts";
import { VTPASS } from "../sandbox/src/settings.ts";
import { adminDb } from "../tests/support/firestore.ts";
import { localVtpass } from "../tests/support/local-simulators.ts";
import { pool, range } from "../tests/support/pool.ts";
import { emulatorSecrets } from "../tests/support/providers.ts";
import { summary } from "./stats.ts";

process.env.PIN_PEPPER = emulatorSecrets.PIN_PEPPER ?? "";
const SAMPLES = Number(process.env.BENCH_BILLS_SAMPLES ?? 100);
const PIN = "4821";
const db = adminDb();
const sim = await localVtpass({ callbackDelayMs: 0 });
const provider = new VtpassBills({
  baseUrl: `${sim.baseUrl}/api`,
  apiKey: VTPASS.apiKey,
  publicKey: VTPASS.publicKey,
  secretKey: VTPASS.secretKey,
  timeoutMs: 10_000,
});
const deps = { db, provider: () => provider, now: Date.now, verifyPin };
let ips = 0;

async function buyer() {
  // Each its own address: the per-address payment limit is not what is measured.
  ips += 1;
  const caller = { uid: `bench-bills-${randomUUID()}`, ip: `10.${(ips >> 16) & 255}.${(ips >> 8) & 255}.${ips & 255}` };
  await setPin({ pin: PIN }, caller, { db, now: Date.now });
  await postEntry(db, {
    id: `topup:${randomUUID()}`,
    kind: "topup",
    postings: [
      { account: accounts.clearing("paystack", "NGN"), side: "debit", amount: 10_000_00 },
      { account: accounts.wallet(caller.uid, "NGN"), side: "credit", amount: 10_000_00 },
    ],
  });
  const quoted = await quoteBill({ serviceId: "mtn", amount: 500_00 }, caller, deps);
  return { caller, quoteId: quoted.quoteId };
}

async function pay(b: Awaited<ReturnType<typeof buyer>>): Promise<number> {
  const started = performance.now();
  const bill = await payBill(
    {
      idempotencyKey: randomUUID(),
      quoteId: b.quoteId,
      serviceId: "mtn",
      customerNumber: `080${String(randomInt(10_000_000, 99_999_999))}`,
      pin: PIN,
    },
    b.caller,
    deps,
  );
  const elapsed = performance.now() - started;
  if (bill.status !== "delivered") throw new Error(`bench bill ${bill.billId} ended ${bill.status}`);
  return elapsed;
}

console.log(
  `bills bench: ${SAMPLES} payBill calls per concurrency, Firestore emulator, VTpass simulator at zero delay`,
);
await seedLocalFeeRules(db);
await refreshCatalogue(db, provider, Date.now);
const warm = await pool(range(10), 5, () => buyer());
await pool(warm, 5, pay);
const pinUser = warm[0]?.caller.uid ?? "";
const pinTimes = await pool(range(20), 1, async () => {
  const started = performance.now();
  await verifyPin(db, pinUser, PIN, Date.now());
  return performance.now() - started;
});
console.log(summary("PIN check alone", pinTimes));
for (const concurrency of [1, 10, 50]) {
  const buyers = await pool(range(SAMPLES), 10, () => buyer());
  const started = performance.now();
  const latencies = await pool(buyers, concurrency, pay);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${summary(`payBill, concurrency ${concurrency}`, latencies)}  ${(SAMPLES / seconds).toFixed(1)}/s`);
}
await sim.close();
