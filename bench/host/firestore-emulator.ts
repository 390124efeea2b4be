// A Firestore emulator of the host's own, told to deliver trigger events to the host.
//
// firebase-tools passes the Firestore emulator `--functions_emulator` (where events go) only when
// its own Functions emulator runs (lib/emulator/firestoreEmulator.js), and then every event goes
// to that emulator. So the host gets a second Firestore emulator, started the way firebase-tools
// starts the first (downloadableEmulators.js: java -jar <emulator> --host --port ...), on its own
// ports: the Functions emulator's triggers never see the host's documents, and the host's never
// see the emulator path's.
import { createRequire } from "node:module";

import { startService, type Service } from "../../tools/emulators/processes.ts";
import { ROOT } from "../../tools/emulators/environment.ts";

export interface HostFirestore {
  readonly host: string;
  readonly service: Service;
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
  const service = startService("host firestore", "java", args, {
    env: process.env,
    cwd: ROOT,
    readyWhen: /Dev App Server is now running/,
    prefix: "[host firestore]",
  });
  await service.ready;
  return {
    host: `127.0.0.1:${options.port}`,
    service,
    stop: async () => {
      service.child.kill("SIGTERM");
      await service.exited;
    },
  };
}
