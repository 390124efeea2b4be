import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { defaultJvmDirs, findJava, javaCandidates, MIN_JAVA_MAJOR, parseJavaMajor } from "./java.ts";

/** A directory laid out like a JDK whose `java -version` prints the given banner. */
function fakeJdk(root: string, name: string, version: string): string {
  const home = path.join(root, name);
  mkdirSync(path.join(home, "bin"), { recursive: true });
  const java = path.join(home, "bin", "java");
  writeFileSync(java, `#!/bin/sh\necho 'openjdk version "${version}" 2025-01-21' >&2\n`);
  chmodSync(java, 0o755);
  return home;
}

/** A Java older than 21 installed on this machine, if there is one (found as the launcher would). */
function installedOldJava(): { home: string; label: string } | undefined {
  for (const candidate of javaCandidates({ MALIPO_JVM_DIRS: defaultJvmDirs().join(path.delimiter) })) {
    const result = spawnSync(candidate.executable, ["-version"], { encoding: "utf8" });
    const major = result.status === 0 ? parseJavaMajor(result.stderr) : undefined;
    if (major !== undefined && major < MIN_JAVA_MAJOR) {
      return { home: path.dirname(path.dirname(candidate.executable)), label: `the installed Java ${major}` };
    }
  }
  return undefined;
}

describe("parseJavaMajor", () => {
  it.each([
    ['openjdk version "25.0.1" 2025-10-21', 25],
    ['openjdk version "21" 2023-09-19', 21],
    ['openjdk version "17.0.15" 2025-04-15', 17],
    ['java version "1.8.0_402"', 8],
    ['openjdk version "11.0.2-ea"', 11],
  ])("reads %s as %i", (banner, major) => {
    expect(parseJavaMajor(banner)).toBe(major);
  });

  it("returns undefined for output that is not a Java version banner", () => {
    expect(parseJavaMajor("bash: java: command not found")).toBeUndefined();
  });
});

describe("findJava", () => {
  it("prefers JAVA_HOME, then PATH, then the JVM directories, skipping ones that are too old", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "malipo-java-"));
    const old = fakeJdk(root, "old", "17.0.15");
    const onPath = fakeJdk(root, "path", "21.0.4");
    const jvmDir = path.join(root, "jvm");
    fakeJdk(jvmDir, "temurin-25", "25.0.1");

    const fromPath = findJava({ JAVA_HOME: old, PATH: path.join(onPath, "bin"), MALIPO_JVM_DIRS: jvmDir });
    expect(fromPath).toMatchObject({ found: true, java: { major: 21, source: "PATH", home: onPath } });

    const fromJvmDir = findJava({ JAVA_HOME: old, PATH: "", MALIPO_JVM_DIRS: jvmDir });
    expect(fromJvmDir).toMatchObject({ found: true, java: { major: 25, source: jvmDir } });
  });

  it("names the newest too-old Java it found", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "malipo-java-"));
    const old = fakeJdk(root, "jdk17", "17.0.15");
    const result = findJava({ JAVA_HOME: old, PATH: "", MALIPO_JVM_DIRS: "" });
    expect(result.found).toBe(false);
    if (result.found) return;
    expect(result.message).toContain("need Java 21 or newer, but the newest Java found is 17");
    expect(result.message).toContain(path.join(old, "bin", "java"));
  });

  it("says that no Java was found at all", () => {
    const result = findJava({ PATH: "", MALIPO_JVM_DIRS: "" });
    expect(result).toMatchObject({ found: false, tooOld: [] });
    if (result.found) return;
    expect(result.message).toMatch(/no Java was found in JAVA_HOME, on PATH or in the system's JVM directory/);
  });
});

describe("the launcher with only an old Java", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "malipo-java-cli-"));
  const old = installedOldJava() ?? { home: fakeJdk(root, "jdk17", "17.0.15"), label: "a Java 17" };

  it(`stops with one clear sentence when PATH and JAVA_HOME hold only ${old.label}`, () => {
    const result = spawnSync(process.execPath, [path.resolve(import.meta.dirname, "..", "run.ts"), "start"], {
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: path.join(old.home, "bin"), JAVA_HOME: old.home, MALIPO_JVM_DIRS: "", HOME: os.homedir() },
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    const message = result.stderr.trim();
    expect(message.split("\n")).toHaveLength(1);
    expect(message).toMatch(
      /^Malipo's Firestore and Pub\/Sub emulators need Java 21 or newer, but the newest Java found is \d+ \(.+\): install a Java 21 or newer .* and point JAVA_HOME at it\.$/,
    );
  });
});
