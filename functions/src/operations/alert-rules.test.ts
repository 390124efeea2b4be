import { describe, expect, it } from "vitest";

import {
  alertId,
  callbacksSilentRule,
  payoutFloatRule,
  serverErrorsRule,
  slowResponsesRule,
  successRateRule,
  vtpassBalanceRule,
} from "./alert-rules.js";
import { parseAlertEmails } from "./config.js";
import { minuteKey } from "./metrics.js";

const scopes = (result: { firing: readonly { scope: string }[] }) => result.firing.map((finding) => finding.scope);

describe("alert rules", () => {
  it("success rate: below 90 % of at least 20 settled payments", () => {
    expect(
      scopes(
        successRateRule([
          { provider: "mpesa", succeeded: 17, unsuccessful: 3 },
          { provider: "iotec", succeeded: 18, unsuccessful: 2 },
          { provider: "paystack", succeeded: 0, unsuccessful: 19 },
        ]),
      ),
    ).toEqual(["mpesa"]);
  });

  it("server errors: more than 5 in one minute", () => {
    expect(scopes(serverErrorsRule([{ minute: "a", count: 5, byName: {} }]))).toEqual([]);
    expect(
      scopes(
        serverErrorsRule([
          { minute: "a", count: 2, byName: {} },
          { minute: "b", count: 6, byName: {} },
        ]),
      ),
    ).toEqual(["callables"]);
  });

  it("slow responses: at least 3 within the window, named by callable", () => {
    expect(scopes(slowResponsesRule([{ minute: "a", count: 2, byName: { x: 2 } }]))).toEqual([]);
    const result = slowResponsesRule([
      { minute: "a", count: 2, byName: { x: 2 } },
      { minute: "b", count: 1, byName: { y: 1 } },
    ]);
    expect(result.firing[0]?.detail).toEqual({ total: 3, byName: { x: 2, y: 1 } });
  });

  it("callbacks: silent for 30 minutes while payments are open", () => {
    const now = 100 * 60_000;
    expect(
      scopes(
        callbacksSilentRule(
          [
            { provider: "mpesa", open: 1, oldestOpenAt: now, lastCallbackAt: now - 30 * 60_000 },
            { provider: "iotec", open: 1, oldestOpenAt: now, lastCallbackAt: now - 29 * 60_000 },
            { provider: "paystack", open: 0, oldestOpenAt: null, lastCallbackAt: null },
          ],
          now,
        ),
      ),
    ).toEqual(["mpesa"]);
  });

  it("payout float: the latest reading below its currency's threshold", () => {
    const readings = [
      { provider: "mpesa", currency: "KES" as const, amount: 49_999_99, reportedAt: 0 },
      { provider: "iotec", currency: "UGX" as const, amount: 2_000_000, reportedAt: 0 },
    ];
    expect(scopes(payoutFloatRule(readings, { KES: 50_000_00, UGX: 2_000_000 }))).toEqual(["mpesa:KES"]);
    expect(scopes(payoutFloatRule(readings, {}))).toEqual([]);
  });

  it("VTpass: a 018 refusal with no delivery after it", () => {
    expect(scopes(vtpassBalanceRule({ lastLowAt: 5, lastLowBill: "b", lastDeliveredAt: 4 }))).toEqual(["vtpass:NGN"]);
    expect(scopes(vtpassBalanceRule({ lastLowAt: 5, lastLowBill: "b", lastDeliveredAt: 6 }))).toEqual([]);
    expect(scopes(vtpassBalanceRule({ lastLowAt: null, lastLowBill: null, lastDeliveredAt: null }))).toEqual([]);
  });

  it("ids, minutes and recipients", () => {
    expect(alertId("payout-float-low", "mpesa:KES")).toBe("rule:payout-float-low:mpesa:KES");
    expect(minuteKey(Date.UTC(2026, 11, 3, 14, 5, 59))).toBe("202612031405");
    expect(parseAlertEmails(" Ops@Example.com, ,ops@example.com,not-an-email, b@c.d")).toEqual([
      "ops@example.com",
      "b@c.d",
    ]);
  });
});
