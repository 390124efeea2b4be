// A Firestore emulator of the host's own, told to deliver trigger events to the host.
//
// firebase-tools passes the Firestore emulator `--functions_emulator` (where events go) only when
// its own Functions emulator runs (lib/emulator/firestoreEmulator.js), and then every event goes
// to that emulator. So the host gets a second Firestore emulator, started the way firebase-tools
// starts the first (downloadableEmulators.js: java -jar <emulator> --host --port ...), on its own
// ports: the Functions emulator's triggers never see the host's documents, and the host's never
// see the emulator path's.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";

import { ROOT } from "../../tools/emulators/environment.ts";

export interface HostFirestore {
  readonly host: string;
  /** Where the emulator's own output goes (it logs every connection). */
  readonly log: string;
  stop(): Promise<void>;
}

/** The emulator firebase-tools runs: the override tools/emulators set up, or its downloaded copy. */
function emulatorJar(env: NodeJS.ProcessEnv): string {
  const override = env.FIRESTORE_EMULATOR_BINARY_PATH;
  if (override) return override;
  const downloadable = createRequire(import.meta.url)("firebase-tools/lib/emulator/downloadableEmulators") as {
    getDownloadDetails(name: string): { binaryPath: string };
  };
  return downloadable.getDownloadDetails("firestore").binaryPath;
}

export async function startHostFirestore(options: {
  port: number;
  websocketPort: number;
  projectId: string;
  functionsHost: string;
}): Promise<HostFirestore> {
  const args = [
    "-Duser.language=en",
    "-jar",
    emulatorJar(process.env),
    "--host",
    "127.0.0.1",
    "--port",
    String(options.port),
    "--websocket_port",
    String(options.websocketPort),
    "--project_id",
    options.projectId,
    "--single_project_mode",
    "true",
    "--functions_emulator",
    options.functionsHost,
  ];
  const log = path.join(os.tmpdir(), "malipo-bench-host-firestore.log");
  const fd = openSync(log, "w");
  const child = spawn("java", args, { cwd: ROOT, env: process.env, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const state = { gone: false };
  void exited.then(() => {
    state.gone = true;
  });
  const host = `127.0.0.1:${options.port}`;
  for (;;) {
    if (state.gone) throw new Error(`the host's Firestore emulator exited before it was ready: see ${log}`);
    try {
      if ((await fetch(`http://${host}/`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    host,
    log,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
