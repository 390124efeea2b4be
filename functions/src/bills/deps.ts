// What the bills handlers are given, so tests run them in-process against the emulator with a
// simulator-backed provider and an injected clock.
import type { Firestore } from "firebase-admin/firestore";

import type { BillsProvider } from "../providers/bills.js";
import type { StepUpThresholds } from "../twofactor/config.js";
import type { PinCheck } from "../wallet/transfer.js";

export interface BillsDeps {
  readonly db: Firestore;
  readonly provider: () => BillsProvider;
  /** ms since the epoch. */
  readonly now: () => number;
  readonly verifyPin: PinCheck;
  /** STEP_UP_PURCHASE_OVER (twofactor/config.ts); its default when absent. */
  readonly stepUpPurchaseOver?: () => StepUpThresholds;
}
