// Decides whether the Emulator UI can be started. firebase-tools downloads the UI on first use
// and aborts `emulators:start` when that download fails, so on a machine that has neither a
// cached copy nor a way to reach the download host the UI is turned off instead.
import { lookup } from "node:dns/promises";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

interface UiDownloadInfo {
  readonly version: string;
  readonly remoteUrl: string;
  readonly binaryPathRelativeToCacheDir: string;
}

function isUiDownloadInfo(value: unknown): value is UiDownloadInfo {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.version === "string" &&
    typeof record.remoteUrl === "string" &&
    typeof record.binaryPathRelativeToCacheDir === "string"
  );
}

/** What firebase-tools would download for the UI, read from the data file it ships. */
export function uiDownloadInfo(): UiDownloadInfo | undefined {
  const require = createRequire(import.meta.url);
  const infoFile = path.join(
    path.dirname(require.resolve("firebase-tools/package.json")),
    "lib",
    "emulator",
    "downloadableEmulatorInfo.json",
  );
  const parsed: unknown = JSON.parse(readFileSync(infoFile, "utf8"));
  // Newer firebase-tools list {main, snapshot} variants; `main` is what it downloads by default.
  const ui = (parsed as { ui?: { main?: unknown } }).ui;
  if (isUiDownloadInfo(ui?.main)) return ui.main;
  return isUiDownloadInfo(ui) ? ui : undefined;
}

/** firebase-tools' emulator cache: $FIREBASE_EMULATORS_PATH or ~/.cache/firebase/emulators. */
export function firebaseEmulatorCache(env: NodeJS.ProcessEnv): string {
  return env.FIREBASE_EMULATORS_PATH || path.join(os.homedir(), ".cache", "firebase", "emulators");
}

export interface UiDecision {
  readonly enabled: boolean;
  readonly reason: string;
}

async function resolves(host: string, timeoutMs: number): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => {
    setTimeout(() => {
      resolve(false);
    }, timeoutMs).unref();
  });
  const attempt = lookup(host).then(
    () => true,
    () => false,
  );
  return Promise.race([attempt, timeout]);
}

export async function decideEmulatorUi(env: NodeJS.ProcessEnv): Promise<UiDecision> {
  if (env.MALIPO_EMULATOR_UI === "off") return { enabled: false, reason: "turned off by MALIPO_EMULATOR_UI=off" };
  const info = uiDownloadInfo();
  if (!info)
    return { enabled: false, reason: "this firebase-tools version does not describe its Emulator UI download" };
  if (existsSync(path.join(firebaseEmulatorCache(env), info.binaryPathRelativeToCacheDir))) {
    return { enabled: true, reason: `cached Emulator UI v${info.version}` };
  }
  const host = new URL(info.remoteUrl).hostname;
  if (await resolves(host, 3_000)) {
    return { enabled: true, reason: `Emulator UI v${info.version} will be downloaded from ${host}` };
  }
  return {
    enabled: false,
    reason: `Emulator UI v${info.version} is not cached and ${host} cannot be reached (offline)`,
  };
}
