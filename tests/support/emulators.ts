// Where the running emulators listen, as the Emulator Hub reports them. `firebase emulators:exec`
// exports FIREBASE_EMULATOR_HUB (and the per-emulator *_EMULATOR_HOST variables) to the tests.
import { REGION } from "../../functions/src/core/region.ts";
import { EMULATOR_PROJECT } from "../../tools/emulators/environment.ts";

export interface EmulatorInfo {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

export const PROJECT_ID = EMULATOR_PROJECT;

let cached: Promise<Record<string, EmulatorInfo>> | undefined;

export function runningEmulators(): Promise<Record<string, EmulatorInfo>> {
  const hub = process.env.FIREBASE_EMULATOR_HUB;
  if (!hub) throw new Error("FIREBASE_EMULATOR_HUB is not set: run emulator tests through `npm test`.");
  cached ??= fetch(`http://${hub}/emulators`).then(async (response) => {
    if (!response.ok) throw new Error(`Emulator Hub answered HTTP ${response.status}`);
    return (await response.json()) as Record<string, EmulatorInfo>;
  });
  return cached;
}

export async function emulatorOrigin(name: string): Promise<string> {
  const info = (await runningEmulators())[name];
  if (!info) throw new Error(`the ${name} emulator is not running`);
  return `http://${info.host}:${info.port}`;
}

/** The URL of an HTTPS function in the Functions emulator. */
export async function functionUrl(name: string, region: string): Promise<string> {
  return `${await emulatorOrigin("functions")}/${PROJECT_ID}/${region}/${name}`;
}

/**
 * Runs a scheduled function once, as Cloud Scheduler does, by POSTing to its trigger path.
 * firebase-tools' emulator registers v2 schedules with an "http" signature that its Pub/Sub bridge
 * cannot dispatch ("Unsupported trigger signature: http"), and never fires them by itself.
 */
export async function runSchedule(name: string): Promise<Response> {
  return fetch(`${await emulatorOrigin("functions")}/functions/projects/${PROJECT_ID}/triggers/${REGION}-${name}-0`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
}
