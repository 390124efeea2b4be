import { describe, expect, it } from "vitest";

import { addDays, dayOf, dayWindow, parseDay, reportDays } from "./days.js";

describe("report days", () => {
  it("a Nairobi day starts at 21:00 UTC the day before", () => {
    expect(dayWindow("2026-12-03", "Africa/Nairobi")).toEqual({
      fromMs: Date.UTC(2026, 11, 2, 21),
      toMs: Date.UTC(2026, 11, 3, 21),
    });
    expect(dayWindow("2027-01-01", "UTC")).toEqual({ fromMs: Date.UTC(2027, 0, 1), toMs: Date.UTC(2027, 0, 2) });
  });

  it("a day with a clock change is 23 or 25 hours long", () => {
    const { fromMs, toMs } = dayWindow("2026-03-29", "Europe/London");
    expect(toMs - fromMs).toBe(23 * 3_600_000);
    const autumn = dayWindow("2026-10-25", "Europe/London");
    expect(autumn.toMs - autumn.fromMs).toBe(25 * 3_600_000);
  });

  it("the run at 00:30 Nairobi reports yesterday and the two days before", () => {
    const at = Date.UTC(2026, 11, 2, 21, 30); // 2026-12-03 00:30 EAT
    expect(dayOf(at, "Africa/Nairobi")).toBe("2026-12-03");
    expect(reportDays(at, "Africa/Nairobi")).toEqual(["2026-12-02", "2026-12-01", "2026-11-30"]);
  });

  it("adds days across months and years", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
  });

  it("refuses what is not a calendar day, with a sentence", () => {
    for (const bad of ["2026-02-30", "2026-13-01", "26-12-01", "yesterday", "2026-12-1"]) {
      expect(() => parseDay(bad)).toThrow(/is not a calendar day written YYYY-MM-DD/);
    }
  });
});
