// The payment state machine (ARCHITECTURE.md, "Payment lifecycle"). Terminal states never change.
export const PAYMENT_STATUSES = [
  "pending",
  "processing",
  "succeeded",
  "failed",
  "cancelled",
  "expired",
  "conflict",
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<PaymentStatus> = new Set([
  "succeeded",
  "failed",
  "cancelled",
  "expired",
  "conflict",
]);

const ALLOWED: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  // A provider may answer before we have stored its reference, so pending can end directly.
  pending: ["processing", "succeeded", "failed", "cancelled", "expired", "conflict"],
  processing: ["succeeded", "failed", "cancelled", "expired", "conflict"],
  succeeded: [],
  failed: [],
  cancelled: [],
  expired: [],
  conflict: [],
};

export function isTerminal(status: PaymentStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED[from].includes(to);
}
