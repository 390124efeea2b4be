import { describe, expect, it } from "vitest";

import {
  isFinalWithdrawal,
  leftToday,
  limitsLine,
  receiptLine,
  usedTodayLine,
  withdrawalAmount,
  withdrawalName,
  withdrawalQuoteLine,
  withdrawalQuoteUsable,
  withdrawalSummary,
  type WithdrawalOptions,
} from "./withdraw-view";

const KES: WithdrawalOptions = {
  currency: "KES",
  numbers: ["+254712340000"],
  min: 10_00,
  max: 150_000_00,
  perDay: 300_000_00,
  usedToday: 0,
  inFlight: null,
};

describe("withdraw form wording", () => {
  it("shows the limits and what is left today", () => {
    expect(limitsLine(KES)).toBe("KES 10.00 to KES 150,000.00 at a time, up to KES 300,000.00 a day.");
    expect(usedTodayLine({ ...KES, usedToday: 500_00 })).toBe("Used today: KES 500.00 (KES 299,500.00 left).");
    expect(leftToday({ perDay: 100, usedToday: 150 })).toBe(0);
    expect(limitsLine({ ...KES, currency: "UGX", min: 500, max: 5_000_000, perDay: 10_000_000 })).toBe(
      "UGX 500 to UGX 5,000,000 at a time, up to UGX 10,000,000 a day.",
    );
  });

  it("reads the amount in whole units as the top-up form does", () => {
    expect(withdrawalAmount("250", KES)).toBe(250_00);
    expect(withdrawalAmount(" 250 ", KES)).toBe(250_00);
    expect(withdrawalAmount("7000", { ...KES, currency: "UGX", min: 500 })).toBe(7_000);
    for (const typed of ["", "abc", "12.50", "-5", "0"]) {
      expect(withdrawalAmount(typed, KES)).toBe("Enter the amount as a whole number, for example 500.");
    }
  });

  it("says which limit an amount crosses before asking for a quote", () => {
    expect(withdrawalAmount("5", KES)).toBe("The smallest withdrawal is KES 10.00.");
    expect(withdrawalAmount("150001", KES)).toBe("The largest withdrawal is KES 150,000.00 at a time.");
    expect(withdrawalAmount("150000", KES)).toBe(150_000_00);
    expect(withdrawalAmount("1000", { ...KES, usedToday: 299_500_00 })).toBe("You can withdraw KES 500.00 more today.");
    expect(withdrawalAmount("500", { ...KES, usedToday: 299_500_00 })).toBe(500_00);
    expect(withdrawalAmount("10", { ...KES, usedToday: 300_000_00 })).toBe(
      "You have withdrawn today's limit of KES 300,000.00. Try again tomorrow.",
    );
  });

  it("shows the quote: what arrives, the fee and what leaves the wallet", () => {
    expect(withdrawalQuoteLine({ amount: 500_00, fee: 30_00, total: 530_00 }, "KES")).toBe(
      "You receive KES 500.00 · fee KES 30.00 · KES 530.00 from your wallet",
    );
    const now = Date.parse("2026-01-10T12:00:00.000Z");
    expect(withdrawalQuoteUsable({ expiresAt: "2026-01-10T12:05:00.000Z" }, now)).toBe(true);
    // Within the margin the quote could expire on its way to withdraw.
    expect(withdrawalQuoteUsable({ expiresAt: "2026-01-10T12:00:10.000Z" }, now)).toBe(false);
  });

  it("follows a withdrawal until the provider has answered", () => {
    const statuses = ["sending", "pending", "conflict", "succeeded", "failed"] as const;
    // A conflict waits for an operator, who may still settle it either way.
    expect(statuses.map(isFinalWithdrawal)).toEqual([false, false, false, true, true]);
    const sent = { currency: "KES", amount: 500_00, fee: 30_00, phone: "+254712340000", receipt: null } as const;
    expect(withdrawalSummary(sent)).toBe("KES 500.00 to +254712340000 · fee KES 30.00");
    expect(receiptLine(sent)).toBe("");
    expect(receiptLine({ ...sent, receipt: "QK1234ABCD" })).toBe("M-Pesa receipt QK1234ABCD");
  });

  it("names a withdrawal by where the money went", () => {
    expect(withdrawalName("KES")).toBe("Withdrawal to M-Pesa");
    expect(withdrawalName("UGX")).toBe("Withdrawal to MTN or Airtel Money");
    expect(withdrawalName("NGN")).toBe("Withdrawal to mobile money");
  });
});
