import { describe, expect, it } from "vitest";

import type { HttpAnswer } from "../core/http.js";
import { createHealthHandler } from "./health.js";

class RecordingResponse implements HttpAnswer {
  code = 0;
  headers: Record<string, string> = {};
  body: unknown;
  status(code: number): this {
    this.code = code;
    return this;
  }
  set(field: string, value: string): this {
    this.headers[field] = value;
    return this;
  }
  json(body: unknown): void {
    this.body = body;
  }
}

const version = (): string => "1.2.3";

describe("health handler", () => {
  it("reports ok when the Firestore probe succeeds", async () => {
    const res = new RecordingResponse();
    await createHealthHandler({ probe: () => Promise.resolve(), version })({ method: "GET" }, res);
    expect(res.code).toBe(200);
    expect(res.body).toEqual({ ok: true, firestore: "ok", version: "1.2.3" });
    expect(res.headers["Cache-Control"]).toBe("no-store");
  });

  it("answers 503 without leaking the error when the probe fails", async () => {
    const res = new RecordingResponse();
    const probe = (): Promise<void> => Promise.reject(new Error("14 UNAVAILABLE: secret-host:8080 connection refused"));
    await createHealthHandler({ probe, version })({ method: "GET" }, res);
    expect(res.code).toBe(503);
    expect(res.body).toEqual({ ok: false, firestore: "unavailable", version: "1.2.3" });
    expect(JSON.stringify(res.body)).not.toContain("secret-host");
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])("refuses %s with 405 and does not probe", async (method) => {
    const res = new RecordingResponse();
    let probed = false;
    const probe = (): Promise<void> => {
      probed = true;
      return Promise.resolve();
    };
    await createHealthHandler({ probe, version })({ method }, res);
    expect(res.code).toBe(405);
    expect(res.headers.Allow).toBe("GET, HEAD");
    expect(probed).toBe(false);
  });
});
