// The deployed `health` function, called over HTTP in the Functions emulator and through the
// Hosting rewrite, with its Firestore write observed through the Admin SDK.
import { readFileSync } from "node:fs";

import { getApps, initializeApp } from "firebase-admin/app";
import { getFirestore, Timestamp } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";

import { emulatorOrigin, functionUrl, PROJECT_ID } from "../../../tests/support/emulators.js";
import { REGION } from "../core/region.js";
import { HEALTH_DOCUMENT } from "./health.js";

const version = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const db = () => getFirestore(getApps()[0] ?? initializeApp({ projectId: PROJECT_ID }));

describe("health (Functions emulator)", () => {
  let url: string;
  beforeAll(async () => {
    url = await functionUrl("health", REGION);
  });

  it("writes the health document, reads it back and reports ok with the code version", async () => {
    const before = Date.now();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ ok: true, firestore: "ok", version });

    const snapshot = await db().doc(HEALTH_DOCUMENT).get();
    const checkedAt = snapshot.get("checkedAt") as unknown;
    expect(checkedAt).toBeInstanceOf(Timestamp);
    expect((checkedAt as Timestamp).toMillis()).toBeGreaterThanOrEqual(before - 5_000);
  });

  it("answers concurrent checks consistently", async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => fetch(url)));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(responses.map((response) => response.status)).toEqual(Array(5).fill(200));
    expect(new Set(bodies.map((body) => JSON.stringify(body)))).toEqual(
      new Set([JSON.stringify({ ok: true, firestore: "ok", version })]),
    );
  });

  it("refuses POST with 405 and writes nothing", async () => {
    await fetch(url);
    const before = await db().doc(HEALTH_DOCUMENT).get();
    const response = await fetch(url, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual({ error: "Use GET to read the health status." });
    const after = await db().doc(HEALTH_DOCUMENT).get();
    expect(after.updateTime?.isEqual(before.updateTime!)).toBe(true);
  });

  it("is reachable through the Hosting rewrite at /api/health", async () => {
    const response = await fetch(`${await emulatorOrigin("hosting")}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, firestore: "ok", version });
  });
});
