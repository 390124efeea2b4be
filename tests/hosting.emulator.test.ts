// Hosting's security headers (firebase.json), as the Hosting emulator serves them. The browser
// tests (tests/e2e) prove the page works under this Content-Security-Policy.
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { ROOT } from "../tools/emulators/environment.ts";
import { emulatorOrigin } from "./support/emulators.ts";

describe("Hosting security headers", () => {
  it("sends CSP, no-sniff, referrer policy and frame denial with the page", async () => {
    const response = await fetch(`${await emulatorOrigin("hosting")}/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("'unsafe-inline'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });

  it("allows exactly the emulators' loopback addresses that firebase.json configures", async () => {
    const config = JSON.parse(readFileSync(path.join(ROOT, "firebase.json"), "utf8")) as {
      emulators: Record<string, { host: string; port: number }>;
    };
    const csp = (await fetch(`${await emulatorOrigin("hosting")}/`)).headers.get("content-security-policy") ?? "";
    for (const name of ["auth", "firestore", "functions"]) {
      const listen = config.emulators[name]!;
      expect(csp, name).toContain(`http://${listen.host}:${listen.port}`);
    }
  });
});
