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
      sensitive: [
        { per: "uid", limit: 5, windowMs: 15 * MINUTE },
        { per: "device", limit: 10, windowMs: 15 * MINUTE },
        { per: "ip", limit: 30, windowMs: 15 * MINUTE },
      ],
      moneyOut: [
        { per: "uid", limit: 10, windowMs: MINUTE },
        { per: "device", limit: 10, windowMs: MINUTE },
        { per: "ip", limit: 20, windowMs: 15 * MINUTE },
      ],
      frequent: [{ per: "uid", limit: 30, windowMs: MINUTE }],
      general: [{ per: "ip", limit: 100, windowMs: 15 * MINUTE }],
      accountsPerAddress: [{ per: "ip", limit: 30, windowMs: 60 * MINUTE }],
    });
  });

  it("counts every request route against the general per-IP bucket, shared across routes", () => {
    const requests = (Object.keys(ROUTES) as (keyof typeof ROUTES)[]).filter(
      (route) => route !== "accountSeen" && route !== "accountCreated",
    );
    for (const route of requests) {
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
      "verifyPaymentCode:sensitive:ip:1.1.1.1",
    ]);
  });

  it("counts sensitive and money-out attempts per device too, when the page sent one", () => {
    expect(
      limitsFor("changePin", { uid: "u1", ip: "1.1.1.1", deviceId: "d".repeat(20) }).map((limit) => limit.key),
    ).toEqual([
      "general:ip:1.1.1.1",
      "changePin:sensitive:uid:u1",
      `changePin:sensitive:device:${"d".repeat(20)}`,
      "changePin:sensitive:ip:1.1.1.1",
    ]);
    expect(limitsFor("withdraw", { uid: "u1", ip: "1.1.1.1", deviceId: "e".repeat(20) })).toHaveLength(4);
  });

  it("counts new accounts per address without counting the request again", () => {
    expect(limitsFor("accountSeen", { ip: "1.1.1.1" })).toEqual([
      { key: "accountSeen:accountsPerAddress:ip:1.1.1.1", limit: 30, windowMs: 60 * MINUTE },
    ]);
  });

  it("skips per-user buckets when there is no user (HTTPS endpoints)", () => {
    expect(limitsFor("health", { ip: "1.1.1.1" })).toHaveLength(1);
  });
});
