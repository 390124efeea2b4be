// The operations commands of `npm run admin` (docs/operations.md):
//
//   npm run admin -- analytics rebuild <date>          recomputes a day's payment analytics from
//                                                      the payments (YYYY-MM-DD, Nairobi) and
//                                                      rewrites the counters that differ
//   npm run admin -- analytics rebuild <date> --project <id>
//   npm run admin -- run-schedule <name>               runs a scheduled function once under
//                                                      `npm start` (the local Functions emulator)
import { getFirestore } from "firebase-admin/firestore";

import { parseDay } from "../functions/src/operations/reports/days.ts";
import { LaunchError } from "./emulators/environment.ts";
import { discoverScheduledJobs, fireJob } from "./scheduler.ts";

export const OPERATIONS_USAGE =
  "usage: npm run admin -- analytics rebuild <YYYY-MM-DD> [--project <project-id>], or run-schedule <function name>";

export type OperationsCommand =
  | { readonly action: "analytics-rebuild"; readonly date: string; readonly project?: string | undefined }
  | { readonly action: "run-schedule"; readonly name: string };

export function isOperationsCommand(argv: readonly string[]): boolean {
  return argv.includes("analytics") || argv.includes("run-schedule");
}

export function parseOperationsArgs(argv: readonly string[]): OperationsCommand {
  const args = [...argv];
  let project: string | undefined;
  const flag = args.indexOf("--project");
  if (flag !== -1) {
    project = args[flag + 1];
    if (!project || project.startsWith("-")) throw new LaunchError(`--project needs a project id. ${OPERATIONS_USAGE}`);
    args.splice(flag, 2);
  }
  const [action, ...rest] = args;
  if (action === "analytics") {
    const [verb, date, ...extra] = rest;
    if (verb !== "rebuild" || !date || extra.length > 0) throw new LaunchError(OPERATIONS_USAGE);
    try {
      parseDay(date);
    } catch (error) {
      throw new LaunchError(`${error instanceof Error ? error.message : String(error)} ${OPERATIONS_USAGE}`);
    }
    return { action: "analytics-rebuild", date, project };
  }
  if (action === "run-schedule") {
    const [name, ...extra] = rest;
    if (!name || extra.length > 0) throw new LaunchError(OPERATIONS_USAGE);
    if (project) throw new LaunchError(`run-schedule runs against the local emulators only. ${OPERATIONS_USAGE}`);
    return { action: "run-schedule", name };
  }
  throw new LaunchError(OPERATIONS_USAGE);
}

export async function runOperationsCommand(command: OperationsCommand): Promise<string> {
  if (command.action === "run-schedule") {
    const jobs = await discoverScheduledJobs();
    const job = jobs.find((candidate) => candidate.name === command.name);
    if (!job) {
      throw new LaunchError(
        `No scheduled function ${command.name}; the scheduled functions are ${jobs.map((j) => j.name).join(", ")}.`,
      );
    }
    let status: number;
    try {
      status = await fireJob(job);
    } catch {
      throw new LaunchError("The Functions emulator is not running: start it with `npm start`.");
    }
    if (status !== 200) throw new LaunchError(`${job.name} answered HTTP ${status}: see the npm start output.`);
    return `${job.name} ran (${job.schedule}, ${job.timeZone}).`;
  }
  // Loaded only here: the Admin SDK and the functions' code are not needed to run a schedule.
  const [{ adminApp }, { rebuildAnalytics }, { deleteApp }] = await Promise.all([
    import("./admin.ts"),
    import("../functions/src/operations/reports/analytics.ts"),
    import("firebase-admin/app"),
  ]);
  const { app, target } = await adminApp(command.project);
  try {
    const result = await rebuildAnalytics(getFirestore(app), command.date);
    const head = `analytics for ${result.date} in ${target}: ${result.payments} payments, ${result.shards} counter shards`;
    return result.differed.length === 0
      ? `${head}; the counters agreed with the recomputation.`
      : `${head}; ${result.differed.length} differed and were rewritten: ${result.differed.join(", ")}.`;
  } finally {
    await deleteApp(app);
  }
}
