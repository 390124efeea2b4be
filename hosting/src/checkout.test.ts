import { describe, expect, it } from "vitest";

import { countryOfNumber, statusLabel, toMinorUnits } from "./checkout";

describe("join page helpers", () => {
  it.each([
    ["+254712345678", "KE"],
    ["254712345678", "KE"],
    ["+256 772 123 456", "UG"],
    ["+234 803 123 4567", "NG"],
    ["+234803123", undefined],
    ["0712345678", undefined],
    ["+2547", undefined],
  ])("reads the country of %s", (phone, country) => {
    expect(countryOfNumber(phone)).toBe(country);
  });

  it("converts whole shillings to cents and keeps shillings for UGX", () => {
    expect(toMinorUnits("150", "KE")).toBe(15_000);
    expect(toMinorUnits("5000", "UG")).toBe(5_000);
    expect(toMinorUnits("2500", "NG")).toBe(250_000);
  });

  it("says a Paystack payment waits for Paystack, not for a phone prompt", () => {
    expect(statusLabel("processing", "paystack")).toBe("waiting for Paystack to confirm");
    expect(statusLabel("processing", "mpesa")).toBe("waiting for you to approve on your phone");
    expect(statusLabel("succeeded", "paystack")).toBe("succeeded");
  });

  it.each(["", "0", "-5", "1.5", "1e3", "abc", "9999999999"])("refuses %j", (amount) => {
    expect(toMinorUnits(amount, "KE")).toBeUndefined();
  });
});
