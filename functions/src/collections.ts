// Every Firestore collection Malipo uses, declared by the feature that owns it (see
// core/collections.ts). The rules test reads this list: each entry needs a tested row there.
import type { CollectionSpec } from "./core/collections.js";
import { ACTIVITY, JOURNAL, LEDGER_ACCOUNTS, SHARDS } from "./ledger/collections.js";
import { PAYMENTS } from "./payments/records.js";
import { PINS } from "./wallet/pin.js";

export const COLLECTIONS: readonly CollectionSpec[] = [PAYMENTS, JOURNAL, LEDGER_ACCOUNTS, ACTIVITY, SHARDS, PINS];
