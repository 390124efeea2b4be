import { describe, expect, it } from "vitest";

import { ALERT_AFTER_MS, firstCheckAt, nextCheckFrom, STATUS_OFFSETS_MS } from "./schedule.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("withdrawal status schedule", () => {
  it("asks M-Pesa after 30 minutes and ioTec after one", () => {
    expect(firstCheckAt("mpesa", 0)).toBe(30 * MINUTE);
    expect(firstCheckAt("iotec", 0)).toBe(MINUTE);
  });

  it("moves to the first time still ahead, never making up missed checks one by one", () => {
    expect(nextCheckFrom("mpesa", 0, 30 * MINUTE)).toBe(HOUR);
    expect(nextCheckFrom("mpesa", 0, 3 * HOUR)).toBe(4 * HOUR);
    expect(nextCheckFrom("iotec", 0, 2 * MINUTE)).toBe(5 * MINUTE);
  });

  it("ends its schedule at the alert and then asks every 6 hours", () => {
    for (const offsets of Object.values(STATUS_OFFSETS_MS)) expect(offsets.at(-1)).toBe(ALERT_AFTER_MS);
    expect(nextCheckFrom("mpesa", 0, ALERT_AFTER_MS)).toBe(ALERT_AFTER_MS + 6 * HOUR);
  });
});
