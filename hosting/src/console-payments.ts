// The console's Payments tab: search by phone, receipt, provider reference or payment id, or list a
// day's payments filtered by status and provider; a payment's page shows its fields, its event
// timeline (payments/{id}/events, with the raw provider bodies the events carry) and the
// provider callbacks that name it (providerEvents) as received.
import {
  collection,
  doc,
  getDoc,
  getDocs,
  limit,
  orderBy,
  query,
  Timestamp,
  where,
  type DocumentData,
  type QueryConstraint,
  type QueryDocumentSnapshot,
} from "firebase/firestore";

import { PAYMENT_STATUSES, PROVIDERS } from "../../functions/src/shared/catalog.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";
import { fillFields, millis, row, text } from "./console-dom";
import { formatInstant, nairobiDayWindow, nairobiToday, parseSearch, rawText, type SearchKind } from "./console-view";
import { element } from "./dom";
import type { Client } from "./firebase";

const LIMIT = 50;

interface Found {
  readonly id: string;
  readonly data: DocumentData;
}

function amountOf(data: DocumentData): string {
  try {
    return formatMoney(Number(data.amount), data.currency as Parameters<typeof formatMoney>[1]);
  } catch {
    return `${String(data.amount)} ${String(data.currency)}`;
  }
}

function filtersOf(): { status: string; provider: string; date: string } {
  return {
    status: element("filter-status", HTMLSelectElement).value,
    provider: element("filter-provider", HTMLSelectElement).value,
    date: element("filter-date", HTMLInputElement).value,
  };
}

function keep(found: Found, filters: ReturnType<typeof filtersOf>): boolean {
  if (filters.status && found.data.status !== filters.status) return false;
  if (filters.provider && found.data.provider !== filters.provider) return false;
  const window = filters.date ? nairobiDayWindow(filters.date) : undefined;
  const created = millis(found.data.createdAt);
  if (window && (created === null || created < window.from || created >= window.to)) return false;
  return true;
}

async function search(client: Client, kind: SearchKind, values: readonly string[]): Promise<Found[]> {
  const payments = collection(client.db, "payments");
  const docs = (snapshots: QueryDocumentSnapshot[]) =>
    snapshots.map((snapshot) => ({ id: snapshot.id, data: snapshot.data() }));
  if (kind === "id") {
    const snapshot = await getDoc(doc(payments, values[0] ?? ""));
    return snapshot.exists() ? [{ id: snapshot.id, data: snapshot.data() }] : [];
  }
  if (kind === "phone") {
    return docs(
      (await getDocs(query(payments, where("phone", "in", values), orderBy("createdAt", "desc"), limit(LIMIT)))).docs,
    );
  }
  const field = kind === "receipt" ? "receipt" : "providerReference";
  return docs((await getDocs(query(payments, where(field, "==", values[0] ?? ""), limit(LIMIT)))).docs);
}

async function listDay(client: Client, filters: ReturnType<typeof filtersOf>): Promise<Found[]> {
  const window = nairobiDayWindow(filters.date || nairobiToday(Date.now()));
  if (!window) return [];
  const constraints: QueryConstraint[] = [];
  if (filters.status) constraints.push(where("status", "==", filters.status));
  if (filters.provider) constraints.push(where("provider", "==", filters.provider));
  constraints.push(
    where("createdAt", ">=", Timestamp.fromMillis(window.from)),
    where("createdAt", "<", Timestamp.fromMillis(window.to)),
    orderBy("createdAt", "desc"),
    limit(LIMIT),
  );
  const snapshot = await getDocs(query(collection(client.db, "payments"), ...constraints));
  return snapshot.docs.map((found) => ({ id: found.id, data: found.data() }));
}

function showResults(found: readonly Found[], open: (id: string) => void): void {
  const table = element("payment-results", HTMLTableElement);
  const body = table.tBodies[0];
  if (!body) return;
  body.replaceChildren(
    ...found.map((payment) => {
      const button = text("button", payment.id, "link");
      button.type = "button";
      button.addEventListener("click", () => {
        open(payment.id);
      });
      const tr = row([
        formatInstant(millis(payment.data.createdAt)),
        button,
        String(payment.data.phone ?? ""),
        amountOf(payment.data),
        String(payment.data.provider ?? ""),
        String(payment.data.status ?? ""),
      ]);
      tr.dataset.paymentId = payment.id;
      tr.dataset.status = String(payment.data.status ?? "");
      return tr;
    }),
  );
  table.dataset.state = "loaded";
  element("no-payments").hidden = found.length > 0;
}

async function openPayment(client: Client, id: string): Promise<void> {
  const section = element("payment-detail");
  section.dataset.paymentId = id;
  section.dataset.state = "loading";
  const ref = doc(client.db, "payments", id);
  const [payment, events, callbacks] = await Promise.all([
    getDoc(ref),
    getDocs(query(collection(ref, "events"), orderBy("at"))),
    getDocs(query(collection(client.db, "providerEvents"), where("paymentId", "==", id), limit(50))),
  ]);
  const data = payment.data() ?? {};
  element("detail-id").textContent = id;
  fillFields(element("detail-fields"), [
    ["Status", String(data.status ?? "—")],
    ["Amount", amountOf(data)],
    ["Provider", String(data.provider ?? "—")],
    ["Phone", String(data.phone ?? "—")],
    ["Email", String(data.email ?? "—")],
    ["Purpose", String(data.purpose ?? "—")],
    ["Provider reference", String(data.providerReference ?? "—")],
    ["Receipt", String(data.receipt ?? "—")],
    ["Failure code", String(data.failureCode ?? "—")],
    ["Message", String(data.customerMessage ?? "—")],
    ["Created", formatInstant(millis(data.createdAt))],
    ["Settled", formatInstant(millis(data.settledAt))],
  ]);
  element("detail-events").replaceChildren(
    ...events.docs.map((event) => {
      const item = event.data();
      const li = document.createElement("li");
      li.dataset.type = String(item.type ?? "");
      const from = item.from === null || item.from === undefined ? "" : `${String(item.from)} → `;
      const to = item.to === null || item.to === undefined ? "" : String(item.to);
      li.append(text("strong", String(item.type ?? "event")), ` ${from}${to} · ${formatInstant(millis(item.at))}`);
      const detail = (item.data ?? {}) as Record<string, unknown>;
      if (Object.keys(detail).length > 0) li.append(text("pre", rawText(detail), "raw"));
      return li;
    }),
  );
  element("detail-callbacks").replaceChildren(
    ...callbacks.docs.map((callback) => {
      const item = callback.data();
      const li = document.createElement("li");
      li.append(
        text("strong", `${String(item.provider ?? "")} ${String(item.outcome ?? "")}`),
        ` · ${formatInstant(millis(item.receivedAt))} · ${item.matched === true ? "matched" : "not matched"}`,
        text("pre", rawText(item.raw), "raw"),
      );
      return li;
    }),
  );
  element("detail-no-callbacks").hidden = callbacks.size > 0;
  element("panel-payments").hidden = true;
  section.hidden = false;
  section.dataset.state = "loaded";
}

export function startPayments(client: Client): void {
  const status = element("filter-status", HTMLSelectElement);
  for (const name of PAYMENT_STATUSES) status.append(new Option(name, name));
  const provider = element("filter-provider", HTMLSelectElement);
  for (const name of PROVIDERS) provider.append(new Option(name, name));
  const problem = element("search-error");
  const table = element("payment-results", HTMLTableElement);
  const open = (id: string) => {
    openPayment(client, id).catch((error: unknown) => {
      problem.textContent = `The payment could not be read: ${error instanceof Error ? error.message : String(error)}`;
      problem.hidden = false;
    });
  };
  element("payment-search", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    problem.hidden = true;
    const term = element("search-term", HTMLInputElement).value;
    const kind = element("search-kind", HTMLSelectElement).value as SearchKind;
    const filters = filtersOf();
    table.dataset.state = "loading";
    void (async () => {
      try {
        let found: Found[];
        if (term.trim() === "") {
          found = await listDay(client, filters);
        } else {
          const parsed = parseSearch(kind, term);
          if (typeof parsed === "string") {
            problem.textContent = parsed;
            problem.hidden = false;
            table.dataset.state = "idle";
            return;
          }
          found = (await search(client, parsed.kind, parsed.values)).filter((payment) => keep(payment, filters));
        }
        showResults(found, open);
      } catch (error) {
        problem.textContent = `The search failed: ${error instanceof Error ? error.message : String(error)}`;
        problem.hidden = false;
        table.dataset.state = "error";
      }
    })();
  });
  element("detail-close").addEventListener("click", () => {
    element("payment-detail").hidden = true;
    element("panel-payments").hidden = false;
  });
}
