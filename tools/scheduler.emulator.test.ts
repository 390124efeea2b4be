// The local scheduler against the running Functions emulator: the scheduled functions are read
// from the built entry as the deploy reads them, and a job fires by itself when its time comes.
// The scheduler's clock is moved to just before the top of an hour, so `cleanupRateLimits`
// ("every 60 minutes") is due at once; the test waits for its effect, an expired rate-limit
// bucket deleted, and for the scheduler's line. Nothing waits for a fixed time.
import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { RATE_LIMITS } from "../functions/src/core/rate-limit.ts";
import { adminDb, eventually } from "../tests/support/firestore.ts";
import { discoverScheduledJobs, startLocalScheduler } from "./scheduler.ts";

const HOUR = 3_600_000;

describe("the local scheduler", () => {
  it("reads every scheduled function's schedule and time zone from the built functions", async () => {
    const jobs = await discoverScheduledJobs();
    expect(jobs.find((job) => job.name === "reconciliationReport")).toEqual({
      name: "reconciliationReport",
      schedule: "every day 00:30",
      timeZone: "Africa/Nairobi",
      region: "africa-south1",
    });
    expect(jobs.find((job) => job.name === "checkLedger")).toMatchObject({ timeZone: "Africa/Nairobi" });
    expect(jobs.find((job) => job.name === "cleanupRateLimits")).toMatchObject({
      schedule: "every 60 minutes",
      timeZone: "UTC",
    });
    expect(jobs.map((job) => job.name)).toContain("reconcilePayments");
  });

  it("fires a job on its schedule by itself", async () => {
    const db = adminDb();
    const bucket = RATE_LIMITS.ref(db).doc(`scheduler-${Date.now()}`);
    await bucket.set({
      key: "scheduler-test",
      windowStart: Timestamp.fromMillis(Date.now() - 2 * HOUR),
      count: 1,
      expiresAt: Timestamp.fromMillis(Date.now() - HOUR),
    });
    const jobs = (await discoverScheduledJobs()).filter((job) => job.name === "cleanupRateLimits");
    const offset = Math.ceil(Date.now() / HOUR) * HOUR - 500 - Date.now();
    const lines: string[] = [];
    const scheduler = startLocalScheduler({ jobs, now: () => Date.now() + offset, log: (line) => lines.push(line) });
    try {
      await eventually(
        async () => (await bucket.get()).exists,
        (exists) => !exists,
      );
      await eventually(
        () => Promise.resolve(lines),
        (found) => found.length > 0,
      );
      expect(lines[0]).toMatch(/^\[scheduler\] cleanupRateLimits ran \(HTTP 200, \d+ ms\)$/);
    } finally {
      scheduler.stop();
    }
  });
});
