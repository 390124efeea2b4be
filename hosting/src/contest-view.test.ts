import { describe, expect, it } from "vitest";

import { entryStep, feeText, isOpenAt, paymentOfUrl, type CompetitionView } from "./contest-view";

const sings: CompetitionView = {
  id: "kenya-sings-2026",
  name: "Kenya Sings 2026",
  entryFee: { KES: 500_00, UGX: 15_000 },
  categories: ["Solo"],
  opensAtMs: 1_000,
  closesAtMs: 2_000,
};

describe("join page contest wording", () => {
  it("shows the server's fee in the payer's currency, or the currencies taken", () => {
    expect(feeText(sings, "KES")).toBe("Entry fee: KES 500.00");
    expect(feeText(sings, "UGX")).toBe("Entry fee: UGX 15,000");
    expect(feeText(sings, "NGN")).toBe("Kenya Sings 2026 takes entries paid in KES or UGX only.");
  });

  it("is open from opensAt until closesAt", () => {
    expect([999, 1_000, 1_999, 2_000].map((now) => isOpenAt(sings, now))).toEqual([false, true, true, false]);
  });

  it("names the step a payment is at", () => {
    expect(entryStep({ status: "processing", verified: false }, false)).toBe("paying");
    expect(entryStep({ status: "cancelled", verified: false }, false)).toBe("not-paid");
    expect(entryStep({ status: "succeeded", verified: false }, false)).toBe("code");
    expect(entryStep({ status: "succeeded", verified: true }, false)).toBe("entry");
    expect(entryStep({ status: "succeeded", verified: true }, true)).toBe("done");
  });

  it("reads the payment a link names, and nothing else", () => {
    expect(paymentOfUrl("http://127.0.0.1:5000/?payment=AbC123def456")).toBe("AbC123def456");
    expect(paymentOfUrl("http://127.0.0.1:5000/")).toBeUndefined();
    expect(paymentOfUrl("http://127.0.0.1:5000/?payment=../x")).toBeUndefined();
  });
});
