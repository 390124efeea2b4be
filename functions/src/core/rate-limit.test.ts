import { describe, expect, it } from "vitest";

import { LIMIT_CLASSES, limitsFor, ROUTES } from "./rate-limit.js";

const MINUTE = 60_000;

describe("the limit table", () => {
  it("says what the issue asked for", () => {
    expect(LIMIT_CLASSES).toEqual({
      paymentCreation: [
        { per: "uid", limit: 5, windowMs: MINUTE },
        { per: "ip", limit: 5, windowMs: 15 * MINUTE },
      ],
      sensitive: [{ per: "uid", limit: 5, windowMs: 15 * MINUTE }],
      moneyOut: [
        { per: "uid", limit: 10, windowMs: MINUTE },
        { per: "ip", limit: 20, windowMs: 15 * MINUTE },
      ],
      frequent: [{ per: "uid", limit: 30, windowMs: MINUTE }],
      general: [{ per: "ip", limit: 100, windowMs: 15 * MINUTE }],
    });
  });

  it("counts every route against the general per-IP bucket, shared across routes", () => {
    for (const route of Object.keys(ROUTES) as (keyof typeof ROUTES)[]) {
      expect(limitsFor(route, { uid: "u1", ip: "41.90.1.2" })).toContainEqual({
        key: "general:ip:41.90.1.2",
        limit: 100,
        windowMs: 15 * MINUTE,
      });
    }
  });

  it("keys the other classes by route and by user or address", () => {
    expect(limitsFor("createPayment", { uid: "u1", ip: "41.90.1.2" }).map((limit) => limit.key)).toEqual([
      "general:ip:41.90.1.2",
      "createPayment:paymentCreation:uid:u1",
      "createPayment:paymentCreation:ip:41.90.1.2",
    ]);
    expect(limitsFor("verifyPaymentCode", { uid: "u1", ip: "1.1.1.1" }).map((limit) => limit.key)).toEqual([
      "general:ip:1.1.1.1",
      "verifyPaymentCode:sensitive:uid:u1",
    ]);
  });

  it("skips per-user buckets when there is no user (HTTPS endpoints)", () => {
    expect(limitsFor("health", { ip: "1.1.1.1" })).toHaveLength(1);
  });
});
