// Fee arithmetic (money rule 15): examples that pin the rounding, the clamp and the bands, then
// properties over random prices and amounts. The seed is fixed so every run checks the same cases.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { computeFee, feePriceSchema, MAX_PRICED_MINOR, type Band, type FeePrice } from "./fee.js";
import { LOCAL_FEE_RULES } from "./local-rules.js";

const SEED = 20_261_201;
const runs = { numRuns: 2_000, seed: SEED };

const bands: Band[] = [
  { upTo: 1_000_00, flat: 20_00 },
  { upTo: 10_000_00, flat: 50_00 },
  { upTo: null, flat: 50_00, bps: 50 },
];

describe("computeFee examples", () => {
  it.each<[string, FeePrice, number, number]>([
    ["a flat fee on a small amount", { kind: "flat", flat: 30_00 }, 1, 30_00],
    ["a flat fee on a large amount", { kind: "flat", flat: 30_00 }, 1_000_000_000, 30_00],
    ["no fee", { kind: "flat", flat: 0 }, 500_00, 0],
    ["5% of KES 1,000", { kind: "bps", bps: 500 }, 1_000_00, 50_00],
    ["1.5% of 333: 4.995 rounds up", { kind: "bps", bps: 150 }, 333, 5],
    ["1.5% of 30: 0.45 rounds down", { kind: "bps", bps: 150 }, 30, 0],
    ["50% of 1: an exact half rounds up", { kind: "bps", bps: 5_000 }, 1, 1],
    ["1 bps of 5,000: an exact half rounds up", { kind: "bps", bps: 1 }, 5_000, 1],
    ["1 bps of 4,999: just below half rounds down", { kind: "bps", bps: 1 }, 4_999, 0],
    ["100% of the amount", { kind: "bps", bps: 10_000 }, 12_345, 12_345],
    ["raised to the minimum", { kind: "bps", bps: 500, min: 5_00 }, 10_00, 5_00],
    ["lowered to the maximum", { kind: "bps", bps: 500, max: 200_00 }, 100_000_00, 200_00],
    ["a flat fee under the maximum", { kind: "flat", flat: 30_00, max: 10_00 }, 1, 10_00],
    ["the first band, at its upper end", { kind: "tiers", tiers: bands }, 1_000_00, 20_00],
    ["the second band, one cent above the first", { kind: "tiers", tiers: bands }, 1_000_01, 50_00],
    ["the second band, at its upper end", { kind: "tiers", tiers: bands }, 10_000_00, 50_00],
    // 50 + 0.5% of 10,000.01 = 50 + 50.00005: the basis points round to 50.00.
    ["the open band: flat plus basis points", { kind: "tiers", tiers: bands }, 10_000_01, 100_00],
    ["the open band, capped", { kind: "tiers", tiers: bands, max: 60_00 }, 1_000_000_00, 60_00],
    [
      "a band of basis points only, with a minimum",
      { kind: "tiers", tiers: [{ upTo: null, bps: 100 }], min: 1_00 },
      10_00,
      1_00,
    ],
  ])("%s", (_name, price, amount, fee) => {
    expect(feePriceSchema.parse(price)).toEqual(price);
    expect(computeFee(price, amount)).toBe(fee);
  });

  it("prices the seed's example: airtime for KES 1,000 costs KES 50", () => {
    const airtime = LOCAL_FEE_RULES.find((rule) => rule.service === "airtime" && rule.currency === "KES")!;
    expect(computeFee(airtime, 1_000_00)).toBe(50_00);
  });

  it("refuses amounts that are not whole, negative or beyond what it prices", () => {
    const price: FeePrice = { kind: "bps", bps: 100 };
    for (const amount of [1.5, -1, MAX_PRICED_MINOR + 1, Number.NaN]) {
      expect(() => computeFee(price, amount)).toThrow(RangeError);
    }
  });
});

describe("fee rule prices are validated", () => {
  it.each<[string, unknown, string]>([
    ["min above max", { kind: "bps", bps: 100, min: 10, max: 5 }, "max: must be at least min"],
    ["a fractional flat fee", { kind: "flat", flat: 2.5 }, "flat: must be a whole number of minor units"],
    ["a negative flat fee", { kind: "flat", flat: -1 }, "flat: must not be negative"],
    ["more than 100%", { kind: "bps", bps: 10_001 }, "bps: must be at most 10000"],
    ["an unknown kind", { kind: "percent", percent: 5 }, "kind"],
    ["no bands", { kind: "tiers", tiers: [] }, "tiers: needs at least one band"],
    [
      "bands out of order",
      {
        kind: "tiers",
        tiers: [
          { upTo: 500, flat: 1 },
          { upTo: 100, flat: 2 },
          { upTo: null, flat: 3 },
        ],
      },
      "tiers.1.upTo: must be above the previous band's upTo",
    ],
    [
      "a last band with an upper end",
      { kind: "tiers", tiers: [{ upTo: 500, flat: 1 }] },
      "tiers.0.upTo: must be null on the last band",
    ],
    [
      "an open band before the last",
      {
        kind: "tiers",
        tiers: [
          { upTo: null, flat: 1 },
          { upTo: null, flat: 2 },
        ],
      },
      "tiers.0.upTo: must be a number on every band but the last",
    ],
    ["a band that charges nothing", { kind: "tiers", tiers: [{ upTo: null }] }, "a band needs flat, bps or both"],
  ])("refuses %s", (_name, price, message) => {
    const parsed = feePriceSchema.safeParse(price);
    expect(parsed.success).toBe(false);
    const issues = parsed.error?.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) ?? [];
    expect(issues.join("; ")).toContain(message);
  });
});

const minorArb = fc.integer({ min: 0, max: 10_000_000 });
const bpsArb = fc.integer({ min: 0, max: 10_000 });
const amountArb = fc.integer({ min: 0, max: MAX_PRICED_MINOR });

const clampArb = fc
  .tuple(fc.option(minorArb, { nil: undefined }), fc.option(minorArb, { nil: undefined }))
  .map(([a, b]) => {
    const [min, max] = a !== undefined && b !== undefined ? [Math.min(a, b), Math.max(a, b)] : [a, b];
    return { ...(min === undefined ? {} : { min }), ...(max === undefined ? {} : { max }) };
  });

const bandPartsArb = fc.oneof(
  minorArb.map((flat) => ({ flat })),
  bpsArb.map((bps) => ({ bps })),
  fc.tuple(minorArb, bpsArb).map(([flat, bps]) => ({ flat, bps })),
);

const tiersArb: fc.Arbitrary<Band[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 1_000_000_000 }), { maxLength: 5 })
  .chain((ends) => {
    const upTos = [...ends.sort((x, y) => x - y), null];
    return fc.tuple(...upTos.map((upTo) => bandPartsArb.map((parts): Band => ({ upTo, ...parts }))));
  });

const priceArb: fc.Arbitrary<FeePrice> = fc.oneof(
  fc.tuple(minorArb, clampArb).map(([flat, clamp]): FeePrice => ({ kind: "flat", flat, ...clamp })),
  fc.tuple(bpsArb, clampArb).map(([bps, clamp]): FeePrice => ({ kind: "bps", bps, ...clamp })),
  fc.tuple(tiersArb, clampArb).map(([tiers, clamp]): FeePrice => ({ kind: "tiers", tiers, ...clamp })),
);

function partsOf(price: FeePrice): { flat: number; bps: number }[] {
  switch (price.kind) {
    case "flat":
      return [{ flat: price.flat, bps: 0 }];
    case "bps":
      return [{ flat: 0, bps: price.bps }];
    case "tiers":
      return price.tiers.map((b) => ({ flat: b.flat ?? 0, bps: b.bps ?? 0 }));
  }
}

describe("computeFee properties", () => {
  it("every generated price is a valid rule price, and its fee a whole, non-negative number of minor units", () => {
    fc.assert(
      fc.property(priceArb, amountArb, (price, amount) => {
        expect(feePriceSchema.safeParse(price).success).toBe(true);
        const fee = computeFee(price, amount);
        expect(Number.isSafeInteger(fee)).toBe(true);
        expect(fee).toBeGreaterThanOrEqual(0);
      }),
      runs,
    );
  });

  it("stays within the rule's min and max", () => {
    fc.assert(
      fc.property(priceArb, amountArb, (price, amount) => {
        const fee = computeFee(price, amount);
        if (price.min !== undefined) expect(fee).toBeGreaterThanOrEqual(price.min);
        if (price.max !== undefined) expect(fee).toBeLessThanOrEqual(price.max);
      }),
      runs,
    );
  });

  it("never charges more than the dearest band's exact price plus half a minor unit, or the minimum", () => {
    fc.assert(
      fc.property(priceArb, amountArb, (price, amount) => {
        const parts = partsOf(price);
        const flat = Math.max(...parts.map((p) => p.flat));
        const bps = Math.max(...parts.map((p) => p.bps));
        // In ten-thousandths of a minor unit, so the bound itself is exact.
        const bound = Math.max((price.min ?? 0) * 10_000, flat * 10_000 + amount * bps + 5_000);
        expect(computeFee(price, amount) * 10_000).toBeLessThanOrEqual(bound);
      }),
      runs,
    );
  });

  it("rounds basis points to the nearest minor unit, halves up", () => {
    fc.assert(
      fc.property(bpsArb, amountArb, (bps, amount) => {
        const error = computeFee({ kind: "bps", bps }, amount) * 10_000 - amount * bps;
        expect(error).toBeGreaterThan(-5_000);
        expect(error).toBeLessThanOrEqual(5_000);
      }),
      runs,
    );
  });

  it("never charges less for more under a basis-point rule", () => {
    fc.assert(
      fc.property(bpsArb, clampArb, amountArb, amountArb, (bps, clamp, a, b) => {
        const price: FeePrice = { kind: "bps", bps, ...clamp };
        expect(computeFee(price, Math.min(a, b))).toBeLessThanOrEqual(computeFee(price, Math.max(a, b)));
      }),
      runs,
    );
  });

  it("prices a tiered amount exactly as the band it falls in would alone", () => {
    fc.assert(
      fc.property(tiersArb, clampArb, amountArb, (tiers, clamp, amount) => {
        const index = tiers.findIndex((b) => b.upTo === null || amount <= b.upTo);
        const previous = tiers[index - 1]?.upTo;
        if (previous !== undefined && previous !== null) expect(amount).toBeGreaterThan(previous);
        const alone: FeePrice = { kind: "tiers", tiers: [{ ...tiers[index]!, upTo: null }], ...clamp };
        expect(computeFee({ kind: "tiers", tiers, ...clamp }, amount)).toBe(computeFee(alone, amount));
      }),
      runs,
    );
  });
});
