// The payment state machine (docs/architecture.md, "A payment's life"). Terminal states never change.
import { PAYMENT_STATUSES, type PaymentStatus } from "../shared/catalog.js";

export { PAYMENT_STATUSES, type PaymentStatus };

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
