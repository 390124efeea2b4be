import { describe, expect, it } from "vitest";

import { nextCheckAfter, nextCheckFrom, REQUERY_OFFSETS_MS } from "./schedule.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("the re-query schedule of a pending bill", () => {
  it("asks at 30 s, 2, 5, 15 and 60 minutes, then every hour up to 24 hours, then stops", () => {
    const created = Date.UTC(2026, 11, 2, 10, 0, 0);
    const due: number[] = [];
    for (let checks = 0; ; checks++) {
      const next = nextCheckAfter(created, checks);
      if (next === null) break;
      due.push(next - created);
    }
    expect(due.slice(0, 5)).toEqual([30_000, 2 * MINUTE, 5 * MINUTE, 15 * MINUTE, 60 * MINUTE]);
    expect(due.slice(5)).toEqual(Array.from({ length: 23 }, (_, i) => (i + 2) * HOUR));
    expect(due.at(-1)).toBe(24 * HOUR);
    expect(due).toEqual(REQUERY_OFFSETS_MS);
  });

  it("after a missed check, the next is the first scheduled time still ahead; past the day, every 6 hours", () => {
    const created = Date.UTC(2026, 11, 2, 10, 0, 0);
    expect(nextCheckFrom(created, created + 31_000) - created).toBe(2 * MINUTE);
    expect(nextCheckFrom(created, created + 3 * HOUR + 1) - created).toBe(4 * HOUR);
    expect(nextCheckFrom(created, created + 25 * HOUR) - created).toBe(31 * HOUR);
  });
});
