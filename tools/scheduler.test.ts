// The local scheduler's schedule arithmetic (tools/scheduler.ts), and its timers driven by a
// moved clock: each job fires once per due time, never twice while a run is still going.
import { describe, expect, it } from "vitest";

import { nextRun, parseSchedule, schedulerWanted, startLocalScheduler, type ScheduledJob } from "./scheduler.ts";

const utc = (iso: string) => Date.parse(iso);

describe("nextRun", () => {
  it("every N minutes runs on the clock, from midnight", () => {
    expect(nextRun("every 5 minutes", "UTC", utc("2026-12-03T10:02:30Z"))).toBe(utc("2026-12-03T10:05:00Z"));
    expect(nextRun("every 5 minutes", "UTC", utc("2026-12-03T10:05:00Z"))).toBe(utc("2026-12-03T10:10:00Z"));
    expect(nextRun("every 1 minutes", "UTC", utc("2026-12-03T10:02:59.999Z"))).toBe(utc("2026-12-03T10:03:00Z"));
    expect(nextRun("every 60 minutes", "UTC", utc("2026-12-03T10:59:59Z"))).toBe(utc("2026-12-03T11:00:00Z"));
    expect(nextRun("every 6 hours", "UTC", utc("2026-12-03T10:00:00Z"))).toBe(utc("2026-12-03T12:00:00Z"));
  });

  it("every day HH:MM is wall-clock time in the function's zone", () => {
    // 00:30 in Nairobi is 21:30 UTC the day before.
    expect(nextRun("every day 00:30", "Africa/Nairobi", utc("2026-12-03T12:00:00Z"))).toBe(utc("2026-12-03T21:30:00Z"));
    expect(nextRun("every day 02:00", "Africa/Nairobi", utc("2026-12-02T22:59:00Z"))).toBe(utc("2026-12-02T23:00:00Z"));
    expect(nextRun("every day 02:00", "UTC", utc("2026-12-03T02:00:00Z"))).toBe(utc("2026-12-04T02:00:00Z"));
  });

  it("reads five-field cron with lists, ranges and steps", () => {
    expect(nextRun("30 0 * * *", "Africa/Nairobi", utc("2026-12-03T12:00:00Z"))).toBe(utc("2026-12-03T21:30:00Z"));
    expect(nextRun("*/15 9-17 * * 1-5", "UTC", utc("2026-12-05T12:00:00Z"))).toBe(utc("2026-12-07T09:00:00Z"));
    expect(nextRun("0 8 1,15 * *", "UTC", utc("2026-12-03T00:00:00Z"))).toBe(utc("2026-12-15T08:00:00Z"));
  });

  it("refuses what it cannot read, with a sentence", () => {
    for (const bad of ["every fortnight", "every 0 minutes", "every day 25:00", "61 * * * *", "* * *"]) {
      expect(() => parseSchedule(bad)).toThrow(/Cannot read the schedule/);
    }
  });
});

describe("startLocalScheduler", () => {
  it("fires a job when its time comes, on the scheduler's clock", async () => {
    // The clock stands 200 ms before the top of an hour: a job every 60 minutes is due at once.
    const offset = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000 - 200 - Date.now();
    const job: ScheduledJob = { name: "hourly", schedule: "every 60 minutes", timeZone: "UTC", region: "r" };
    const fired: string[] = [];
    let done: () => void = () => undefined;
    const ran = new Promise<void>((resolve) => {
      done = resolve;
    });
    const lines: string[] = [];
    const scheduler = startLocalScheduler({
      jobs: [job],
      now: () => Date.now() + offset,
      fire: (due) => {
        fired.push(due.name);
        done();
        return Promise.resolve(200);
      },
      log: (line) => lines.push(line),
    });
    try {
      await ran;
      expect(fired).toEqual(["hourly"]);
      // The next run is an hour on.
      expect((scheduler.next.get("hourly") ?? 0) - (Date.now() + offset)).toBeGreaterThan(3_500_000);
    } finally {
      scheduler.stop();
    }
  });

  it("is on for npm start unless MALIPO_SCHEDULER=off", () => {
    expect(schedulerWanted({})).toBe(true);
    expect(schedulerWanted({ MALIPO_SCHEDULER: "on" })).toBe(true);
    expect(schedulerWanted({ MALIPO_SCHEDULER: "off" })).toBe(false);
    expect(schedulerWanted({ MALIPO_SCHEDULER: "0" })).toBe(false);
  });
});
