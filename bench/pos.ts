// The till's sync (docs/pos.md): one till, offline, records 1,000 cash sales with the Firestore web
// SDK (as pos.html does), then its connection comes back. Measured from that moment: until the SDK
// has every write acknowledged (fully synced), and until the pos triggers, in the Functions
// emulator, have applied all of them so that the store's day and stock equal the sums (totals
// correct). The till is signed in through the Auth emulator and its writes pass firestore.rules.
//   BENCH_POS_SALES (default 1000)
import { performance } from "node:perf_hooks";

import { deleteApp, initializeApp } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";
import {
  connectFirestoreEmulator,
  disableNetwork,
  doc,
  enableNetwork,
  initializeFirestore,
  setDoc,
  terminate,
  waitForPendingWrites,
} from "firebase/firestore";

import { storeDay } from "../functions/src/pos/shape.ts";
import { emulatorOrigin, PROJECT_ID } from "../tests/support/emulators.ts";
import { adminDb, eventually } from "../tests/support/firestore.ts";
import { saleRecord, seedStore, uuidV7 } from "../tests/support/pos.ts";

const SALES = Number(process.env.BENCH_POS_SALES ?? 1000);
const PRODUCTS = { sugar: 150_00, bread: 70_00, soap: 60_00, milk: 55_00 } as const;
const names = Object.keys(PRODUCTS) as (keyof typeof PRODUCTS)[];

const app = initializeApp({ projectId: PROJECT_ID, apiKey: "demo-api-key", appId: "bench-pos" }, "bench-pos");
const auth = getAuth(app);
connectAuthEmulator(auth, await emulatorOrigin("auth"), { disableWarnings: true });
const { user } = await signInAnonymously(auth);
const firestoreHost = new URL(await emulatorOrigin("firestore"));
const db = initializeFirestore(app, {});
connectFirestoreEmulator(db, firestoreHost.hostname, Number(firestoreHost.port));

// The store, seeded directly; the bench's user is its cashier.
const seeded = await seedStore(Object.fromEntries(names.map((n) => [n, { price: PRODUCTS[n], stock: 1_000_000 }])));
const store = { ...seeded, cashierUid: user.uid };
await adminDb()
  .collection("stores")
  .doc(store.storeId)
  .collection("staff")
  .doc(user.uid)
  .set({ uid: user.uid, role: "cashier", addedBy: store.ownerUid, addedAt: new Date() });

console.log(`pos bench: ${SALES} cash sales recorded offline by one till, then synced (Functions emulator triggers)`);
await disableNetwork(db);
const sold = Object.fromEntries(names.map((n) => [n, 0])) as Record<keyof typeof PRODUCTS, number>;
let total = 0;
const written: Promise<void>[] = [];
for (let i = 0; i < SALES; i++) {
  const lines = [names[i % names.length], names[(i * 7 + 1) % names.length]].map((productId, k) => ({
    productId: productId ?? "sugar",
    quantity: 1 + ((i + k) % 3),
    unitPrice: PRODUCTS[productId ?? "sugar"],
  }));
  for (const line of lines) {
    sold[line.productId] += line.quantity;
    total += line.quantity * line.unitPrice;
  }
  const sale = saleRecord(store, { seq: i + 1, lines });
  // Not awaited: offline, a write settles only when the server has acknowledged it.
  written.push(setDoc(doc(db, "stores", store.storeId, "sales", uuidV7()), sale));
}

const started = performance.now();
await enableNetwork(db);
await waitForPendingWrites(db);
await Promise.all(written);
const synced = performance.now() - started;
console.log(
  `  fully synced (every write acknowledged)  ${(synced / 1000).toFixed(1)} s  ${(SALES / (synced / 1000)).toFixed(0)} sales/s`,
);

const storeRef = adminDb().collection("stores").doc(store.storeId);
const day = storeDay(Date.now(), store.currency);
await eventually(
  async () => (await storeRef.collection("days").doc(day).get()).data(),
  (data) => data?.salesCount === SALES && data.salesTotal === total,
  600_000,
);
const counted = performance.now() - started;
const stock = await storeRef.collection("products").get();
const stockRight = stock.docs.every((d) => d.get("stock") === 1_000_000 - sold[d.id as keyof typeof PRODUCTS]);
console.log(
  `  totals correct (day = sum of the sales)   ${(counted / 1000).toFixed(1)} s  ${(SALES / (counted / 1000)).toFixed(0)} sales/s applied; stock ${stockRight ? "equals" : "DIFFERS FROM"} the sums`,
);
if (!stockRight) process.exitCode = 1;
await terminate(db);
await deleteApp(app);
