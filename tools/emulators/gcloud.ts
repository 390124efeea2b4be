// Uses the Google Cloud CLI's Firestore and Pub/Sub emulator components, when installed, instead
// of the copies firebase-tools would download.
//
// firebase-tools starts Firestore as `java -jar $FIRESTORE_EMULATOR_BINARY_PATH ...`, but the
// gcloud component is a plain JAR without a Main-Class, so we point the override at a small
// launcher JAR whose manifest names the main class and puts the component on its Class-Path.
// firebase-tools also chmods whatever an override names (downloadableEmulators.ts,
// getDownloadDetails), which fails for a non-root user on a system-owned file; both overrides
// therefore name files in our own cache directory.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { launcherJar } from "./jar.ts";

export const FIRESTORE_MAIN_CLASS = "com.google.cloud.datastore.emulator.firestore.CloudFirestore";

export interface GcloudComponents {
  readonly sdkRoot: string;
  readonly firestoreJar?: string;
  readonly pubsubScript?: string;
}

/** The SDK root as gcloud itself reports it, or undefined when gcloud is not installed. */
export function gcloudSdkRoot(env: NodeJS.ProcessEnv): string | undefined {
  const result = spawnSync("gcloud", ["info", "--format=value(installation.sdk_root)"], {
    encoding: "utf8",
    env,
    timeout: 30_000,
  });
  if (result.error || result.status !== 0) return undefined;
  const root = result.stdout.trim();
  return root && existsSync(root) ? root : undefined;
}

export function findComponents(sdkRoot: string): GcloudComponents {
  const firestoreJar = path.join(sdkRoot, "platform", "cloud-firestore-emulator", "cloud-firestore-emulator.jar");
  const pubsubScript = path.join(sdkRoot, "platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");
  return {
    sdkRoot,
    ...(existsSync(firestoreJar) ? { firestoreJar } : {}),
    ...(existsSync(pubsubScript) ? { pubsubScript } : {}),
  };
}

/** $MALIPO_CACHE_DIR, else $XDG_CACHE_HOME/malipo, else ~/.cache/malipo. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.MALIPO_CACHE_DIR) return env.MALIPO_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "malipo");
}

/** A name that changes whenever the target file is replaced (path, size, modification time). */
function fingerprint(file: string): string {
  const stat = statSync(file);
  return createHash("sha256").update(`${file}\0${stat.size}\0${stat.mtimeMs}`).digest("hex").slice(0, 16);
}

/** Writes atomically so that two launchers starting at once never see half a file. */
function writeOnce(target: string, content: Buffer | string, mode: number): string {
  if (existsSync(target) && readFileSync(target).equals(Buffer.from(content))) return target;
  mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, target);
  return target;
}

export function writeFirestoreLauncher(componentJar: string, dir: string): string {
  const target = path.join(dir, `firestore-emulator-${fingerprint(componentJar)}.jar`);
  // Class-Path holds URLs relative to the launcher's directory; encode spaces and the like.
  const relative = path.relative(dir, componentJar).split(path.sep).join("/");
  const classPathUrl = relative
    .split("/")
    .map((segment) => (segment === ".." ? segment : encodeURIComponent(segment)))
    .join("/");
  return writeOnce(target, launcherJar(FIRESTORE_MAIN_CLASS, [classPathUrl]), 0o755);
}

/**
 * The Pub/Sub emulator behind a small supervisor. firebase-tools stops it with SIGINT and gives up
 * after 4 s; a JVM on a busy machine can take longer and would be left holding its port, so the
 * next run could not start. The wrapper stops it itself: TERM, then KILL after 10 s. gcloud's
 * script runs the JVM as its child rather than exec'ing it, and a shell killed while it waits
 * leaves that child running, so the component runs in a session and process group of its own
 * (`setsid`, util-linux) and the whole group is signalled.
 */
export function writePubsubWrapper(componentScript: string, dir: string): string {
  const target = path.join(dir, `pubsub-emulator-${fingerprint(componentScript)}.sh`);
  const quoted = `'${componentScript.replaceAll("'", `'\\''`)}'`;
  // The trap is set before the component starts: a signal that arrived while the component was
  // already running but the trap not yet set would end the shell alone and leave the component.
  // The trap reads the child from $!, which the shell sets as it forks: a signal that arrives
  // after the fork but before the next command would otherwise find no child to stop (seen on a
  // loaded machine). The child is signalled both as a process group (setsid makes it one, and
  // the JVM its script starts is in it) and as a process, in case setsid has not run yet.
  const script = [
    "#!/bin/sh",
    "stop() {",
    "  child=$!",
    '  if [ -n "$child" ]; then',
    '    kill -TERM "-$child" "$child" 2>/dev/null',
    "    waited=0",
    '    while kill -0 "-$child" 2>/dev/null || kill -0 "$child" 2>/dev/null; do',
    '      if [ "$waited" -ge 100 ]; then kill -KILL "-$child" "$child" 2>/dev/null; break; fi',
    "      sleep 0.1",
    "      waited=$((waited + 1))",
    "    done",
    "  fi",
    // 130, as for an interrupted process: firebase-tools treats any other code as a crash.
    "  exit 130",
    "}",
    "trap stop INT TERM",
    `setsid ${quoted} "$@" &`,
    'wait "$!"',
    "",
  ].join("\n");
  return writeOnce(target, script, 0o755);
}

export interface EmulatorBinaryOverrides {
  readonly env: Record<string, string>;
  readonly notes: string[];
}

/** The FIRESTORE_/PUBSUB_EMULATOR_BINARY_PATH overrides for whatever components are installed. */
export function emulatorBinaryOverrides(env: NodeJS.ProcessEnv): EmulatorBinaryOverrides {
  const sdkRoot = gcloudSdkRoot(env);
  if (!sdkRoot) {
    return {
      env: {},
      notes: ["Google Cloud CLI not found: firebase-tools will download the Firestore and Pub/Sub emulators."],
    };
  }
  const components = findComponents(sdkRoot);
  const dir = path.join(cacheDir(env), "emulators");
  const overrides: Record<string, string> = {};
  const notes: string[] = [];
  if (components.firestoreJar) {
    overrides.FIRESTORE_EMULATOR_BINARY_PATH = writeFirestoreLauncher(components.firestoreJar, dir);
    notes.push(`Firestore emulator: ${components.firestoreJar} (gcloud component)`);
  } else {
    notes.push("gcloud's Firestore emulator component is not installed: firebase-tools will download it.");
  }
  if (components.pubsubScript) {
    overrides.PUBSUB_EMULATOR_BINARY_PATH = writePubsubWrapper(components.pubsubScript, dir);
    notes.push(`Pub/Sub emulator: ${components.pubsubScript} (gcloud component)`);
  } else {
    notes.push("gcloud's Pub/Sub emulator component is not installed: firebase-tools will download it.");
  }
  return { env: overrides, notes };
}
