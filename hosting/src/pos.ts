// The till (pos.html, docs/pos.md): sells with or without a connection. Every record is written
// whole with setDoc under an id made here (UUIDv7), so the Firestore SDK's queue holds it until it
// is acknowledged, across reloads and in any tab; the pos triggers apply it to stock and the day.
// The page counts what the queue still holds, blocks sign-out while anything is there, and locks
// behind the till PIN on start and after a spell without use.
import { signOut, type User } from "firebase/auth";
import {
  collection,
  doc,
  getDocsFromCache,
  onSnapshot,
  orderBy,
  query,
  serverTimestamp,
  setDoc,
  Timestamp,
  where,
  type Firestore,
  type QueryDocumentSnapshot,
  type QuerySnapshot,
} from "firebase/firestore";
import { httpsCallable } from "firebase/functions";
import { v7 as uuidv7 } from "uuid";

import { storeDay, type StoreCurrency } from "../../functions/src/pos/shape.ts";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import { signIn, type Client } from "./firebase";
import { connectTill, keepStorage } from "./pos-client";
import { checkPin, lockWhenIdle, pinIsSet, pinProblem, setPin } from "./pos-lock";
import { currentShift, nextReceipt, startNextShift } from "./pos-receipts";
import {
  addToCart,
  ago,
  cartTotal,
  formatMoney,
  lastDays,
  lowStock,
  parseAmount,
  saleLines,
  topProducts,
  type CartLine,
  type CatalogueProduct,
  type DaySummary,
} from "./pos-view";

const TILL_KEY = "malipo-pos:till";
const SYNC_KEY = "malipo-pos:last-sync";
const DEFAULT_LOCK_AFTER_MS = 5 * 60_000;
/** How far back the till watches its own records for unsynced ones (and lists recent sales). */
const WATCH_MS = 7 * 86_400_000;
const RECORD_COLLECTIONS = ["sales", "voids", "expenses", "adjustments"] as const;

interface Till {
  readonly storeId: string;
  readonly tillId: string;
  readonly deviceCode: string;
  readonly label: string;
}

interface RecentSale {
  readonly id: string;
  readonly receiptNumber: string;
  readonly total: number;
  readonly recordedAt: number;
  readonly pending: boolean;
}

const state = {
  client: undefined as Client | undefined,
  user: undefined as User | undefined,
  till: undefined as Till | undefined,
  currency: "KES" as StoreCurrency,
  role: undefined as "owner" | "cashier" | undefined,
  products: [] as CatalogueProduct[],
  cart: [] as CartLine[],
  pending: { sales: 0, voids: 0, expenses: 0, adjustments: 0 } as Record<(typeof RECORD_COLLECTIONS)[number], number>,
  fromCache: true,
  recent: [] as RecentSale[],
  flags: new Map<string, string>(),
  days: [] as DaySummary[],
  locked: true,
  charging: false,
};

const db = (): Firestore => {
  if (!state.client) throw new Error("the till is not connected");
  return state.client.db;
};
const money = (minor: number) => formatMoney(minor, state.currency);
const pendingTotal = () => Object.values(state.pending).reduce((a, b) => a + b, 0);

function savedTill(): Till | undefined {
  const text = localStorage.getItem(TILL_KEY);
  return text ? (JSON.parse(text) as Till) : undefined;
}

function fail(id: string, error: unknown): void {
  show(id, messageOf(error));
}

// ---- sync status ---------------------------------------------------------------------------

function renderSync(): void {
  element("network").textContent = navigator.onLine ? "Online" : "Offline";
  element("pending-count").textContent = String(pendingTotal());
  const last = Number(localStorage.getItem(SYNC_KEY)) || undefined;
  element("last-sync").textContent = ago(last, Date.now());
  element("last-sync").dataset.at = last === undefined ? "" : String(last);
  const signOutButton = element("sign-out", HTMLButtonElement);
  signOutButton.disabled = pendingTotal() > 0;
  if (pendingTotal() > 0) {
    show("sign-out-hint", `Signing out waits until the ${pendingTotal()} unsynced record(s) have reached the server.`);
  } else hide("sign-out-hint");
  element("mm-pay", HTMLButtonElement).disabled =
    !navigator.onLine || state.cart.length === 0 || state.charging || state.currency === "MWK";
  if (state.till) element("shift").textContent = String(currentShift(state.till.tillId));
}

/** How often, while online, a count of unsynced records is checked against the cache. */
const RECOUNT_MS = 5_000;

/**
 * Watches this till's own recent records; those the SDK has not had acknowledged are pending.
 *
 * A listener in a secondary tab (every tab but the one the SDK lets talk to the server) can keep a
 * record marked as pending after it reached the server: when the record was written in another
 * tab, or before a reload, the tab ignores its acknowledgement ("Cannot apply mutation batch"), and
 * if the server's copy had reached it while the write was still queued, nothing tells it again.
 * So while the browser is online and any record counts as pending, the count is checked every few
 * seconds against a fresh read of the cache (getDocsFromCache, which sees what the SDK's shared
 * queue really still holds), and a record it shows acknowledged is not counted again.
 */
function watchOwnRecords(till: Till): void {
  const since = Date.now() - WATCH_MS;
  for (const name of RECORD_COLLECTIONS) {
    const records = query(collection(db(), "stores", till.storeId, name), where("recordedAt", ">=", since));
    let recount: number | undefined;
    /** Records the cache showed as acknowledged: written once, they never become pending again. */
    const acknowledged = new Set<string>();
    const pending = (record: QueryDocumentSnapshot) => record.metadata.hasPendingWrites && !acknowledged.has(record.id);
    const showRecords = (snapshot: QuerySnapshot, fromServer: boolean) => {
      const own = snapshot.docs.filter((d) => d.get("tillId") === till.tillId);
      state.pending[name] = own.filter(pending).length;
      if (fromServer && pendingTotal() === 0) localStorage.setItem(SYNC_KEY, String(Date.now()));
      if (name === "sales") {
        state.recent = own
          .map((d) => ({
            id: d.id,
            receiptNumber: String(d.get("receiptNumber")),
            total: Number(d.get("total")),
            recordedAt: Number(d.get("recordedAt")),
            pending: pending(d),
          }))
          .sort((a, b) => b.recordedAt - a.recordedAt)
          .slice(0, 10);
        renderRecent();
      }
      renderSync();
      if (state.pending[name] > 0 && navigator.onLine && recount === undefined) {
        recount = window.setTimeout(() => {
          recount = undefined;
          void checkCache();
        }, RECOUNT_MS);
      }
    };
    const checkCache = async () => {
      try {
        const cached = await getDocsFromCache(records);
        for (const record of cached.docs) if (!record.metadata.hasPendingWrites) acknowledged.add(record.id);
        showRecords(cached, navigator.onLine);
      } catch (error) {
        fail("problem", error);
      }
    };
    onSnapshot(
      records,
      { includeMetadataChanges: true },
      (snapshot) => {
        showRecords(snapshot, !snapshot.metadata.fromCache);
      },
      (error) => {
        fail("problem", error);
      },
    );
  }
  // What the server made of recent records: flags are shown next to the sale.
  onSnapshot(
    query(collection(db(), "stores", till.storeId, "results"), where("appliedAt", ">=", Timestamp.fromMillis(since))),
    (snapshot) => {
      for (const change of snapshot.docs) {
        const flags = change.get("flags") as unknown;
        const status = String(change.get("status"));
        const text = Array.isArray(flags) && flags.length > 0 ? `flagged: ${flags.join(", ")}` : status;
        state.flags.set(String(change.get("recordId")), text);
      }
      renderRecent();
    },
  );
}

function renderRecent(): void {
  const list = element("recent-sales");
  list.replaceChildren(
    ...state.recent.map((sale) => {
      const item = document.createElement("li");
      item.dataset.saleId = sale.id;
      item.dataset.receipt = sale.receiptNumber;
      const status = sale.pending ? "not synced" : (state.flags.get(sale.id) ?? "synced");
      item.dataset.status = status;
      item.textContent = `${sale.receiptNumber} · ${money(sale.total)} · ${status} `;
      const voidButton = document.createElement("button");
      voidButton.type = "button";
      voidButton.textContent = "Void";
      voidButton.addEventListener("click", () => {
        recordVoid(sale.id);
      });
      item.append(voidButton);
      return item;
    }),
  );
}

// ---- catalogue, cart and sales -------------------------------------------------------------

function renderProducts(): void {
  const active = state.products.filter((p) => p.active);
  element("no-products").hidden = active.length > 0;
  element("product-buttons").replaceChildren(
    ...active.map((product) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.productId = product.id;
      button.textContent = `${product.name} · ${money(product.price)} (${product.stock} left)`;
      button.addEventListener("click", () => {
        state.cart = addToCart(state.cart, product);
        renderCart();
      });
      item.append(button);
      return item;
    }),
  );
  element("adjust-product", HTMLSelectElement).replaceChildren(
    ...state.products.map((product) => {
      const option = document.createElement("option");
      option.value = product.id;
      option.textContent = product.name;
      return option;
    }),
  );
  renderDashboard();
}

function renderCart(): void {
  element("cart-lines").replaceChildren(
    ...state.cart.map((line) => {
      const item = document.createElement("li");
      item.textContent = `${line.quantity} × ${line.name} · ${money(line.quantity * line.unitPrice)}`;
      return item;
    }),
  );
  element("cart-total").textContent = state.cart.length ? money(cartTotal(state.cart)) : "–";
  element("cash-sale", HTMLButtonElement).disabled = state.cart.length === 0 || state.charging;
  renderSync();
}

/**
 * Writes the sale. The write is queued by the SDK at once (offline too) and the promise settles only
 * when the server has it, so nothing here waits for it: the pending count shows it until then.
 */
async function recordSale(
  cart: readonly CartLine[],
  payment: { method: "cash" } | { method: "mobile-money"; paymentId: string },
  saleId = uuidv7(),
): Promise<void> {
  const till = state.till;
  const user = state.user;
  if (!till || !user) return;
  const receipt = await nextReceipt(till.tillId, till.deviceCode);
  const lines = saleLines(cart);
  const sale = {
    tillId: till.tillId,
    deviceCode: till.deviceCode,
    cashierUid: user.uid,
    recordedAt: Date.now(),
    receiptNumber: receipt.receiptNumber,
    shift: receipt.shift,
    seq: receipt.seq,
    lines,
    total: lines.reduce((sum, line) => sum + line.lineTotal, 0),
    currency: state.currency,
    payment,
  };
  setDoc(doc(db(), "stores", till.storeId, "sales", saleId), sale).catch((error: unknown) => {
    fail("sell-error", error);
  });
  element("last-receipt").textContent = receipt.receiptNumber;
}

async function cashSale(): Promise<void> {
  if (state.cart.length === 0) return;
  const cart = state.cart;
  state.cart = [];
  renderCart();
  await recordSale(cart, { method: "cash" });
}

/**
 * Mobile money at the till, online only: createPayment (purpose "till-sale") with the sale's own id
 * as the idempotency key, then the sale is written once the payment has succeeded (the cart stays until then).
 */
async function mobileSale(): Promise<void> {
  const client = state.client;
  const phone = element("mm-phone", HTMLInputElement).value.trim();
  if (!client || state.cart.length === 0 || state.charging) return;
  const cart = state.cart;
  const saleId = uuidv7();
  state.charging = true;
  renderCart();
  show("mm-status", "Starting the payment…");
  try {
    const createPayment = httpsCallable<Record<string, unknown>, { paymentId: string; customerMessage: string }>(
      client.functions,
      "createPayment",
    );
    const { data } = await createPayment({
      idempotencyKey: saleId,
      purpose: "till-sale",
      amount: cartTotal(cart),
      currency: state.currency,
      phone,
      reference: `POS ${state.till?.deviceCode ?? ""}`.trim(),
    });
    show("mm-status", data.customerMessage);
    await new Promise<void>((resolve, reject) => {
      const stop = onSnapshot(doc(client.db, "payments", data.paymentId), (snapshot) => {
        const status = String(snapshot.get("status"));
        if (status === "succeeded") {
          stop();
          resolve();
        } else if (["failed", "cancelled", "expired", "conflict"].includes(status)) {
          stop();
          reject(new Error(`The payment ${status}: ${String(snapshot.get("customerMessage") ?? "")}`));
        }
      });
    });
    state.cart = [];
    await recordSale(cart, { method: "mobile-money", paymentId: data.paymentId }, saleId);
    show("mm-status", "Paid.");
  } catch (error) {
    show("mm-status", messageOf(error));
  } finally {
    state.charging = false;
    renderCart();
  }
}

function recordVoid(saleId: string): void {
  const till = state.till;
  if (!till || !state.user) return;
  const record = {
    tillId: till.tillId,
    deviceCode: till.deviceCode,
    cashierUid: state.user.uid,
    recordedAt: Date.now(),
    saleId,
    reason: "voided at the till",
  };
  setDoc(doc(db(), "stores", till.storeId, "voids", uuidv7()), record).catch((error: unknown) => {
    fail("sell-error", error);
  });
}

function recordExpense(): void {
  const till = state.till;
  if (!till || !state.user) return;
  hide("expense-error");
  const amount = parseAmount(element("expense-amount", HTMLInputElement).value, state.currency);
  if (amount === undefined || amount === 0) {
    show("expense-error", `Enter the amount in ${state.currency}, e.g. 150 or 150.50.`);
    return;
  }
  const record = {
    tillId: till.tillId,
    deviceCode: till.deviceCode,
    cashierUid: state.user.uid,
    recordedAt: Date.now(),
    amount,
    currency: state.currency,
    category: element("expense-category", HTMLSelectElement).value,
    note: element("expense-note", HTMLInputElement).value.slice(0, 200),
  };
  setDoc(doc(db(), "stores", till.storeId, "expenses", uuidv7()), record).catch((error: unknown) => {
    fail("expense-error", error);
  });
  element("expense-amount", HTMLInputElement).value = "";
  element("expense-note", HTMLInputElement).value = "";
}

function recordAdjustment(): void {
  const till = state.till;
  if (!till || !state.user) return;
  hide("adjust-error");
  const delta = Number(element("adjust-delta", HTMLInputElement).value.trim());
  const productId = element("adjust-product", HTMLSelectElement).value;
  if (!Number.isSafeInteger(delta) || delta === 0 || Math.abs(delta) > 1_000_000 || !productId) {
    show("adjust-error", "Choose a product and a whole number of items other than 0 (negative to take stock away).");
    return;
  }
  const record = {
    tillId: till.tillId,
    deviceCode: till.deviceCode,
    cashierUid: state.user.uid,
    recordedAt: Date.now(),
    productId,
    delta,
    reason: element("adjust-reason", HTMLSelectElement).value,
    note: "",
  };
  setDoc(doc(db(), "stores", till.storeId, "adjustments", uuidv7()), record).catch((error: unknown) => {
    fail("adjust-error", error);
  });
  element("adjust-delta", HTMLInputElement).value = "";
}

// ---- owner ---------------------------------------------------------------------------------

function slug(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
  return `${base || "product"}-${uuidv7().slice(-6)}`;
}

function addProduct(): void {
  const till = state.till;
  if (!till) return;
  hide("owner-error");
  const name = element("product-name", HTMLInputElement).value.trim();
  const price = parseAmount(element("product-price", HTMLInputElement).value, state.currency);
  const lowStockAt = Number(element("product-low", HTMLInputElement).value.trim() || "0");
  if (!name || price === undefined || !Number.isSafeInteger(lowStockAt) || lowStockAt < 0) {
    show("owner-error", `Give the product a name, a price in ${state.currency} and a whole low-stock mark.`);
    return;
  }
  setDoc(doc(db(), "stores", till.storeId, "products", slug(name)), {
    name: name.slice(0, 80),
    price,
    stock: 0,
    lowStockAt,
    active: true,
  }).catch((error: unknown) => {
    fail("owner-error", error);
  });
  element("product-name", HTMLInputElement).value = "";
  element("product-price", HTMLInputElement).value = "";
}

function addCashier(): void {
  const till = state.till;
  if (!till || !state.user) return;
  const uid = element("cashier-uid", HTMLInputElement).value.trim();
  if (!uid) return;
  setDoc(doc(db(), "stores", till.storeId, "staff", uid), {
    uid,
    role: "cashier",
    addedBy: state.user.uid,
    addedAt: serverTimestamp(),
  }).catch((error: unknown) => {
    fail("owner-error", error);
  });
  element("cashier-uid", HTMLInputElement).value = "";
}

// ---- dashboard -----------------------------------------------------------------------------

function renderDashboard(): void {
  const today = storeDay(Date.now(), state.currency);
  const day = state.days.find((d) => d.date === today);
  element("dash-sales-count").textContent = String(day?.salesCount ?? 0);
  element("dash-sales-total").textContent = money(day?.salesTotal ?? 0);
  element("dash-cash").textContent = money(day?.cashTotal ?? 0);
  element("dash-mobile").textContent = money(day?.mobileTotal ?? 0);
  element("dash-expenses").textContent = money(day?.expensesTotal ?? 0);
  element("dash-flagged").textContent = String(day?.flaggedCount ?? 0);
  element("dash-top").replaceChildren(
    ...topProducts(day).map((p) => {
      const item = document.createElement("li");
      item.textContent = `${p.name} · ${p.quantity} · ${money(p.total)}`;
      return item;
    }),
  );
  element("dash-low").replaceChildren(
    ...lowStock(state.products).map((p) => {
      const item = document.createElement("li");
      item.dataset.productId = p.id;
      item.textContent = `${p.name}: ${p.stock} left`;
      return item;
    }),
  );
  const byDate = new Map(state.days.map((d) => [d.date, d]));
  element("dash-days").replaceChildren(
    ...lastDays(today).map((date) => {
      const row = document.createElement("tr");
      const d = byDate.get(date);
      for (const text of [date, String(d?.salesCount ?? 0), money(d?.salesTotal ?? 0), money(d?.expensesTotal ?? 0)]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }),
  );
}

function watchStore(till: Till, uid: string): void {
  onSnapshot(doc(db(), "stores", till.storeId), (snapshot) => {
    const currency = snapshot.get("currency") as StoreCurrency | undefined;
    if (currency) state.currency = currency;
    element("store-name-title").textContent = `Sell · ${String(snapshot.get("name") ?? "")}`;
    element("mobile-money").hidden = state.currency === "MWK";
    renderProducts();
    renderCart();
  });
  onSnapshot(doc(db(), "stores", till.storeId, "staff", uid), (snapshot) => {
    state.role = snapshot.get("role") as typeof state.role;
    element("owner").hidden = state.role !== "owner";
  });
  onSnapshot(collection(db(), "stores", till.storeId, "products"), (snapshot) => {
    state.products = snapshot.docs
      .map((d) => ({
        id: d.id,
        name: String(d.get("name")),
        price: Number(d.get("price")),
        stock: Number(d.get("stock")),
        lowStockAt: Number(d.get("lowStockAt")),
        active: d.get("active") === true,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    renderProducts();
  });
  const oldest = lastDays(storeDay(Date.now(), state.currency)).at(-1) ?? "";
  onSnapshot(
    query(collection(db(), "stores", till.storeId, "days"), where("date", ">=", oldest), orderBy("date", "desc")),
    (snapshot) => {
      state.days = snapshot.docs.map((d) => d.data() as DaySummary);
      renderDashboard();
    },
  );
}

// ---- setup, PIN and lock -------------------------------------------------------------------

async function register(storeId: string): Promise<void> {
  const client = state.client;
  if (!client) return;
  const label = element("till-label", HTMLInputElement).value.trim() || "Till";
  const registerTill = httpsCallable<Record<string, string>, Till>(client.functions, "registerTill");
  const { data } = await registerTill({ idempotencyKey: uuidv7(), storeId, label });
  localStorage.setItem(TILL_KEY, JSON.stringify(data));
  startTill(data);
}

async function openStore(event: Event): Promise<void> {
  event.preventDefault();
  const client = state.client;
  if (!client) return;
  hide("setup-error");
  element("open-store-button", HTMLButtonElement).disabled = true;
  try {
    const createStore = httpsCallable<Record<string, string>, { storeId: string }>(client.functions, "createStore");
    const { data } = await createStore({
      idempotencyKey: uuidv7(),
      name: element("store-name", HTMLInputElement).value,
      currency: element("store-currency", HTMLSelectElement).value,
    });
    await register(data.storeId);
  } catch (error) {
    fail("setup-error", error);
  } finally {
    element("open-store-button", HTMLButtonElement).disabled = false;
  }
}

async function joinStore(event: Event): Promise<void> {
  event.preventDefault();
  hide("setup-error");
  try {
    await register(element("join-store-id", HTMLInputElement).value.trim());
  } catch (error) {
    fail("setup-error", error);
  }
}

function lock(): void {
  state.locked = true;
  element("app").hidden = true;
  element("pos").dataset.state = "locked";
  element("pin-input", HTMLInputElement).value = "";
  if (pinIsSet()) show("lock");
  else show("pin-setup");
}

function unlocked(): void {
  state.locked = false;
  hide("lock");
  hide("pin-setup");
  hide("lock-error");
  element("app").hidden = false;
  element("pos").dataset.state = "ready";
}

async function savePin(): Promise<void> {
  const pin = element("pin-new", HTMLInputElement).value;
  const problem = pinProblem(pin);
  if (problem) {
    show("pin-setup-error", problem);
    return;
  }
  if (pin !== element("pin-confirm", HTMLInputElement).value) {
    show("pin-setup-error", "The two PINs differ.");
    return;
  }
  await setPin(pin);
  unlocked();
}

async function unlock(): Promise<void> {
  const result = await checkPin(element("pin-input", HTMLInputElement).value);
  if (result.ok) unlocked();
  else show("lock-error", result.message);
}

/** The inactivity lock, from ?lockAfterMs= (a test hook; at least half a second) or 5 minutes. */
function lockAfterMs(): number {
  const asked = Number(new URLSearchParams(location.search).get("lockAfterMs"));
  return Number.isSafeInteger(asked) && asked >= 500 ? asked : DEFAULT_LOCK_AFTER_MS;
}

function startTill(till: Till): void {
  state.till = till;
  hide("setup");
  element("till-code").textContent = till.deviceCode;
  element("store-id").textContent = till.storeId;
  if (state.user) watchStore(till, state.user.uid);
  watchOwnRecords(till);
  lock();
  lockWhenIdle(lockAfterMs(), () => {
    if (!state.locked) lock();
  });
  renderSync();
}

async function signOutOfTill(): Promise<void> {
  if (pendingTotal() > 0 || !state.client) return;
  await signOut(state.client.auth);
  location.reload();
}

function wire(): void {
  element("open-store").addEventListener("submit", (event) => void openStore(event));
  element("join-store").addEventListener("submit", (event) => void joinStore(event));
  element("pin-save").addEventListener("click", () => void savePin());
  element("unlock").addEventListener("click", () => void unlock());
  element("pin-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter") void unlock();
  });
  element("cash-sale").addEventListener("click", () => void cashSale());
  element("clear-cart").addEventListener("click", () => {
    state.cart = [];
    renderCart();
  });
  element("mm-pay").addEventListener("click", () => void mobileSale());
  element("expense-save").addEventListener("click", recordExpense);
  element("adjust-save").addEventListener("click", recordAdjustment);
  element("product-save").addEventListener("click", addProduct);
  element("cashier-save").addEventListener("click", addCashier);
  element("lock-now").addEventListener("click", lock);
  element("sign-out").addEventListener("click", () => void signOutOfTill());
  element("new-shift").addEventListener("click", () => {
    if (state.till) void startNextShift(state.till.tillId).then(renderSync);
  });
  for (const type of ["online", "offline"]) window.addEventListener(type, renderSync);
  // "Last sync … ago" moves on by itself.
  window.setInterval(renderSync, 5_000);
}

async function registerServiceWorker(): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  // Scoped to the till's pages: the other pages of the site stay network-only.
  await navigator.serviceWorker.register("/pos-sw.js", { scope: "/pos" });
}

async function start(): Promise<void> {
  wire();
  try {
    state.client = await connectTill();
    state.user = await signIn(state.client);
    element("session").textContent = state.user.uid;
    void keepStorage().then((kept) => {
      element("storage").textContent = kept ? "storage kept" : "storage may be cleared by the browser";
    });
    registerServiceWorker().catch((error: unknown) => {
      fail("problem", error);
    });
    const till = savedTill();
    if (till) startTill(till);
    else {
      show("setup");
      element("pos").dataset.state = "setup";
    }
  } catch (error) {
    fail("problem", error);
  }
}

void start();
