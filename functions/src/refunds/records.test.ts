// The refunds' pure rules: their ids, the proportional points clawback and the payment's summary.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { clawbackFor, isRefundId, refundIdFor, summaryOf } from "./records.js";

describe("refund ids", () => {
  it("are refund- and 32 hex digits, the same for the same operator and key, without colons", () => {
    const id = refundIdFor("operator-1", "key-0001");
    expect(id).toMatch(/^refund-[0-9a-f]{32}$/);
    expect(isRefundId(id)).toBe(true);
    expect(refundIdFor("operator-1", "key-0001")).toBe(id);
    expect(refundIdFor("operator-2", "key-0001")).not.toBe(id);
    expect(refundIdFor("operator-1", "key-0002")).not.toBe(id);
  });
});

describe("points clawback", () => {
  it("takes back ceil(points x share), split across partial refunds without losing or adding a point", () => {
    expect(clawbackFor(10, 1_000_00, 0, 300_00)).toBe(3);
    expect(clawbackFor(10, 1_000_00, 300_00, 700_00)).toBe(7);
    expect(clawbackFor(10, 1_000_00, 0, 1_000_00)).toBe(10);
    // A refund of a sliver still takes a point back (rounded up, as rewards/award.ts does).
    expect(clawbackFor(10, 1_000_00, 0, 1_00)).toBe(1);
    expect(clawbackFor(0, 1_000_00, 0, 1_000_00)).toBe(0);
  });

  it("over any split of a payment, the refunds together take back exactly ceil(points x refunded / paid)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 10 }),
        (points, paid, parts) => {
          let refunded = 0;
          let taken = 0;
          for (const part of parts) {
            const amount = Math.min(part, paid - refunded);
            if (amount <= 0) break;
            const step = clawbackFor(points, paid, refunded, amount);
            expect(step).toBeGreaterThanOrEqual(0);
            taken += step;
            refunded += amount;
          }
          expect(taken).toBe(Math.min(points, Math.ceil((points * refunded) / paid)));
          expect(taken).toBeLessThanOrEqual(points);
        },
      ),
      { seed: 20_261_203 },
    );
  });
});

describe("the payment's refund summary", () => {
  it("is null before any refund, pending, partially refunded, then refunded", () => {
    expect(summaryOf({ paid: 100, reserved: 0, refunded: 0 })).toBeNull();
    expect(summaryOf({ paid: 100, reserved: 40, refunded: 0 })).toEqual({
      state: "pending",
      refundedAmount: 0,
      pendingAmount: 40,
    });
    expect(summaryOf({ paid: 100, reserved: 60, refunded: 40 })).toEqual({
      state: "partially-refunded",
      refundedAmount: 40,
      pendingAmount: 60,
    });
    expect(summaryOf({ paid: 100, reserved: 0, refunded: 100 })).toEqual({
      state: "refunded",
      refundedAmount: 100,
      pendingAmount: 0,
    });
  });
});
