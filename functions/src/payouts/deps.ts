// What the withdrawal handlers are given, so tests run them in-process against the emulator with
// simulator-backed providers, an injected clock and their own limits.
import type { Firestore } from "firebase-admin/firestore";

import type { PayoutProvider } from "../providers/payouts.js";
import type { PinCheck } from "../wallet/transfer.js";
import type { PayoutProviderName } from "./collections.js";
import type { FloatThresholds, WithdrawalLimits } from "./config.js";

export interface PayoutsDeps {
  readonly db: Firestore;
  readonly provider: (name: PayoutProviderName) => PayoutProvider;
  /** ms since the epoch. */
  readonly now: () => number;
  readonly verifyPin: PinCheck;
  readonly limits: () => WithdrawalLimits;
  readonly floatLow: () => FloatThresholds;
  /** Emulator runs: the providers' sandbox numbers count as mobile numbers. */
  readonly allowSandboxPayers: boolean;
}

/** What applying a provider's result needs. */
export type OutcomeDeps = Pick<PayoutsDeps, "db" | "now" | "floatLow">;
