import { describe, expect, it } from "vitest";
import { z } from "zod";

import { callerIp, clientIp, handleCallable } from "./callable.js";
import { AppError } from "./errors.js";
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

describe("handleCallable's counting for the alert rules", () => {
  const request = (data: unknown) =>
    ({
      data,
      rawRequest: { headers: {}, ip: "127.0.0.1" },
      auth: { uid: "u1", token: {} },
      app: { appId: "app" },
    }) as unknown as Parameters<ReturnType<typeof handleCallable>>[0];

  function edge(handler: () => Promise<unknown>, clock: { t: number }) {
    const recorded: { kind: string; name: string; at: number }[] = [];
    const callable = handleCallable(
      "sample",
      () => Promise.resolve(z.object({ n: z.number() })),
      {
        allowedOrigins: () => [],
        enforceAppCheck: () => true,
        now: () => clock.t,
        record: (metric) => Promise.resolve(void recorded.push(metric)),
      },
      handler,
    );
    return { callable, recorded };
  }

  it("counts an unexpected error answered internal, never a user's mistake or an AppError", async () => {
    const clock = { t: 1_000 };
    const { callable, recorded } = edge(() => Promise.reject(new Error("bug")), clock);
    await expect(callable(request({ n: 1 }))).rejects.toMatchObject({ code: "internal" });
    await expect(callable(request({ n: "x" }))).rejects.toMatchObject({ code: "invalid-argument" });
    const refusing = edge(() => Promise.reject(new AppError("failed-precondition", "no")), clock);
    await expect(refusing.callable(request({ n: 1 }))).rejects.toMatchObject({ code: "failed-precondition" });
    expect(recorded).toEqual([{ kind: "error", name: "sample", at: 1_000 }]);
    expect(refusing.recorded).toEqual([]);
  });

  it("counts an answer slower than 5 s, whatever its outcome", async () => {
    const clock = { t: 0 };
    const { callable, recorded } = edge(() => {
      clock.t += 5_001;
      return Promise.resolve("ok");
    }, clock);
    expect(await callable(request({ n: 1 }))).toBe("ok");
    const quick = edge(() => {
      clock.t += 5_000;
      return Promise.resolve("ok");
    }, clock);
    await quick.callable(request({ n: 1 }));
    expect(recorded).toEqual([{ kind: "slow", name: "sample", at: 5_001 }]);
    expect(quick.recorded).toEqual([]);
  });
});
