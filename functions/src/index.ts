// The entry point: wiring only. Every function's deploy options are declared in endpoints/ (one
// module per trigger kind) and its code is imported on its first call.
//
// Deployed, each function runs in its own instances, where the platform sets FUNCTION_TARGET to
// its export name (the Functions emulator does the same in each worker): such an instance loads
// only the endpoints module of its function's kind, so `health` never loads the Firestore
// triggers' SDK and `sendMail` never loads the HTTPS one. Without FUNCTION_TARGET (the CLI's
// deploy analysis, tests) or with a name not listed here, every module loads and every export is
// defined. The other exports of a targeted instance are undefined: nothing there calls them.
import { createRequire } from "node:module";

import { setGlobalOptions } from "firebase-functions/v2/options";

import { REGION } from "./core/region.js";
import type * as HttpsEndpoints from "./endpoints/https.js";
import type * as IdentityEndpoints from "./endpoints/identity.js";
import type * as ScheduleEndpoints from "./endpoints/schedules.js";
import type * as TriggerEndpoints from "./endpoints/triggers.js";

setGlobalOptions({ region: REGION });

const HTTPS = [
  "health",
  "createPayment",
  "checkout",
  "addToCart",
  "updateCartLine",
  "removeFromCart",
  "getCart",
  "verifyPaymentCode",
  "resendPaymentCode",
  "submitEntry",
  "publishResults",
  "getPaymentStatus",
  "quote",
  "setPin",
  "changePin",
  "getWallet",
  "listWalletActivity",
  "quoteBill",
  "verifyBillCustomer",
  "payBill",
  "resendBillReceipt",
  "refundPayment",
  "withdraw",
  "getWithdrawal",
  "getWithdrawalOptions",
  "darajaResult",
  "vtpassWebhook",
  "mpesaCallback",
  "iotecCallback",
  "paystackWebhook",
  // Second factor (twofactor/).
  "startTwoFactorEnrolment",
  "confirmTwoFactorEnrolment",
  "disableTwoFactor",
  "stepUp",
  // Accounts (accounts/).
  "signOutEverywhere",
  "removeDevice",
  "setDeviceTrusted",
  "requestEmailChange",
  "confirmEmailChange",
  // Commerce (commerce/): the invoice download.
  "getInvoiceLink",
  "invoicePdf",
  // Operations (operations/): the Mailbox retry.
  "retryMailDelivery",
  // Point of sale (pos/).
  "createStore",
  "registerTill",
];
const TRIGGERS = [
  "onPaymentWritten",
  "onLedgerEntryPosted",
  "sendMail",
  "onPosSaleCreated",
  "onPosVoidCreated",
  "onPosExpenseCreated",
  "onPosAdjustmentCreated",
];
const IDENTITY = ["limitNewAccounts", "recordSignIn"];
const SCHEDULES = [
  "requeryBills",
  "requeryRefunds",
  "requeryWithdrawals",
  "refreshBillCatalogue",
  "checkLedger",
  "reconcilePayments",
  "cleanupRateLimits",
  "retryMail",
  "evaluateAlerts",
  "reconciliationReport",
];

const target = process.env.FUNCTION_TARGET ?? "";
const listed = [...HTTPS, ...TRIGGERS, ...SCHEDULES, ...IDENTITY].includes(target);
const loads = (kind: readonly string[]): boolean => !listed || kind.includes(target);

// Loaded synchronously with require(), which Node 22 allows for ES modules without top-level
// await: the Functions emulator and the CLI's analysis require() this entry point, and refuse one
// with top-level await. Each endpoints module is its own file in the bundle (functions/build.ts).
const load = createRequire(import.meta.url);
const https = loads(HTTPS) ? (load("./endpoints/https.js") as typeof HttpsEndpoints) : undefined;
const triggers = loads(TRIGGERS) ? (load("./endpoints/triggers.js") as typeof TriggerEndpoints) : undefined;
const schedules = loads(SCHEDULES) ? (load("./endpoints/schedules.js") as typeof ScheduleEndpoints) : undefined;
const identity = loads(IDENTITY) ? (load("./endpoints/identity.js") as typeof IdentityEndpoints) : undefined;

export const health = https?.health;
export const createPayment = https?.createPayment;
export const checkout = https?.checkout;
export const addToCart = https?.addToCart;
export const updateCartLine = https?.updateCartLine;
export const removeFromCart = https?.removeFromCart;
export const getCart = https?.getCart;
export const verifyPaymentCode = https?.verifyPaymentCode;
export const resendPaymentCode = https?.resendPaymentCode;
export const submitEntry = https?.submitEntry;
export const publishResults = https?.publishResults;
export const getPaymentStatus = https?.getPaymentStatus;
export const quote = https?.quote;
export const setPin = https?.setPin;
export const changePin = https?.changePin;
export const getWallet = https?.getWallet;
export const listWalletActivity = https?.listWalletActivity;
export const quoteBill = https?.quoteBill;
export const verifyBillCustomer = https?.verifyBillCustomer;
export const payBill = https?.payBill;
export const resendBillReceipt = https?.resendBillReceipt;
export const refundPayment = https?.refundPayment;
export const withdraw = https?.withdraw;
export const getWithdrawal = https?.getWithdrawal;
export const getWithdrawalOptions = https?.getWithdrawalOptions;
export const darajaResult = https?.darajaResult;
export const vtpassWebhook = https?.vtpassWebhook;
export const mpesaCallback = https?.mpesaCallback;
export const iotecCallback = https?.iotecCallback;
export const paystackWebhook = https?.paystackWebhook;
// Second factor (twofactor/).
export const startTwoFactorEnrolment = https?.startTwoFactorEnrolment;
export const confirmTwoFactorEnrolment = https?.confirmTwoFactorEnrolment;
export const disableTwoFactor = https?.disableTwoFactor;
export const stepUp = https?.stepUp;
// Accounts (accounts/).
export const signOutEverywhere = https?.signOutEverywhere;
export const removeDevice = https?.removeDevice;
export const setDeviceTrusted = https?.setDeviceTrusted;
export const requestEmailChange = https?.requestEmailChange;
export const confirmEmailChange = https?.confirmEmailChange;
// Commerce (commerce/): the invoice download.
export const getInvoiceLink = https?.getInvoiceLink;
export const invoicePdf = https?.invoicePdf;
// Operations (operations/): the Mailbox retry.
export const retryMailDelivery = https?.retryMailDelivery;
// Point of sale (pos/).
export const createStore = https?.createStore;
export const registerTill = https?.registerTill;

export const onPaymentWritten = triggers?.onPaymentWritten;
export const onLedgerEntryPosted = triggers?.onLedgerEntryPosted;
export const sendMail = triggers?.sendMail;
export const onPosSaleCreated = triggers?.onPosSaleCreated;
export const onPosVoidCreated = triggers?.onPosVoidCreated;
export const onPosExpenseCreated = triggers?.onPosExpenseCreated;
export const onPosAdjustmentCreated = triggers?.onPosAdjustmentCreated;

export const requeryBills = schedules?.requeryBills;
export const requeryRefunds = schedules?.requeryRefunds;
export const requeryWithdrawals = schedules?.requeryWithdrawals;
export const refreshBillCatalogue = schedules?.refreshBillCatalogue;
export const checkLedger = schedules?.checkLedger;
export const reconcilePayments = schedules?.reconcilePayments;
export const cleanupRateLimits = schedules?.cleanupRateLimits;
export const retryMail = schedules?.retryMail;
export const evaluateAlerts = schedules?.evaluateAlerts;
export const reconciliationReport = schedules?.reconciliationReport;

export const limitNewAccounts = identity?.limitNewAccounts;
export const recordSignIn = identity?.recordSignIn;
