// Reads GET /api/health (a Hosting rewrite to the `health` function) and checks its shape.
export interface HealthReport {
  readonly ok: boolean;
  readonly firestore: string;
  readonly version: string;
}

function isHealthReport(value: unknown): value is HealthReport {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.ok === "boolean" && typeof record.firestore === "string" && typeof record.version === "string";
}

export async function readHealth(fetcher: typeof fetch): Promise<HealthReport> {
  const response = await fetcher("/api/health", { headers: { Accept: "application/json" } });
  // 503 still carries a report; anything else without one is a transport problem.
  const body: unknown = await response.json().catch(() => undefined);
  if (!isHealthReport(body)) throw new Error(`The health check did not answer (HTTP ${response.status}).`);
  return body;
}
