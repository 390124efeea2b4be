// The local scheduler: the Functions emulator never fires scheduled functions by itself (and
// cannot dispatch v2 schedules from their Pub/Sub topic), so while `npm start` runs this fires
// each one on its own schedule, by POSTing to the trigger path Cloud Scheduler's bridge would
// use. The schedules are not listed here: they are read from the built functions the way the
// deploy reads them (firebase-functions' loader, each endpoint's scheduleTrigger), so
// endpoints/schedules.ts stays the one place they are declared.
//
// Understood schedules: "every N minutes", "every N hours", "every day HH:MM" (the App Engine
// cron forms Malipo uses) and five-field unix cron ("30 0 * * *", with lists, ranges, steps),
// each in the function's time zone (UTC when it declares none, as Cloud Scheduler does).
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

import { EMULATOR_PROJECT, emulatorListens, LaunchError, ROOT } from "./emulators/environment.ts";

export interface ScheduledJob {
  readonly name: string;
  readonly schedule: string;
  readonly timeZone: string;
  readonly region: string;
}

interface WallClock {
  readonly minute: number;
  readonly hour: number;
  readonly day: number;
  readonly month: number;
  /** 0 = Sunday, as in cron. */
  readonly weekday: number;
}

type Matcher = (wall: WallClock) => boolean;

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

function wallClock(at: number, timeZone: string): WallClock {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  return {
    minute: Number(get("minute")),
    hour: Number(get("hour")),
    day: Number(get("day")),
    month: Number(get("month")),
    weekday: WEEKDAYS.indexOf(get("weekday")),
  };
}

function cronField(field: string, min: number, max: number, schedule: string): Set<number> {
  const values = new Set<number>();
  for (const part of field.split(",")) {
    const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new LaunchError(`Cannot read the schedule "${schedule}": "${part}" is not a cron field.`);
    const step = match[4] ? Number(match[4]) : 1;
    const from = match[1] === "*" ? min : Number(match[2]);
    const to = match[1] === "*" ? max : match[3] ? Number(match[3]) : match[4] ? max : from;
    if (from < min || to > max || from > to || step < 1) {
      throw new LaunchError(`Cannot read the schedule "${schedule}": "${part}" is out of range ${min}-${max}.`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/** What a schedule string means, as a test of a minute's wall-clock time. */
export function parseSchedule(schedule: string): Matcher {
  const text = schedule.trim().toLowerCase();
  const every = /^every (\d+) (minutes?|mins?|hours?)$/.exec(text);
  if (every) {
    const n = Number(every[1]) * (every[2]?.startsWith("hour") ? 60 : 1);
    if (n < 1 || n > 24 * 60)
      throw new LaunchError(`Cannot read the schedule "${schedule}": the interval is out of range.`);
    // Cloud Scheduler runs "every N minutes" on the clock (*/N from midnight), not from a start time.
    return (wall) => (wall.hour * 60 + wall.minute) % n === 0;
  }
  const daily = /^every day (\d{1,2}):(\d{2})$/.exec(text);
  if (daily) {
    const hour = Number(daily[1]);
    const minute = Number(daily[2]);
    if (hour > 23 || minute > 59) throw new LaunchError(`Cannot read the schedule "${schedule}": no such time.`);
    return (wall) => wall.hour === hour && wall.minute === minute;
  }
  const fields = text.split(/\s+/);
  if (fields.length === 5) {
    const [minutes, hours, days, months, weekdays] = fields as [string, string, string, string, string];
    const m = cronField(minutes, 0, 59, schedule);
    const h = cronField(hours, 0, 23, schedule);
    const d = cronField(days, 1, 31, schedule);
    const mo = cronField(months, 1, 12, schedule);
    const w = cronField(weekdays.replace(/7/g, "0"), 0, 6, schedule);
    // Cron's rule: when both day fields are restricted, either may match.
    const anyDay = days === "*";
    const anyWeekday = weekdays === "*";
    return (wall) =>
      m.has(wall.minute) &&
      h.has(wall.hour) &&
      mo.has(wall.month) &&
      (anyDay && anyWeekday
        ? true
        : anyDay
          ? w.has(wall.weekday)
          : anyWeekday
            ? d.has(wall.day)
            : d.has(wall.day) || w.has(wall.weekday));
  }
  throw new LaunchError(
    `Cannot read the schedule "${schedule}": use "every N minutes", "every N hours", "every day HH:MM" or five cron fields.`,
  );
}

const MINUTE = 60_000;
const SEARCH_LIMIT_MINUTES = 366 * 24 * 60;

/** The first whole minute strictly after `after` at which the schedule fires, in its time zone. */
export function nextRun(schedule: string, timeZone: string, after: number): number {
  const matches = parseSchedule(schedule);
  let at = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < SEARCH_LIMIT_MINUTES; i++, at += MINUTE) {
    if (matches(wallClock(at, timeZone))) return at;
  }
  throw new LaunchError(`The schedule "${schedule}" never fires within a year.`);
}

/** The scheduled functions of the built entry (functions/lib), as the deploy would see them. */
export async function discoverScheduledJobs(): Promise<ScheduledJob[]> {
  const functionsDir = path.join(ROOT, "functions");
  const pkg = createRequire(path.join(functionsDir, "package.json"))
    .resolve("firebase-functions")
    .split(`${path.sep}lib${path.sep}`)[0];
  const loader = path.join(pkg ?? "", "lib", "runtime", "loader.js");
  const code = `import { createRequire } from "node:module";
const { loadStack } = createRequire(import.meta.url)(${JSON.stringify(loader)});
const stack = await loadStack(${JSON.stringify(functionsDir)});
const jobs = Object.entries(stack.endpoints).flatMap(([name, endpoint]) =>
  endpoint.scheduleTrigger
    ? [{ name, schedule: endpoint.scheduleTrigger.schedule, timeZone: endpoint.scheduleTrigger.timeZone ?? "UTC", region: endpoint.region?.[0] }]
    : []);
process.stdout.write(JSON.stringify(jobs));`;
  const env = { ...process.env };
  delete env.FUNCTION_TARGET;
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", code], {
      cwd: functionsDir,
      env,
      maxBuffer: 4 * 1024 * 1024,
    }));
  } catch (error) {
    throw new LaunchError(
      `Could not read the scheduled functions from functions/lib (run \`npm run build\` first): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const jobs = JSON.parse(stdout) as (Omit<ScheduledJob, "region"> & { region?: string })[];
  return jobs
    .map((job) => ({ ...job, region: job.region ?? "us-central1" }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Where the Functions emulator takes a scheduled function's run (what Cloud Scheduler's bridge posts to). */
export function triggerUrl(job: Pick<ScheduledJob, "name" | "region">): string {
  const functions = emulatorListens().functions;
  if (!functions) throw new LaunchError("firebase.json configures no Functions emulator.");
  return `http://${functions.host}:${functions.port}/functions/projects/${EMULATOR_PROJECT}/triggers/${job.region}-${job.name}-0`;
}

/** Runs one scheduled function now; resolves with the emulator's HTTP status. */
export async function fireJob(job: Pick<ScheduledJob, "name" | "region">): Promise<number> {
  const response = await fetch(triggerUrl(job), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: "{}",
  });
  await response.text();
  return response.status;
}

export interface SchedulerOptions {
  readonly jobs: readonly ScheduledJob[];
  readonly fire?: (job: ScheduledJob) => Promise<number>;
  /** The scheduler's clock (tests move it; timers wait the difference). */
  readonly now?: () => number;
  readonly log?: (line: string) => void;
}

export interface LocalScheduler {
  /** When each job fires next (epoch ms). */
  readonly next: ReadonlyMap<string, number>;
  stop(): void;
}

// setTimeout takes at most 2^31 - 1 ms; longer waits are re-armed.
const MAX_TIMER_MS = 2_147_483_647;

export function startLocalScheduler(options: SchedulerOptions): LocalScheduler {
  const fire = options.fire ?? fireJob;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line: string) => console.log(line));
  const timers = new Map<string, NodeJS.Timeout>();
  const next = new Map<string, number>();
  const running = new Set<string>();
  let stopped = false;

  const arm = (job: ScheduledJob): void => {
    if (stopped) return;
    const at = next.get(job.name) ?? nextRun(job.schedule, job.timeZone, now());
    next.set(job.name, at);
    const timer = setTimeout(
      () => {
        if (now() < at) {
          arm(job);
          return;
        }
        next.set(job.name, nextRun(job.schedule, job.timeZone, now()));
        arm(job);
        // A run still going when the next is due is not started twice (Cloud Scheduler waits too).
        if (running.has(job.name)) {
          log(`[scheduler] ${job.name}: the previous run has not finished; skipped`);
          return;
        }
        running.add(job.name);
        const started = Date.now();
        fire(job)
          .then(
            (status) => {
              log(`[scheduler] ${job.name} ran (HTTP ${status}, ${Date.now() - started} ms)`);
            },
            (error: unknown) => {
              log(`[scheduler] ${job.name} could not run: ${error instanceof Error ? error.message : String(error)}`);
            },
          )
          .finally(() => running.delete(job.name));
      },
      Math.min(Math.max(0, at - now()), MAX_TIMER_MS),
    );
    timer.unref();
    timers.set(job.name, timer);
  };

  for (const job of options.jobs) arm(job);
  return {
    next,
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Whether `npm start` runs the scheduler: on unless MALIPO_SCHEDULER=off. */
export function schedulerWanted(env: NodeJS.ProcessEnv): boolean {
  return !/^(off|0|false|no)$/i.test(env.MALIPO_SCHEDULER ?? "");
}
