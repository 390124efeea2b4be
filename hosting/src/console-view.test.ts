import { describe, expect, it } from "vitest";

import { bucketKey } from "../../functions/src/shared/analytics.ts";
import {
  analyticsSeries,
  canRetry,
  daysBetween,
  deliveryLabel,
  formatDuration,
  mailShown,
  nairobiDayWindow,
  nairobiToday,
  parseSearch,
  phoneCandidates,
  rawText,
} from "./console-view";
import { renameStyleAttributes, safeDeclarations, safeHref } from "./mail-render";

describe("the console's search", () => {
  it("finds a phone however it was typed", () => {
    expect(phoneCandidates("0712 345 678")).toEqual(["+254712345678", "+256712345678", "+234712345678"]);
    expect(phoneCandidates("+254712345678")).toEqual(["+254712345678"]);
    expect(phoneCandidates("254712345678")).toEqual(["+254712345678"]);
    expect(phoneCandidates("12345")).toEqual([]);
  });

  it("says why a term cannot be searched", () => {
    expect(parseSearch("phone", " ")).toBe("Type what to search for.");
    expect(parseSearch("id", "abc")).toMatch(/10 to 40/);
    expect(parseSearch("receipt", " QK12 ")).toEqual({ kind: "receipt", values: ["QK12"] });
  });
});

describe("days in Nairobi", () => {
  it("a day is 21:00 UTC the evening before to 21:00 UTC", () => {
    expect(nairobiDayWindow("2026-12-03")).toEqual({
      from: Date.UTC(2026, 11, 2, 21),
      to: Date.UTC(2026, 11, 3, 21),
    });
    expect(nairobiDayWindow("3 Dec")).toBeUndefined();
    expect(nairobiToday(Date.UTC(2026, 11, 2, 21, 30))).toBe("2026-12-03");
    expect(daysBetween("2026-11-30", "2026-12-02")).toEqual(["2026-11-30", "2026-12-01", "2026-12-02"]);
    expect(daysBetween("2026-12-02", "2026-11-30")).toEqual([]);
  });
});

describe("analytics series", () => {
  const shard = (date: string, provider: string, extra: Record<string, unknown>) => ({
    date,
    provider,
    currency: provider === "mpesa" ? "KES" : "UGX",
    attempts: 0,
    succeeded: 0,
    failed: 0,
    cancelled: 0,
    expired: 0,
    conflict: 0,
    revenue: 0,
    fees: 0,
    settleBuckets: {},
    settleMsTotal: 0,
    ...extra,
  });

  it("sums shards per provider and day: revenue in major units, success rate, percentiles", () => {
    const days = ["2026-12-01", "2026-12-02"];
    const series = analyticsSeries(
      [
        shard("2026-12-01", "mpesa", {
          attempts: 4,
          succeeded: 3,
          failed: 1,
          revenue: 300_00,
          settleBuckets: { [bucketKey(2)]: 3 },
        }),
        shard("2026-12-01", "mpesa", {
          attempts: 1,
          succeeded: 1,
          revenue: 50_00,
          settleBuckets: { [bucketKey(9)]: 1 },
        }),
        shard("2026-12-02", "iotec", { attempts: 2, succeeded: 1, expired: 1, revenue: 5_000 }),
      ],
      days,
    );
    expect(series.map((s) => s.label)).toEqual(["iotec · UGX", "mpesa · KES"]);
    const mpesa = series[1];
    expect(mpesa?.revenue).toEqual([350, null]);
    expect(mpesa?.successRate).toEqual([80, null]);
    expect([mpesa?.medianMs, mpesa?.p95Ms]).toEqual([5_000, 90_000]);
    expect(series[0]?.revenue).toEqual([null, 5_000]);
  });

  it("words", () => {
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(90_000)).toBe("90 s");
    expect(formatDuration(120_000)).toBe("2 min");
    expect(formatDuration(null)).toBe("—");
    expect(rawText('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(rawText(undefined)).toBe("undefined");
  });
});

describe("the mailbox", () => {
  it("reads any mail document without trusting its shape", () => {
    expect(mailShown({ to: "a@b.c", message: { subject: "Hi", html: "<p>x</p>", text: "x" } })).toMatchObject({
      to: "a@b.c",
      subject: "Hi",
      state: undefined,
      attachments: [],
    });
    expect(mailShown(null).subject).toBe("(no subject)");
    expect(deliveryLabel({ state: "error", attempts: 5, error: "refused" })).toBe("error, 5 attempts: refused");
    expect(deliveryLabel(undefined)).toBe("queued (not tried yet)");
    expect([canRetry("error"), canRetry("not-sent"), canRetry("sent"), canRetry("sending")]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it("keeps only http(s) and mailto links, and presentational styles without url()", () => {
    expect(renameStyleAttributes('<p style="margin:0">style = text</p><h1 class="a" STYLE=\'x\'>')).toBe(
      '<p data-mail-style="margin:0">style = text</p><h1 class="a" data-mail-style=\'x\'>',
    );
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" data:text/html,x")).toBeNull();
    expect(safeHref("https://malipo.africa/?payment=1")).toBe("https://malipo.africa/?payment=1");
    expect(
      safeDeclarations("color:#0b6e4f; background-image:url(x); font-size: 12px; width: expression(1); position:fixed"),
    ).toEqual([
      ["color", "#0b6e4f"],
      ["font-size", "12px"],
    ]);
  });
});
