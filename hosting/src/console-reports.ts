// The console's Reports tab: a day's reconciliationReports/{date} (docs/operations.md): its verdict,
// counts per kind, the ledger's nightly check, and each exception line with what to do.
import { doc, getDoc, type DocumentData } from "firebase/firestore";

import { RECONCILIATION_KINDS } from "../../functions/src/shared/analytics.ts";
import { fillFields, millis, row, text } from "./console-dom";
import { formatInstant, nairobiToday } from "./console-view";
import { element } from "./dom";
import type { Client } from "./firebase";

function amounts(line: DocumentData): string {
  const local = line.localAmount === null ? "—" : `${String(line.localAmount)} ${String(line.localCurrency ?? "")}`;
  const provider =
    line.providerAmount === null ? "—" : `${String(line.providerAmount)} ${String(line.providerCurrency ?? "")}`;
  return `ours ${local} · provider ${provider} (minor units)`;
}

function what(line: DocumentData): string {
  const subject = `${String(line.subject ?? "")} ${String(line.id ?? "(no local record)")}`;
  return `${subject} · ${String(line.provider ?? "")} ${String(line.providerReference ?? "")} · ours ${String(line.localStatus ?? "—")}, provider ${String(line.providerOutcome ?? "—")} · ${String(line.at ?? "")}`;
}

async function openReport(client: Client, date: string): Promise<void> {
  const section = element("report");
  const missing = element("report-missing");
  const snapshot = await getDoc(doc(client.db, "reconciliationReports", date));
  if (!snapshot.exists()) {
    section.hidden = true;
    missing.textContent = `There is no report for ${date} yet: it is written at 00:30 Nairobi time for the day before (docs/operations.md).`;
    missing.hidden = false;
    return;
  }
  missing.hidden = true;
  const report = snapshot.data();
  const counts = (report.counts ?? {}) as Record<string, number>;
  const exceptions = (report.exceptions ?? []) as DocumentData[];
  element("report-verdict").textContent =
    report.ok === true
      ? `${date}: every record matched and the ledger balances.`
      : `${date}: ${exceptions.length + Number(report.exceptionsLeftOut ?? 0)} exceptions to act on.`;
  fillFields(element("report-counts"), [
    ...RECONCILIATION_KINDS.map((kind): [string, string] => [kind, String(counts[kind] ?? 0)]),
    ["closed without money", String((report.unexceptional as { closed?: number } | undefined)?.closed ?? 0)],
    ["still in flight", String((report.unexceptional as { inFlight?: number } | undefined)?.inFlight ?? 0)],
    ["last run", formatInstant(millis(report.lastRunAt))],
  ]);
  const ledger = report.ledger as DocumentData | undefined;
  element("report-ledger").textContent = ledger
    ? `Ledger check ${String(ledger.checkDate)}: ${String(ledger.status)} (${String(ledger.entriesChecked)} entries, ${String(ledger.accountsChecked)} accounts).`
    : "";
  const body = element("report-exceptions", HTMLTableElement).tBodies[0];
  body?.replaceChildren(
    ...exceptions.map((line) => {
      const tr = row([text("strong", String(line.kind ?? "")), what(line), amounts(line), String(line.action ?? "")]);
      tr.dataset.kind = String(line.kind ?? "");
      if (typeof line.id === "string") tr.dataset.id = line.id;
      return tr;
    }),
  );
  element("report-no-exceptions").hidden = exceptions.length > 0;
  section.dataset.state = "loaded";
  section.dataset.date = date;
  section.hidden = false;
}

/** Sets up the tab; the returned function loads it when the tab is shown. */
export function startReports(client: Client): () => void {
  const input = element("report-date", HTMLInputElement);
  const load = () => {
    openReport(client, input.value).catch((error: unknown) => {
      const missing = element("report-missing");
      missing.textContent = `The report could not be read: ${error instanceof Error ? error.message : String(error)}`;
      missing.hidden = false;
    });
  };
  input.value = nairobiToday(Date.now() - 24 * 60 * 60_000);
  element("report-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  let loaded = false;
  return () => {
    if (loaded) return;
    loaded = true;
    load();
  };
}
