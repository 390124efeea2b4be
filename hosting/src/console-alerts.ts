// The console's Alerts tab: every alert, open ones first. Rule alerts (alerts/rule:{rule}:{scope},
// operations/evaluate-alerts.ts) open and resolve by themselves and carry a timeline; one-off
// alerts (a conflict, a ledger difference) stay open until someone resolves them.
import { collection, getDocs, limit, orderBy, query, type DocumentData } from "firebase/firestore";

import { millis, text } from "./console-dom";
import { formatInstant, rawText } from "./console-view";
import { element } from "./dom";
import type { Client } from "./firebase";

function isOpen(alert: DocumentData): boolean {
  return typeof alert.state === "string" ? alert.state === "open" : alert.resolved !== true;
}

async function item(client: Client, id: string, alert: DocumentData): Promise<HTMLLIElement> {
  const li = document.createElement("li");
  li.dataset.alertId = id;
  li.dataset.state = isOpen(alert) ? "open" : "resolved";
  const title =
    typeof alert.rule === "string" ? `${alert.rule} · ${String(alert.scope ?? "")}` : String(alert.type ?? id);
  li.append(text("strong", title), ` · since ${formatInstant(millis(alert.openedAt ?? alert.createdAt))}`);
  if (typeof alert.message === "string") li.append(text("p", alert.message));
  if (typeof alert.rule === "string") {
    const entries = await getDocs(query(collection(client.db, "alerts", id, "timeline"), orderBy("seq")));
    const timeline = document.createElement("ol");
    timeline.className = "timeline";
    for (const entry of entries.docs) {
      const data = entry.data();
      const line = text("li", `${String(data.kind)} at ${formatInstant(millis(data.at))}`);
      line.dataset.kind = String(data.kind);
      timeline.append(line);
    }
    li.append(timeline);
  } else {
    const details = document.createElement("details");
    details.append(
      text("summary", "Details"),
      text("pre", rawText({ paymentId: alert.paymentId as unknown, ...(alert.detail as Record<string, unknown>) })),
    );
    li.append(details);
  }
  return li;
}

async function load(client: Client): Promise<void> {
  const snapshot = await getDocs(query(collection(client.db, "alerts"), orderBy("createdAt", "desc"), limit(100)));
  const items = await Promise.all(snapshot.docs.map((doc) => item(client, doc.id, doc.data())));
  const open = items.filter((li) => li.dataset.state === "open");
  const resolved = items.filter((li) => li.dataset.state === "resolved");
  element("alerts-open").replaceChildren(...open);
  element("alerts-resolved").replaceChildren(...resolved);
  element("alerts-none-open").hidden = open.length > 0;
  element("alerts-none-resolved").hidden = resolved.length > 0;
  element("panel-alerts").dataset.state = "loaded";
}

export function startAlerts(client: Client): () => void {
  return () => {
    load(client).catch((error: unknown) => {
      element("alerts-none-open").textContent =
        `The alerts could not be read: ${error instanceof Error ? error.message : String(error)}`;
      element("alerts-none-open").hidden = false;
    });
  };
}
