// The one way Malipo runs against the Firebase Local Emulator Suite.
//
//   node tools/run.ts start             the local platform: builds and watches the functions and
//                                       the hosted pages, starts the emulators, prints the URLs
//   node tools/run.ts test              unit tests, then the emulator-backed tests under
//                                       `firebase emulators:exec`, then the end-to-end tests
//   node tools/run.ts exec -- CMD...    any command under `firebase emulators:exec`
//
// npm start, npm test and CI all come through here, so they share one emulator set-up.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import {
  EMULATOR_PROJECT,
  emulatorListens,
  LaunchError,
  prepareEmulatorEnvironment,
  ROOT,
  type EmulatorEnvironment,
} from "./emulators/environment.ts";
import { REGION } from "../functions/src/core/region.ts";
import { describeTaken, emulatorPortsFree, takenEmulatorPorts } from "./emulators/ports.ts";
import { run, shellQuote, startService, Supervisor, type Service } from "./emulators/processes.ts";

/** The file a package declares as its command `name` (its package.json `bin`). */
function binOf(pkg: string, name: string): string {
  const manifestPath = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: string | Record<string, string> };
  const relative = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[name];
  if (!relative) throw new LaunchError(`${pkg} declares no "${name}" command: run npm ci.`);
  return path.join(path.dirname(manifestPath), relative);
}

const bin = {
  firebase: binOf("firebase-tools", "firebase"),
  vite: binOf("vite", "vite"),
  vitest: binOf("vitest", "vitest"),
};
const node = process.execPath;
const SANDBOX_MAIN = path.join(ROOT, "sandbox", "src", "main.ts");
/** The bundle that deploys (functions/build.ts), rebuilt on every change while the platform runs. */
const FUNCTIONS_BUILD = path.join(ROOT, "functions", "build.ts");
const EXEC_EMULATORS = "auth,firestore,functions,pubsub,hosting";

function announce(prepared: EmulatorEnvironment): void {
  for (const note of prepared.notes) console.log(`[malipo] ${note}`);
}

function firebaseArgs(prepared: EmulatorEnvironment, command: string): string[] {
  return [bin.firebase, command, "--project", EMULATOR_PROJECT, "--config", prepared.configPath];
}

/** The provider simulators; tests use a short customer delay to keep the suite quick. */
function startSandbox(env: NodeJS.ProcessEnv): Service {
  return startService("sandbox", node, [SANDBOX_MAIN], {
    env,
    cwd: ROOT,
    readyWhen: /Sandbox ready/,
    prefix: "[sandbox]",
  });
}

const TEST_SANDBOX_ENV = { SANDBOX_CALLBACK_DELAY_MS: "300", SANDBOX_TIMEOUT_HOLD_MS: "6000" };

/**
 * Waits (up to a minute) for an earlier run's emulators to let go of their ports, and explains
 * which are held when they do not.
 */
async function emulatorPortsReady(): Promise<void> {
  const busy = await takenEmulatorPorts();
  if (busy.length === 0) return;
  console.log(`[malipo] Waiting for ports ${describeTaken(busy)} to be free (an earlier run stopping?)`);
  const taken = await emulatorPortsFree(60_000);
  if (taken.length > 0) {
    throw new LaunchError(
      `Ports ${describeTaken(taken)} are in use by another process: stop the other npm start, npm test or emulators and try again.`,
    );
  }
}

/** Runs `script` under `firebase emulators:exec` with the simulators up for its whole duration. */
async function execWithSandbox(prepared: EmulatorEnvironment, script: string): Promise<number> {
  await emulatorPortsReady();
  const sandbox = startSandbox({ ...process.env, ...TEST_SANDBOX_ENV });
  try {
    await sandbox.ready.catch(() => {
      throw new LaunchError("The provider simulators could not start: see the [sandbox] line above.");
    });
    return await run(node, [...firebaseArgs(prepared, "emulators:exec"), "--only", EXEC_EMULATORS, script], {
      env: prepared.env,
      cwd: ROOT,
    });
  } finally {
    sandbox.child.kill("SIGTERM");
    await sandbox.exited;
  }
}

function vitest(project: string, env: NodeJS.ProcessEnv): Promise<number> {
  return run(node, [bin.vitest, "run", "--project", project], { env, cwd: ROOT });
}

async function test(): Promise<number> {
  const unit = await vitest("unit", process.env);
  if (unit !== 0) return unit;
  const prepared = await prepareEmulatorEnvironment({ wantUi: false });
  announce(prepared);
  const emulator = await execWithSandbox(prepared, shellQuote([node, bin.vitest, "run", "--project", "emulator"]));
  if (emulator !== 0) return emulator;
  return vitest("e2e", process.env);
}

async function exec(command: readonly string[]): Promise<number> {
  if (command.length === 0)
    throw new LaunchError("exec needs a command: node tools/run.ts exec -- <command> [args...]");
  const prepared = await prepareEmulatorEnvironment({ wantUi: false });
  announce(prepared);
  return execWithSandbox(prepared, shellQuote(command));
}

function printUrls(prepared: EmulatorEnvironment, seeded: readonly string[]): void {
  const emulators = emulatorListens();
  const url = (name: string): string => {
    const listen = emulators[name];
    return listen ? `http://${listen.host}:${listen.port}` : "(not configured)";
  };
  const lines = [
    "",
    "Malipo is running. Press Ctrl-C to stop.",
    `  Page          ${url("hosting")}/`,
    `  Emulator UI   ${prepared.ui.enabled ? url("ui") : `off (${prepared.ui.reason})`}`,
    `  Functions     ${url("functions")}/${EMULATOR_PROJECT}/${REGION}/<name>`,
    `  Firestore     ${url("firestore")}`,
    `  Auth          ${url("auth")}`,
    `  Pub/Sub       ${url("pubsub")}`,
    ...seeded.map((line) => `  ${line}`),
    "",
  ];
  console.log(lines.join("\n"));
}

// firebase-tools shuts its emulators down cleanly on one SIGINT (a second one makes it exit at
// once, leaving the Java emulators behind); the watchers just end.
const STOP_SIGNALS: Record<string, NodeJS.Signals> = { emulators: "SIGINT" };

async function start(): Promise<number> {
  const prepared = await prepareEmulatorEnvironment({ wantUi: true });
  announce(prepared);
  await emulatorPortsReady();
  const supervisor = new Supervisor();
  let scheduler: { stop(): void } | undefined;
  const stop = (): void => {
    scheduler?.stop();
    supervisor.stop(STOP_SIGNALS);
  };
  // The emulators run in a process group of their own: these reach them only through here.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  process.on("SIGHUP", stop);
  try {
    supervisor.add(startSandbox(process.env));
    const watchers = [
      supervisor.add(
        startService("functions", node, [FUNCTIONS_BUILD, "--watch"], {
          env: process.env,
          cwd: ROOT,
          readyWhen: /functions build ready/,
          prefix: "[functions build]",
        }),
      ),
      supervisor.add(
        startService("hosting", node, [bin.vite, "build", "--watch"], {
          env: process.env,
          cwd: path.join(ROOT, "hosting"),
          readyWhen: /built in/,
          prefix: "[hosting build]",
        }),
      ),
    ];
    // The emulators load what the first builds wrote.
    await supervisor.unlessExit(Promise.all(watchers.map((watcher) => watcher.ready)));
    const emulators = supervisor.add(
      startService("emulators", node, firebaseArgs(prepared, "emulators:start"), {
        env: prepared.env,
        cwd: ROOT,
        readyWhen: /All emulators ready/,
        ownProcessGroup: true,
      }),
    );
    await supervisor.unlessExit(emulators.ready);
    // Loaded only here: the Admin SDK is not needed to test or exec.
    const { seedLocal } = await import("./seed.ts");
    const seeded = await seedLocal();
    // The emulator never fires scheduled functions: the local scheduler does, on their deployed
    // schedules (tools/scheduler.ts). Off under `npm test` and `exec`, where tests run schedules
    // themselves; MALIPO_SCHEDULER=off turns it off here too.
    const { schedulerWanted, discoverScheduledJobs, startLocalScheduler } = await import("./scheduler.ts");
    if (schedulerWanted(process.env)) {
      const jobs = await discoverScheduledJobs();
      scheduler = startLocalScheduler({ jobs });
      seeded.push(
        `Scheduler     on: ${jobs.length} scheduled functions fire on their schedules (MALIPO_SCHEDULER=off to stop)`,
      );
    } else {
      seeded.push("Scheduler     off (MALIPO_SCHEDULER=off); run one with `npm run admin -- run-schedule <name>`");
    }
    printUrls(prepared, seeded);
    const { service, code } = await supervisor.firstExit();
    throw new Error(`${service.name} stopped (exit ${code})`);
  } catch (error) {
    scheduler?.stop();
    const failed = !supervisor.stopping;
    if (failed) console.error(`[malipo] ${error instanceof Error ? error.message : String(error)}; stopping the rest.`);
    await supervisor.shutdown(STOP_SIGNALS);
    return failed ? 1 : 0;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "start":
      return start();
    case "test":
      return test();
    case "exec":
      return exec(rest[0] === "--" ? rest.slice(1) : rest);
    default:
      throw new LaunchError("usage: node tools/run.ts start | test | exec -- <command> [args...]");
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof LaunchError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  },
);
