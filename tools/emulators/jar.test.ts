import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { launcherJar, renderManifest } from "./jar.ts";

describe("renderManifest", () => {
  it("ends every line with CRLF and the manifest with an empty line", () => {
    expect(renderManifest([["Manifest-Version", "1.0"]])).toBe("Manifest-Version: 1.0\r\n\r\n");
  });

  it("continues lines longer than 72 bytes after a single space", () => {
    const classPath = `../${"a".repeat(150)}.jar`;
    const lines = renderManifest([["Class-Path", classPath]])
      .split("\r\n")
      .filter(Boolean);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(72);
    expect(lines.slice(1).every((line) => line.startsWith(" "))).toBe(true);
    expect(lines.map((line, index) => (index === 0 ? line : line.slice(1))).join("")).toBe(`Class-Path: ${classPath}`);
  });

  it("never splits a multi-byte character across lines", () => {
    const value = "é".repeat(80);
    const lines = renderManifest([["X-Name", value]])
      .split("\r\n")
      .filter(Boolean);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(72);
    expect(lines.map((line, index) => (index === 0 ? line : line.slice(1))).join("")).toBe(`X-Name: ${value}`);
  });
});

describe("launcherJar", () => {
  it("is a valid ZIP whose manifest names the main class and class path", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "malipo-jar-"));
    const jar = path.join(dir, "launcher.jar");
    writeFileSync(jar, launcherJar("com.example.Main", ["../lib/some%20thing.jar"]));
    // Python's zipfile is an independent reader: it checks headers, offsets and CRCs.
    const script = [
      "import sys, zipfile",
      "z = zipfile.ZipFile(sys.argv[1])",
      "assert z.testzip() is None",
      "print(z.namelist()[0])",
      "sys.stdout.write(z.read('META-INF/MANIFEST.MF').decode())",
    ].join("\n");
    const result = spawnSync("python3", ["-c", script, jar], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(
      "META-INF/MANIFEST.MF\nManifest-Version: 1.0\r\nCreated-By: Malipo emulator launcher\r\nMain-Class: com.example.Main\r\nClass-Path: ../lib/some%20thing.jar\r\n\r\n",
    );
  });
});
