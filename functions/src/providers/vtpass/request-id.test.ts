// VTpass request ids carry Lagos time (UTC+1, no daylight saving) while the functions run in UTC.
import { describe, expect, it } from "vitest";

import { vtpassRequestId } from "./request-id.js";

const zeros = { randomInt: () => 0 };
const stamp = (iso: string): string => vtpassRequestId(new Date(iso), zeros).slice(0, 12);

describe("vtpassRequestId", () => {
  it.each([
    ["2025-03-10T22:59:00Z", "202503102359"],
    ["2025-03-10T23:00:00Z", "202503110000"],
    ["2025-03-10T23:59:59Z", "202503110059"],
    ["2025-03-11T00:00:00Z", "202503110100"],
    ["2025-03-11T00:01:00Z", "202503110101"],
    ["2025-04-30T23:15:00Z", "202505010015"],
    ["2025-12-31T23:30:00Z", "202601010030"],
    ["2025-12-31T22:59:00Z", "202512312359"],
    ["2024-02-28T23:00:00Z", "202402290000"],
    ["2024-02-29T23:59:00Z", "202403010059"],
    ["2025-02-28T23:00:00Z", "202503010000"],
    // Lagos keeps UTC+1 when Europe changes its clocks.
    ["2025-07-01T11:05:00Z", "202507011205"],
  ])("%s is %s in Lagos", (iso, expected) => {
    expect(stamp(iso)).toBe(expected);
  });

  it("ends with 16 random alphanumerics", () => {
    const ids = Array.from({ length: 50 }, () => vtpassRequestId(new Date("2025-03-10T09:14:00Z")));
    for (const id of ids) expect(id).toMatch(/^202503101014[A-Za-z0-9]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(vtpassRequestId(new Date("2025-03-10T09:14:00Z"), zeros)).toBe(`202503101014${"A".repeat(16)}`);
  });
});
