// Point-of-sale fixtures for the tests: stores, staff, tills and till records seeded directly with
// the Admin SDK (the paths not under test), and record ids in the till's own form (UUIDv7).
import { randomBytes } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";

import { adminDb } from "./firestore.ts";

/** A UUIDv7 (RFC 9562): 48 bits of milliseconds, version 7, the variant, 74 random bits. */
export function uuidV7(ms = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes.writeUInt8(0x70 | (bytes.readUInt8(6) & 0x0f), 6);
  bytes.writeUInt8(0x80 | (bytes.readUInt8(8) & 0x3f), 8);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface SeededStore {
  readonly storeId: string;
  readonly ownerUid: string;
  readonly cashierUid: string;
  readonly tillId: string;
  readonly deviceCode: string;
  readonly currency: "MWK" | "KES" | "UGX" | "NGN";
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** A device code in registerTill's form, random enough for tests that do not call registerTill. */
export function testDeviceCode(): string {
  const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  return `T${[...randomBytes(5)].map((b) => crockford[b % 32]).join("")}`;
}

/** A store with an owner, a cashier, one till and the given products (stock as given). */
export async function seedStore(
  products: Record<string, { price: number; stock: number; name?: string }>,
  currency: SeededStore["currency"] = "KES",
): Promise<SeededStore> {
  const db = adminDb();
  const storeId = `s${hex(10)}`;
  const ownerUid = `owner-${hex(6)}`;
  const cashierUid = `cashier-${hex(6)}`;
  const tillId = `t${hex(10)}`;
  const deviceCode = testDeviceCode();
  const at = Timestamp.now();
  const store = db.collection("stores").doc(storeId);
  const batch = db.batch();
  batch.set(store, { name: "Mama Njeri's stall", currency, ownerUid, createdAt: at });
  batch.set(store.collection("staff").doc(ownerUid), { uid: ownerUid, role: "owner", addedBy: ownerUid, addedAt: at });
  batch.set(store.collection("staff").doc(cashierUid), {
    uid: cashierUid,
    role: "cashier",
    addedBy: ownerUid,
    addedAt: at,
  });
  batch.set(store.collection("tills").doc(tillId), {
    deviceCode,
    label: "Front",
    registeredBy: cashierUid,
    createdAt: at,
  });
  for (const [id, product] of Object.entries(products)) {
    batch.set(store.collection("products").doc(id), {
      name: product.name ?? id,
      price: product.price,
      stock: product.stock,
      lowStockAt: 2,
      active: true,
    });
  }
  await batch.commit();
  return { storeId, ownerUid, cashierUid, tillId, deviceCode, currency };
}

export interface SaleInput {
  readonly lines: readonly { productId: string; quantity: number; unitPrice: number; name?: string }[];
  readonly shift?: number;
  readonly seq: number;
  readonly payment?: { method: "cash" } | { method: "mobile-money"; paymentId: string };
  readonly recordedAt?: number;
  readonly total?: number;
}

/** A sale document exactly as the till writes it. */
export function saleRecord(store: SeededStore, input: SaleInput): Record<string, unknown> {
  const shift = input.shift ?? 1;
  const lines = input.lines.map((line) => ({
    productId: line.productId,
    name: line.name ?? line.productId,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    lineTotal: line.unitPrice * line.quantity,
  }));
  return {
    tillId: store.tillId,
    deviceCode: store.deviceCode,
    cashierUid: store.cashierUid,
    recordedAt: input.recordedAt ?? Date.now(),
    receiptNumber: `${store.deviceCode}-${shift}-${input.seq}`,
    shift,
    seq: input.seq,
    lines,
    total: input.total ?? lines.reduce((sum, line) => sum + line.lineTotal, 0),
    currency: store.currency,
    payment: input.payment ?? { method: "cash" },
  };
}
