// Naira on VTpass's wire, kobo in Malipo: converted from the decimal text, never through a float.
import { describe, expect, it } from "vitest";

import { koboToNaira, nairaToKobo } from "./wire.js";

describe("naira and kobo", () => {
  it.each([
    ["900.00", 90_000],
    [1860.47, 186_047],
    ["1860.47", 186_047],
    [19.3, 1_930],
    ["1,000", 100_000],
    [2000, 200_000],
    ["0.07", 7],
    ["1.000", 100],
    ["4.35", 435],
    [1.15, 115],
  ])("reads %s naira as %d kobo", (naira, kobo) => {
    expect(nairaToKobo(naira)).toBe(kobo);
  });

  it.each([["abc"], ["1.005"], ["-5"], [""], ["1e3"], [null], [undefined]])("refuses %s", (naira) => {
    expect(nairaToKobo(naira)).toBeUndefined();
  });

  it.each([
    [123_456, 1234.56],
    [50_000, 500],
    [5, 0.05],
    [1_999, 19.99],
    [115, 1.15],
  ])("sends %d kobo as %s naira", (kobo, naira) => {
    expect(koboToNaira(kobo)).toBe(naira);
    expect(nairaToKobo(koboToNaira(kobo))).toBe(kobo);
  });

  it("round-trips every kobo amount up to NGN 10,000", () => {
    const wrong: number[] = [];
    for (let kobo = 0; kobo <= 1_000_000; kobo++) if (nairaToKobo(koboToNaira(kobo)) !== kobo) wrong.push(kobo);
    expect(wrong).toEqual([]);
  });
});
