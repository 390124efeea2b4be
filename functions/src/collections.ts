// Every Firestore collection Malipo uses, declared by the feature that owns it (see
// core/collections.ts). The rules test reads this list: each entry needs a tested row there.
import { USERS } from "./accounts/users.js";
import { BILL_EVENTS, BILL_GUARDS, BILL_SERVICES, BILL_VERIFICATIONS, BILLS } from "./bills/collections.js";
import { CARTS, CHECKOUTS, INVOICE_COUNTERS, ORDERS, PRODUCTS } from "./commerce/collections.js";
import type { CollectionSpec } from "./core/collections.js";
import { RATE_LIMITS } from "./core/rate-limit.js";
import { PAYMENT_CODES } from "./entries/codes.js";
import { COMPETITIONS, JUDGES } from "./entries/competitions.js";
import { ENTRIES, SCORES } from "./entries/entries.js";
import { RESULTS } from "./entries/results.js";
import { QUOTES } from "./fees/quotes.js";
import { FEE_RULES } from "./fees/rules.js";
import { LEDGER_CHECKS } from "./ledger/check.js";
import { ACTIVITY, JOURNAL, LEDGER_ACCOUNTS, LEDGER_EVENTS, SHARDS } from "./ledger/collections.js";
import { MAIL } from "./notifications/send.js";
import { ADMIN_AUDIT } from "./operations/admin-audit.js";
import { ALERT_TIMELINE, OPS_COUNTERS, OPS_READINGS } from "./operations/collections.js";
import { SYSTEM } from "./operations/health.js";
import {
  ALERTS,
  EVENTS,
  IDEMPOTENCY_KEYS,
  PAYMENT_GUARDS,
  PROVIDER_EVENTS,
  PROVIDER_REFS,
  UNANSWERED_REQUESTS,
} from "./payments/collections.js";
import { PAYMENTS } from "./payments/records.js";
import { PAYMENT_REFUNDS, REFUND_EVENTS, REFUNDS } from "./refunds/collections.js";
import {
  PAYOUT_RESULTS,
  WITHDRAWAL_DAYS,
  WITHDRAWAL_EVENTS,
  WITHDRAWAL_LOCKS,
  WITHDRAWALS,
} from "./payouts/collections.js";
import { PINS } from "./wallet/pin.js";
// The point of sale's collections (pos/collections.ts), appended as one block.
import { POS_COLLECTIONS } from "./pos/collections.js";
// Operations reports (issue 12): the daily reconciliation report and payment analytics.
import { ANALYTICS, ANALYTICS_MARKS, RECONCILIATION_REPORTS } from "./operations/reports/collections.js";
// Second factor (twofactor/).
import { STEP_UP_GRANTS, TWO_FACTOR } from "./twofactor/collections.js";
// Accounts (devices, sign-in history).
import { ACCOUNT_EMAILS, DEVICES, EMAIL_CHANGES, SIGN_INS } from "./accounts/collections.js";

export const COLLECTIONS: readonly CollectionSpec[] = [
  USERS,
  PAYMENTS,
  EVENTS,
  IDEMPOTENCY_KEYS,
  PAYMENT_GUARDS,
  PROVIDER_EVENTS,
  PROVIDER_REFS,
  UNANSWERED_REQUESTS,
  ALERTS,
  PAYMENT_CODES,
  COMPETITIONS,
  JUDGES,
  ENTRIES,
  SCORES,
  MAIL,
  RATE_LIMITS,
  SYSTEM,
  ADMIN_AUDIT,
  JOURNAL,
  LEDGER_ACCOUNTS,
  ACTIVITY,
  SHARDS,
  LEDGER_EVENTS,
  LEDGER_CHECKS,
  FEE_RULES,
  QUOTES,
  PINS,
  BILLS,
  BILL_EVENTS,
  BILL_VERIFICATIONS,
  BILL_SERVICES,
  BILL_GUARDS,
  REFUNDS,
  REFUND_EVENTS,
  PAYMENT_REFUNDS,
  WITHDRAWALS,
  WITHDRAWAL_EVENTS,
  WITHDRAWAL_LOCKS,
  WITHDRAWAL_DAYS,
  PAYOUT_RESULTS,
  PRODUCTS,
  CARTS,
  CHECKOUTS,
  ORDERS,
  INVOICE_COUNTERS,
  // The operator console and alert rules (operations/):
  ALERT_TIMELINE,
  OPS_COUNTERS,
  OPS_READINGS,
  ...POS_COLLECTIONS,
  // Contests' published results (judging).
  RESULTS,
  // Operations reports (issue 12).
  RECONCILIATION_REPORTS,
  ANALYTICS,
  ANALYTICS_MARKS,
  // Second factor (twofactor/).
  TWO_FACTOR,
  STEP_UP_GRANTS,
  // Accounts.
  DEVICES,
  SIGN_INS,
  EMAIL_CHANGES,
  ACCOUNT_EMAILS,
];
