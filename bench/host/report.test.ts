import { describe, expect, it } from "vitest";

import { medianFigures, schedule } from "./report.ts";

describe("medianFigures", () => {
  it("takes each figure's median over the repetitions, skipping missing values", () => {
    expect(medianFigures([{ a: 3, b: 1 }, { a: 1 }, { a: 2, b: Number.NaN }, { a: 10, b: 5 }, { a: 4, b: 3 }])).toEqual(
      {
        a: 3,
        b: 3,
      },
    );
    expect(medianFigures([{ a: Number.NaN }]).a).toBeNaN();
  });
});

describe("schedule", () => {
  it("interleaves the levels within each repetition", () => {
    expect(schedule([1, 10], 2)).toEqual([
      { level: 1, repetition: 1 },
      { level: 10, repetition: 1 },
      { level: 1, repetition: 2 },
      { level: 10, repetition: 2 },
    ]);
  });
});
