// The console's Analytics tab: the analytics shards of a range of days (docs/operations.md),
// summed per provider and currency: revenue and success rate per day as charts (Chart.js, drawn
// on a canvas: no inline style or script, so the CSP holds), and settlement-time percentiles.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { collection, getDocs, query, where } from "firebase/firestore";

import { COUNTER_FIELDS, emptyCounters } from "../../functions/src/shared/analytics.ts";
import { row } from "./console-dom";
import { analyticsSeries, daysBetween, formatDuration, nairobiToday, type AnalyticsShard } from "./console-view";
import { element } from "./dom";
import type { Client } from "./firebase";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

const COLOURS = ["#0b6e4f", "#d9822b", "#3066be", "#a40e26", "#6c4ab6"];

function shardOf(data: Record<string, unknown>): AnalyticsShard {
  const counters = { ...emptyCounters() };
  for (const field of COUNTER_FIELDS) {
    counters[field] = typeof data[field] === "number" ? data[field] : 0;
  }
  const buckets = data.settleBuckets;
  counters.settleBuckets = buckets && typeof buckets === "object" ? { ...(buckets as Record<string, number>) } : {};
  return { ...counters, date: String(data.date), provider: String(data.provider), currency: String(data.currency) };
}

let charts: Chart[] = [];

async function show(client: Client, from: string, to: string): Promise<void> {
  const days = daysBetween(from, to);
  const problem = element("analytics-error");
  const section = element("analytics");
  problem.hidden = true;
  if (days.length === 0) {
    problem.textContent = "Pick a first day on or before the last day (62 days at most).";
    problem.hidden = false;
    return;
  }
  section.dataset.state = "loading";
  const snapshot = await getDocs(
    query(collection(client.db, "analytics"), where("date", ">=", days[0]), where("date", "<=", days.at(-1))),
  );
  const series = analyticsSeries(
    snapshot.docs.map((doc) => shardOf(doc.data())),
    days,
  );
  for (const chart of charts) chart.destroy();
  charts = [];
  const colour = (i: number) => COLOURS[i % COLOURS.length];
  charts.push(
    new Chart(element("chart-revenue", HTMLCanvasElement), {
      type: "bar",
      data: {
        labels: days,
        datasets: series.map((s, i) => ({
          label: `${s.label} (major units)`,
          data: s.revenue,
          backgroundColor: colour(i),
        })),
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false },
    }),
    new Chart(element("chart-success", HTMLCanvasElement), {
      type: "line",
      data: {
        labels: days,
        datasets: series.map((s, i) => ({
          label: `${s.label} success %`,
          data: s.successRate,
          borderColor: colour(i),
          spanGaps: true,
        })),
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0, max: 100 } } },
    }),
  );
  const body = element("settlement-table", HTMLTableElement).tBodies[0];
  body?.replaceChildren(
    ...series.map((s) => {
      const tr = row([
        s.label,
        String(s.settled),
        String(s.succeeded),
        formatDuration(s.medianMs),
        formatDuration(s.p95Ms),
      ]);
      tr.dataset.provider = s.provider;
      return tr;
    }),
  );
  element("analytics-empty").hidden = series.length > 0;
  section.dataset.state = "loaded";
  section.dataset.series = String(series.length);
}

export function startAnalytics(client: Client): () => void {
  const from = element("analytics-from", HTMLInputElement);
  const to = element("analytics-to", HTMLInputElement);
  to.value = nairobiToday(Date.now());
  from.value = nairobiToday(Date.now() - 6 * 24 * 60 * 60_000);
  const load = () => {
    show(client, from.value, to.value).catch((error: unknown) => {
      const problem = element("analytics-error");
      problem.textContent = `The analytics could not be read: ${error instanceof Error ? error.message : String(error)}`;
      problem.hidden = false;
    });
  };
  element("analytics-form", HTMLFormElement).addEventListener("submit", (event) => {
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
