import { describe, expect, it } from "vitest";

import { canTransition, isTerminal, PAYMENT_STATUSES, type PaymentStatus } from "./status.js";

// Money rule 6 (docs/money-rules.md): every (from, to) pair, spelled out.
const expected: Record<PaymentStatus, PaymentStatus[]> = {
  pending: ["processing", "succeeded", "failed", "cancelled", "expired", "conflict"],
  processing: ["succeeded", "failed", "cancelled", "expired", "conflict"],
  succeeded: [],
  failed: [],
  cancelled: [],
  expired: [],
  conflict: [],
};

describe("payment state machine", () => {
  const pairs = PAYMENT_STATUSES.flatMap((from) => PAYMENT_STATUSES.map((to) => [from, to] as const));
  it.each(pairs)("%s → %s", (from, to) => {
    expect(canTransition(from, to)).toBe(expected[from].includes(to));
  });

  it("never leaves a terminal state, and only terminal states are final", () => {
    for (const status of PAYMENT_STATUSES) {
      expect(isTerminal(status)).toBe(PAYMENT_STATUSES.every((to) => !canTransition(status, to)));
    }
  });
});
