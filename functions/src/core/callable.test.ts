import { describe, expect, it } from "vitest";

import { callerIp, clientIp } from "./callable.js";
import { describeIssues } from "../shared/issues.js";

describe("callerIp", () => {
  it("takes the hop Google's front end appended (the last; TRUSTED_PROXY_HOPS unset means 1)", () => {
    expect(callerIp({ headers: { "x-forwarded-for": "41.90.1.2, 10.0.0.1" }, ip: "10.0.0.9" })).toBe("10.0.0.1");
    expect(callerIp({ headers: { "x-forwarded-for": ["41.90.1.3"] } })).toBe("41.90.1.3");
  });

  it("ignores whatever the client wrote left of the trusted hops", () => {
    for (const forged of ["1.2.3.4", "1.2.3.4, 5.6.7.8", "unknown, , 127.0.0.1", "x".repeat(500)]) {
      expect(clientIp({ headers: { "x-forwarded-for": `${forged}, 41.90.1.2` } }, 1)).toBe("41.90.1.2");
      expect(clientIp({ headers: { "x-forwarded-for": `${forged}, 41.90.1.2, 35.191.0.1` } }, 2)).toBe("41.90.1.2");
    }
    // Headers split over several lines are one list.
    expect(clientIp({ headers: { "x-forwarded-for": ["6.6.6.6", "41.90.1.4"] } }, 1)).toBe("41.90.1.4");
  });

  it("with fewer entries than trusted hops, takes the leftmost; hops below 1 count as 1", () => {
    expect(clientIp({ headers: { "x-forwarded-for": "41.90.1.5" } }, 2)).toBe("41.90.1.5");
    expect(clientIp({ headers: { "x-forwarded-for": "9.9.9.9, 41.90.1.6" } }, 0)).toBe("41.90.1.6");
  });

  it("falls back to the socket address, then to 'unknown'", () => {
    expect(callerIp({ headers: {}, ip: "127.0.0.1" })).toBe("127.0.0.1");
    expect(callerIp({ headers: { "x-forwarded-for": " " } })).toBe("unknown");
  });
});

describe("describeIssues", () => {
  it("names the field of each problem and stops after five", () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ path: ["items", i], message: "is wrong" }));
    expect(describeIssues(issues)).toBe(
      "items.0: is wrong; items.1: is wrong; items.2: is wrong; items.3: is wrong; items.4: is wrong",
    );
    expect(describeIssues([{ path: [], message: "send an object" }])).toBe("send an object");
  });
});
