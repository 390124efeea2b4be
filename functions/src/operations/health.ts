// The health check: proves the function can write to and read back from Firestore, and says
// which code version answered. Public on purpose (uptime monitors call it), so it reveals no
// error details: failures are logged and reported as "unavailable".
import { logger } from "firebase-functions/logger";
import { FieldValue, type Firestore, Timestamp } from "firebase-admin/firestore";

import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import type { HttpAnswer } from "../core/http.js";

/** system/{name}: the platform's own bookkeeping documents; server-only. */
export const SYSTEM = defineCollection("system", z.object({ checkedAt: z.instanceof(Timestamp) }));
export const HEALTH_DOCUMENT = "system/health";

export interface HealthReport {
  readonly ok: boolean;
  readonly firestore: "ok" | "unavailable";
  readonly version: string;
}

/**
 * Writes the health document and reads it back. The read must reflect this write (its update
 * time is at or after our write time); a concurrent probe's later write also satisfies that.
 */
export async function probeFirestore(db: Firestore): Promise<void> {
  const ref = SYSTEM.ref(db).doc("health");
  const written = await ref.set({ checkedAt: FieldValue.serverTimestamp() });
  const snapshot = await ref.get();
  const updated = snapshot.updateTime;
  if (!snapshot.exists || !updated || updated.toMillis() < written.writeTime.toMillis()) {
    throw new Error("health document did not read back after writing it");
  }
  if (!(snapshot.data()?.checkedAt instanceof Timestamp)) {
    throw new Error("health document read back without its checkedAt timestamp");
  }
}

export async function checkHealth(probe: () => Promise<void>, version: string): Promise<HealthReport> {
  try {
    await probe();
    return { ok: true, firestore: "ok", version };
  } catch (error) {
    logger.error("health check: Firestore probe failed", {
      error: error instanceof Error ? error.message : String(error),
    });
    return { ok: false, firestore: "unavailable", version };
  }
}

/** The slice of Express's request and response the handler uses. */
export interface HealthRequest {
  readonly method: string;
}

export function createHealthHandler(deps: { probe: () => Promise<void>; version: () => string }) {
  return async (req: HealthRequest, res: HttpAnswer): Promise<void> => {
    res.set("Cache-Control", "no-store");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.set("Allow", "GET, HEAD").status(405).json({ error: "Use GET to read the health status." });
      return;
    }
    const report = await checkHealth(deps.probe, deps.version());
    res.status(report.ok ? 200 : 503).json(report);
  };
}
