import { describe, expect, it } from "vitest";

import { formatAmount, heldNote, lineAmount, lineTime, lineTitle } from "./wallet-view";

describe("wallet page wording", () => {
  it("formats each currency with its catalog digits, and points whole", () => {
    expect(formatAmount(1_250_00, "KES")).toBe("KES 1,250.00");
    expect(formatAmount(5_000, "UGX")).toBe("UGX 5,000");
    expect(formatAmount(1_500, "PTS")).toBe("1,500 points");
    expect(formatAmount(1, "PTS")).toBe("1 point");
  });

  it("mentions what is held only when something is", () => {
    expect(heldNote({ balance: 100_00, held: 0, available: 100_00 }, "KES")).toBe("");
    expect(heldNote({ balance: 100_00, held: 40_00, available: 60_00 }, "KES")).toBe(
      "available KES 60.00 · held KES 40.00",
    );
  });

  it("names a line by its kind and stage, and signs what moved", () => {
    const line = { kind: "topup", stage: "post", side: "credit", amount: 100_00, currency: "KES" } as const;
    expect([lineTitle(line), lineAmount(line)]).toEqual(["Top-up", "+KES 100.00"]);
    const held = { ...line, kind: "purchase", stage: "hold", side: "debit" } as const;
    expect([lineTitle(held), lineAmount(held)]).toEqual(["Purchase (held)", "−KES 100.00"]);
    const released = { ...held, stage: "void" } as const;
    expect([lineTitle(released), lineAmount(released)]).toEqual(["Purchase (released)", "KES 100.00"]);
    expect(lineTitle({ kind: "bill-payment", stage: "commit" })).toBe("Bill payment (completed)");
  });

  it("names a withdrawal's hold, posting and release by where the money went", () => {
    expect(lineTitle({ kind: "withdrawal", stage: "hold", currency: "KES" })).toBe("Withdrawal to M-Pesa (held)");
    expect(lineTitle({ kind: "withdrawal", stage: "commit", currency: "KES" })).toBe(
      "Withdrawal to M-Pesa (completed)",
    );
    expect(lineTitle({ kind: "withdrawal", stage: "void", currency: "UGX" })).toBe(
      "Withdrawal to MTN or Airtel Money (released)",
    );
  });

  it("shows when, in the given time zone", () => {
    expect(lineTime({ at: "2025-01-10T12:05:00.000Z" }, "Africa/Nairobi")).toBe("10 Jan 2025, 15:05");
  });
});
