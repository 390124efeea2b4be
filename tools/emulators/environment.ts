// Everything the Firebase emulators need from this machine, gathered once before they start:
// the Node major the functions are deployed on, a Java >= 21, the gcloud emulator components,
// and whether the Emulator UI can run. Each problem becomes one readable sentence.
import { appendFileSync, copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { emulatorBinaryOverrides } from "./gcloud.ts";
import { findJava, type JavaRuntime } from "./java.ts";
import { decideEmulatorUi, type UiDecision } from "./ui.ts";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** The emulators always run against this demo project: no credentials, no real resources. */
export const EMULATOR_PROJECT = "demo-malipo";

export class LaunchError extends Error {
  override name = "LaunchError";
}

export interface EmulatorEnvironment {
  readonly env: NodeJS.ProcessEnv;
  readonly java: JavaRuntime;
  readonly notes: readonly string[];
  /** The firebase.json to hand firebase-tools (a derived copy when the UI must stay off). */
  readonly configPath: string;
  readonly ui: UiDecision;
}

/** The Node major the functions deploy on, from functions/package.json `engines.node`. */
export function deployedNodeMajor(): number {
  const manifest: unknown = JSON.parse(readFileSync(path.join(ROOT, "functions", "package.json"), "utf8"));
  const engine = (manifest as { engines?: { node?: unknown } }).engines?.node;
  const major = typeof engine === "string" ? Number.parseInt(engine, 10) : Number.NaN;
  if (!Number.isInteger(major)) throw new LaunchError('functions/package.json must declare engines.node, e.g. "22".');
  return major;
}

export function checkNodeMajor(current: string = process.versions.node): void {
  const wanted = deployedNodeMajor();
  const major = Number.parseInt(current, 10);
  if (major !== wanted) {
    throw new LaunchError(
      `The functions deploy on Node.js ${wanted} but this is Node.js ${current}: run through npm (npm start, npm test), which uses the Node ${wanted} installed in node_modules, or install Node.js ${wanted}.`,
    );
  }
}

export interface Listen {
  readonly host: string;
  readonly port: number;
}

/** Where each emulator listens, as firebase.json configures it (the one source of the ports). */
export function emulatorListens(): Record<string, Listen | undefined> {
  const config = JSON.parse(readFileSync(path.join(ROOT, "firebase.json"), "utf8")) as {
    emulators?: Record<string, Listen | undefined>;
  };
  return config.emulators ?? {};
}

/** firebase.json with the Emulator UI turned off, written beside it so relative paths still hold. */
function configWithoutUi(): string {
  const config = JSON.parse(readFileSync(path.join(ROOT, "firebase.json"), "utf8")) as {
    emulators?: Record<string, unknown>;
  };
  const emulators = config.emulators ?? {};
  const derived = { ...config, emulators: { ...emulators, ui: { ...(emulators.ui ?? {}), enabled: false } } };
  const target = path.join(ROOT, "firebase.local.json");
  writeFileSync(target, `${JSON.stringify(derived, null, 2)}\n`);
  return target;
}

/** The example's NAME=value lines whose NAME the local file does not set. */
export function missingSecretLines(example: string, local: string): string[] {
  const name = (line: string) => /^([A-Z0-9_]+)=/.exec(line.trim())?.[1];
  const present = new Set(local.split("\n").map(name));
  return example.split("\n").filter((line) => {
    const secret = name(line);
    return secret !== undefined && !present.has(secret);
  });
}

/**
 * The Functions emulator reads secrets from functions/.secret.local (git-ignored). When there is
 * none, it is created from the committed example, whose values open only the local simulators; a
 * secret added to the example later is appended to an existing file (without it the emulator
 * would look for it in Secret Manager), and nothing already there is changed.
 */
export function ensureLocalSecrets(): string | undefined {
  const example = path.join(ROOT, "functions", ".secret.local.example");
  const target = path.join(ROOT, "functions", ".secret.local");
  if (!existsSync(target)) {
    copyFileSync(example, target);
    return "created functions/.secret.local from .secret.local.example (simulator credentials only)";
  }
  const local = readFileSync(target, "utf8");
  const missing = missingSecretLines(readFileSync(example, "utf8"), local);
  if (missing.length === 0) return undefined;
  appendFileSync(target, `${local === "" || local.endsWith("\n") ? "" : "\n"}${missing.join("\n")}\n`);
  const names = missing.map((line) => line.slice(0, line.indexOf("="))).join(", ");
  return `added ${names} to functions/.secret.local from .secret.local.example`;
}

export async function prepareEmulatorEnvironment(
  options: { wantUi: boolean },
  base: NodeJS.ProcessEnv = process.env,
): Promise<EmulatorEnvironment> {
  checkNodeMajor();
  const secretsNote = ensureLocalSecrets();
  const search = findJava(base);
  if (!search.found) throw new LaunchError(search.message);
  const { java } = search;
  const binaries = emulatorBinaryOverrides(base);
  const ui: UiDecision = options.wantUi
    ? await decideEmulatorUi(base)
    : { enabled: false, reason: "not started for this command" };
  const env: NodeJS.ProcessEnv = {
    ...base,
    ...binaries.env,
    JAVA_HOME: java.home,
    PATH: [java.binDir, path.dirname(process.execPath), base.PATH ?? ""].filter(Boolean).join(path.delimiter),
    // The Admin SDK otherwise probes the GCE metadata server for credentials and a project id,
    // which only costs time (and a network attempt) when everything is an emulator.
    METADATA_SERVER_DETECTION: "none",
  };
  return {
    env,
    java,
    notes: [
      `Java ${java.major}: ${java.executable} (from ${java.source})`,
      ...binaries.notes,
      `Emulator UI: ${ui.reason}`,
      ...(secretsNote ? [secretsNote] : []),
    ],
    configPath: options.wantUi && !ui.enabled ? configWithoutUi() : path.join(ROOT, "firebase.json"),
    ui,
  };
}
