import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { cacheDir, findComponents, writeFirestoreLauncher, writePubsubWrapper } from "./gcloud.ts";

function fakeSdk(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "malipo sdk "));
  mkdirSync(path.join(root, "platform", "cloud-firestore-emulator"), { recursive: true });
  writeFileSync(path.join(root, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar"), "jar");
  mkdirSync(path.join(root, "platform", "pubsub-emulator", "bin"), { recursive: true });
  const script = path.join(root, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
  writeFileSync(script, '#!/bin/sh\nprintf "%s|" "$@"\n');
  chmodSync(script, 0o755);
  return root;
}

describe("findComponents", () => {
  it("finds the Firestore jar and the Pub/Sub script where gcloud installs them", () => {
    const root = fakeSdk();
    expect(findComponents(root)).toEqual({
      sdkRoot: root,
      firestoreJar: path.join(root, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar"),
      pubsubScript: path.join(root, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator"),
    });
  });

  it("leaves out components that are not installed", () => {
    expect(findComponents(mkdtempSync(path.join(os.tmpdir(), "malipo-empty-")))).not.toHaveProperty("firestoreJar");
  });
});

describe("writeFirestoreLauncher", () => {
  it("points Class-Path at the component relative to the cache, with spaces encoded", () => {
    const sdk = fakeSdk();
    const cache = mkdtempSync(path.join(os.tmpdir(), "malipo-cache-"));
    const { firestoreJar } = findComponents(sdk);
    const launcher = writeFirestoreLauncher(firestoreJar!, cache);
    const manifest = readFileSync(launcher).toString("latin1").replace(/\r\n /g, "");
    const relative = path.relative(cache, firestoreJar!).split(path.sep);
    const expected = relative.map((part) => (part === ".." ? part : encodeURIComponent(part))).join("/");
    expect(manifest).toContain(`Class-Path: ${expected}\r\n`);
    expect(expected).toContain("malipo%20sdk%20");
    expect(manifest).toContain("Main-Class: com.google.cloud.datastore.emulator.firestore.CloudFirestore\r\n");
  });

  it("reuses the launcher while the component is unchanged", () => {
    const sdk = fakeSdk();
    const cache = mkdtempSync(path.join(os.tmpdir(), "malipo-cache-"));
    const { firestoreJar } = findComponents(sdk);
    const first = writeFirestoreLauncher(firestoreJar!, cache);
    const before = statSync(first).mtimeMs;
    expect(writeFirestoreLauncher(firestoreJar!, cache)).toBe(first);
    expect(statSync(first).mtimeMs).toBe(before);
  });
});

describe("writePubsubWrapper", () => {
  it("runs the component script with the arguments firebase-tools passes", () => {
    const sdk = fakeSdk();
    const cache = mkdtempSync(path.join(os.tmpdir(), "malipo-cache-"));
    const wrapper = writePubsubWrapper(findComponents(sdk).pubsubScript!, cache);
    const result = spawnSync(wrapper, ["--host=127.0.0.1", "--port=8085"], { encoding: "utf8" });
    expect(result.stdout).toBe("--host=127.0.0.1|--port=8085|");
  });

  it("on SIGINT stops the emulator itself, so no process is left holding the port", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "malipo-slow-"));
    const component = path.join(dir, "slow-emulator");
    const pidFile = path.join(dir, "pid");
    // An emulator that ignores SIGINT (as a slow JVM effectively does) and stops on SIGTERM.
    writeFileSync(
      component,
      `#!/bin/sh\ntrap '' INT\ntrap 'exit 0' TERM\necho $$ > '${pidFile}'\nwhile :; do sleep 0.1; done\n`,
    );
    chmodSync(component, 0o755);
    const wrapper = writePubsubWrapper(component, dir);
    const child = spawn(wrapper, [], { stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    while (!existsSync(pidFile) || readFileSync(pidFile, "utf8").trim() === "") {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const emulatorPid = Number(readFileSync(pidFile, "utf8"));
    child.kill("SIGINT");
    await exited;
    expect(() => process.kill(emulatorPid, 0)).toThrow();
  });

  it("on SIGINT also stops what the component started (gcloud's script runs the JVM as a child)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "malipo-jvm-"));
    const jvm = path.join(dir, "jvm");
    const component = path.join(dir, "launcher");
    const pidFile = path.join(dir, "pid");
    writeFileSync(jvm, `#!/bin/sh\ntrap 'exit 0' TERM\necho $$ > '${pidFile}'\nwhile :; do sleep 0.1; done\n`);
    // The launcher waits for its child in the foreground and dies at once on SIGTERM.
    writeFileSync(component, `#!/bin/sh\n'${jvm}'\n`);
    chmodSync(jvm, 0o755);
    chmodSync(component, 0o755);
    const wrapper = writePubsubWrapper(component, dir);
    const child = spawn(wrapper, [], { stdio: "ignore" });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    while (!existsSync(pidFile) || readFileSync(pidFile, "utf8").trim() === "") {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const jvmPid = Number(readFileSync(pidFile, "utf8"));
    child.kill("SIGINT");
    await exited;
    expect(() => process.kill(jvmPid, 0)).toThrow();
  });
});

describe("cacheDir", () => {
  it("honours MALIPO_CACHE_DIR, then XDG_CACHE_HOME", () => {
    expect(cacheDir({ MALIPO_CACHE_DIR: "/x/y" })).toBe("/x/y");
    expect(cacheDir({ XDG_CACHE_HOME: "/cache" })).toBe(path.join("/cache", "malipo"));
  });
});
