import { describe, expect, it } from "vitest";

import { countryOfNumber, toMinorUnits } from "./checkout";

describe("join page helpers", () => {
  it.each([
    ["+254712345678", "KE"],
    ["254712345678", "KE"],
    ["+256 772 123 456", "UG"],
    ["0712345678", undefined],
    ["+2547", undefined],
  ])("reads the country of %s", (phone, country) => {
    expect(countryOfNumber(phone)).toBe(country);
  });

  it("converts whole shillings to cents and keeps shillings for UGX", () => {
    expect(toMinorUnits("150", "KE")).toBe(15_000);
    expect(toMinorUnits("5000", "UG")).toBe(5_000);
  });

  it.each(["", "0", "-5", "1.5", "1e3", "abc", "9999999999"])("refuses %j", (amount) => {
    expect(toMinorUnits(amount, "KE")).toBeUndefined();
  });
});
