// Secrets hygiene: nothing that looks like a provider credential is tracked by git, and the local
// secret files are ignored. Values that only open Malipo's own simulators ("sim-…") are allowed.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { ROOT } from "../tools/emulators/environment.ts";

const PATTERNS: readonly [string, RegExp][] = [
  ["SendGrid API key", /SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/],
  ["M-Pesa passkey (64 hex characters)", /\b[a-f0-9]{64}\b/],
  ["Google API key", /AIza[0-9A-Za-z_-]{35}/],
  ["private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["Paystack secret key", /sk_(live|test)_[0-9a-zA-Z]{20,}/],
  ["Flutterwave secret key", /FLWSECK(_TEST)?-[0-9a-zA-Z]{20,}/],
];

/** NAME=value assignments of secrets hold a placeholder or a code reference (SETTINGS.key), never a value. */
const ASSIGNMENT =
  /\b([A-Z_]*(?:CONSUMER_KEY|CONSUMER_SECRET|CLIENT_ID|CLIENT_SECRET|PASSKEY|API_KEY|CALLBACK_SECRET|PEPPER))\s*[=:]\s*["']?([^\s"'#,]*)/g;
const PLACEHOLDER = /^(|disabled|sim-[a-z0-9-]+|<[^>]*>|\$\{?[A-Z_]+\}?|[A-Za-z_]+\.[A-Za-z_.]+)$/;

function trackedFiles(): string[] {
  return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
}

export function findSecrets(file: string, text: string): string[] {
  const found = PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([name]) => `${file}: ${name}`);
  for (const match of text.matchAll(ASSIGNMENT)) {
    if (!PLACEHOLDER.test(match[2] ?? "")) found.push(`${file}: ${match[1]} has a value`);
  }
  return found;
}

describe("secrets hygiene", () => {
  it("finds no credential-looking strings in tracked files", () => {
    const findings = trackedFiles()
      .filter((file) => !file.endsWith("package-lock.json") && !/\.(png|jpg|ico|jar)$/.test(file))
      .flatMap((file) => findSecrets(file, readFileSync(path.join(ROOT, file), "utf8")));
    expect(findings).toEqual([]);
  });

  it("recognises what it is meant to catch", () => {
    // Examples are assembled at run time so that this file itself stays clean.
    const passkey = "b7".repeat(32);
    const name = ["MPESA", "CONSUMER", "SECRET"].join("_");
    expect(findSecrets("x", `const key = "SG.${"a".repeat(22)}.${"b".repeat(43)}";`)).toHaveLength(1);
    expect(findSecrets("x", `passkey: "${passkey}"`)).toHaveLength(1);
    expect(findSecrets("x", `${name}=abc123realvalue`)).toEqual([`x: ${name} has a value`]);
    expect(findSecrets("x", `${name}=sim-mpesa-consumer-secret\nSENDGRID_API_KEY=disabled`)).toEqual([]);
    expect(findSecrets("x", "{ MPESA_PASSKEY: DARAJA.passkey }")).toEqual([]);
  });

  it("keeps the local secret and env files out of git", () => {
    for (const file of ["functions/.secret.local", "functions/.env.local", ".env.local"]) {
      expect(() => execFileSync("git", ["check-ignore", "-q", file], { cwd: ROOT }), file).not.toThrow();
    }
  });
});
