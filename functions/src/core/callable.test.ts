import { describe, expect, it } from "vitest";

import { callerIp } from "./callable.js";
import { describeIssues } from "../shared/issues.js";

describe("callerIp", () => {
  it("takes the first X-Forwarded-For hop", () => {
    expect(callerIp({ headers: { "x-forwarded-for": "41.90.1.2, 10.0.0.1" }, ip: "10.0.0.9" })).toBe("41.90.1.2");
    expect(callerIp({ headers: { "x-forwarded-for": ["41.90.1.3"] } })).toBe("41.90.1.3");
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
