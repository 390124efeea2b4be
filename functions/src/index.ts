// Wiring only: each export binds a trigger to a handler that lives with its feature.
import { logger } from "firebase-functions";
import { setGlobalOptions } from "firebase-functions/v2";
import { onDocumentCreated, onDocumentWritten } from "firebase-functions/v2/firestore";
import { onCall, onRequest } from "firebase-functions/v2/https";
import { onSchedule } from "firebase-functions/v2/scheduler";

import { CATALOGUE_REFRESH, refreshCatalogue } from "./bills/catalogue.js";
import { payBill as payBillHandler } from "./bills/pay.js";
import { quoteBill as quoteBillHandler } from "./bills/quote-bill.js";
import { resendBillReceipt as resendBillReceiptHandler } from "./bills/receipt.js";
import { requeryDueBills } from "./bills/requery.js";
import { payBillInput, quoteBillInput, resendBillReceiptInput, verifyBillCustomerInput } from "./bills/schemas.js";
import { verifyBillCustomer as verifyBillCustomerHandler } from "./bills/verify.js";
import { createBillsWebhookHandler } from "./bills/webhook.js";
import { handleCallable, type EdgePolicy } from "./core/callable.js";
import { params, PIN_SECRETS, secrets } from "./core/config.js";
import { db } from "./core/firebase.js";
import { browserEndpoint } from "./core/http.js";
import { deleteExpiredRateLimits } from "./core/rate-limit.js";
import { REGION } from "./core/region.js";
import { codeVersion } from "./core/version.js";
import { verifyPaymentCodeInput } from "./entries/schemas.js";
import { verifyPaymentCode as verifyPaymentCodeHandler } from "./entries/verify-code.js";
import { CHECK_TIME_ZONE, runLedgerCheck } from "./ledger/check.js";
import { quote as quoteHandler } from "./fees/quote.js";
import { quoteInput } from "./fees/schemas.js";
import { deliverMail } from "./notifications/send.js";
import { createHealthHandler, probeFirestore } from "./operations/health.js";
import { createCallbackHandler } from "./payments/callbacks.js";
import { createPayment as createPaymentHandler } from "./payments/create-payment.js";
import { reconcileStuckPayments } from "./payments/reconcile.js";
import { paymentSchema } from "./payments/records.js";
import { dispatchStatusChange } from "./payments/settlement.js";
import { getPaymentStatus as getPaymentStatusHandler } from "./payments/get-status.js";
import { createPaymentInput, getPaymentStatusInput } from "./payments/schemas.js";
import {
  billsProvider,
  collectionProvider,
  IOTEC_SECRETS,
  MPESA_SECRETS,
  PROVIDER_SECRETS,
  VTPASS_SECRETS,
} from "./providers/registry.js";
import { followPostedEntry } from "./rewards/award.js";
import { changePin as changePinHandler, setPin as setPinHandler, verifyPin } from "./wallet/pin.js";
import { changePinInput, setPinInput } from "./wallet/pin-schemas.js";
import { listWalletActivity as listWalletActivityHandler } from "./wallet/activity.js";
import { getWallet as getWalletHandler } from "./wallet/get-wallet.js";
import { getWalletInput, listWalletActivityInput } from "./wallet/schemas.js";

setGlobalOptions({ region: REGION });

const edge: EdgePolicy = {
  allowedOrigins: () => params.allowedOrigins.value(),
  enforceAppCheck: () => params.enforceAppCheck.value(),
};
// Preflight answers in production; the emulator allows every origin here, so handleCallable
// refuses other origins itself.
const callableCors = params.allowedOrigins;

export const health = onRequest(
  { cors: false, memory: "256MiB", maxInstances: 5 },
  browserEndpoint(
    { route: "health", methods: ["GET", "HEAD"], db, allowedOrigins: edge.allowedOrigins, now: Date.now },
    createHealthHandler({ probe: () => probeFirestore(db()), version: codeVersion }),
  ),
);

export const createPayment = onCall(
  { secrets: PROVIDER_SECRETS, timeoutSeconds: 60, cors: callableCors },
  handleCallable("createPayment", createPaymentInput, edge, (input, caller) =>
    createPaymentHandler(input, caller, {
      db: db(),
      provider: collectionProvider,
      allowSandboxPayers: params.allowSandboxPayers.value(),
      now: Date.now,
    }),
  ),
);

export const verifyPaymentCode = onCall(
  { cors: callableCors },
  handleCallable("verifyPaymentCode", verifyPaymentCodeInput, edge, (input, caller) =>
    verifyPaymentCodeHandler(input, caller, { db: db(), now: Date.now }),
  ),
);

export const getPaymentStatus = onCall(
  { cors: callableCors },
  handleCallable("getPaymentStatus", getPaymentStatusInput, edge, (input, caller) =>
    getPaymentStatusHandler(input, caller, { db: db(), now: Date.now }),
  ),
);

export const quote = onCall(
  { cors: callableCors },
  handleCallable("quote", quoteInput, edge, (input, caller) =>
    quoteHandler(input, caller, { db: db(), now: Date.now }),
  ),
);

export const setPin = onCall(
  { secrets: PIN_SECRETS, cors: callableCors },
  handleCallable("setPin", setPinInput, edge, (input, caller) =>
    setPinHandler(input, caller, { db: db(), now: Date.now }),
  ),
);

export const changePin = onCall(
  { secrets: PIN_SECRETS, cors: callableCors },
  handleCallable("changePin", changePinInput, edge, (input, caller) =>
    changePinHandler(input, caller, { db: db(), now: Date.now }),
  ),
);

export const getWallet = onCall(
  { cors: callableCors },
  handleCallable("getWallet", getWalletInput, edge, (input, caller) =>
    getWalletHandler(input, caller, { db: db(), now: Date.now }),
  ),
);

export const listWalletActivity = onCall(
  { cors: callableCors },
  handleCallable("listWalletActivity", listWalletActivityInput, edge, (input, caller) =>
    listWalletActivityHandler(input, caller, { db: db(), now: Date.now }),
  ),
);

const billsDeps = () => ({ db: db(), provider: billsProvider, now: Date.now, verifyPin });

export const quoteBill = onCall(
  { secrets: VTPASS_SECRETS, cors: callableCors },
  handleCallable("quoteBill", quoteBillInput, edge, (input, caller) => quoteBillHandler(input, caller, billsDeps())),
);

export const verifyBillCustomer = onCall(
  { secrets: VTPASS_SECRETS, cors: callableCors },
  handleCallable("verifyBillCustomer", verifyBillCustomerInput, edge, (input, caller) =>
    verifyBillCustomerHandler(input, caller, billsDeps()),
  ),
);

export const payBill = onCall(
  { secrets: [...VTPASS_SECRETS, ...PIN_SECRETS], timeoutSeconds: 60, cors: callableCors },
  handleCallable("payBill", payBillInput, edge, (input, caller) => payBillHandler(input, caller, billsDeps())),
);

export const resendBillReceipt = onCall(
  { cors: callableCors },
  handleCallable("resendBillReceipt", resendBillReceiptInput, edge, (input, caller) =>
    resendBillReceiptHandler(input, caller, { db: db(), now: Date.now }),
  ),
);

export const vtpassWebhook = onRequest({ secrets: VTPASS_SECRETS, cors: false }, createBillsWebhookHandler(billsDeps));

// Pending bills asked about again on their schedule (bills/schedule.ts); never released by time.
export const requeryBills = onSchedule(
  { schedule: "every 1 minutes", secrets: VTPASS_SECRETS, timeoutSeconds: 300 },
  async () => {
    const report = await requeryDueBills(billsDeps());
    if (report.checked > 0) logger.info("bills re-queried", report);
  },
);

export const refreshBillCatalogue = onSchedule(
  { schedule: CATALOGUE_REFRESH, secrets: VTPASS_SECRETS, timeoutSeconds: 300 },
  async () => {
    const report = await refreshCatalogue(db(), billsProvider(), Date.now);
    if (report.failed.length > 0) logger.warn("bills catalogue refreshed in part", report);
    else logger.info("bills catalogue refreshed", report);
  },
);

export const mpesaCallback = onRequest(
  { secrets: MPESA_SECRETS, cors: false },
  createCallbackHandler({ db, provider: () => collectionProvider("mpesa"), now: Date.now }),
);

export const iotecCallback = onRequest(
  { secrets: IOTEC_SECRETS, cors: false },
  createCallbackHandler({ db, provider: () => collectionProvider("iotec"), now: Date.now }),
);

export const onPaymentWritten = onDocumentWritten("payments/{paymentId}", async (event) => {
  const before = event.data?.before.data();
  const after = event.data?.after.data();
  const parsedBefore = before === undefined ? undefined : paymentSchema.safeParse(before);
  const parsedAfter = after === undefined ? undefined : paymentSchema.safeParse(after);
  if (parsedBefore?.success === false || parsedAfter?.success === false) {
    // Only functions write payments; a malformed one is a bug to look at, not to retry forever.
    logger.error("malformed payment document; nothing dispatched", { paymentId: event.params.paymentId });
    return;
  }
  await dispatchStatusChange(db(), event.params.paymentId, parsedBefore?.data, parsedAfter?.data, event.id);
});

// Entries that asked to be announced when posted (purchases, their reversals): reward points.
export const onLedgerEntryPosted = onDocumentCreated("ledgerEvents/{entryId}", async (event) => {
  await followPostedEntry(db(), event.params.entryId);
});

// The nightly ledger check: every entry balances, every account equals its activity.
export const checkLedger = onSchedule(
  { schedule: "every day 02:00", timeZone: CHECK_TIME_ZONE, timeoutSeconds: 540, memory: "512MiB" },
  async () => {
    const report = await runLedgerCheck(db());
    const summary = { date: report.date, entries: report.entriesChecked, accounts: report.accountsChecked };
    if (report.ok) logger.info("ledger check: balanced", summary);
    else logger.error("ledger check found differences; an alert was raised", summary);
  },
);

export const sendMail = onDocumentCreated(
  { document: "mail/{mailId}", secrets: [secrets.sendgridApiKey] },
  async (event) => {
    if (!event.data) return;
    await deliverMail(event.data.ref, {
      db: db(),
      apiKey: secrets.sendgridApiKey.value(),
      from: params.mailFrom.value(),
    });
  },
);

export const reconcilePayments = onSchedule(
  { schedule: "every 5 minutes", secrets: PROVIDER_SECRETS, timeoutSeconds: 300 },
  async () => {
    await reconcileStuckPayments({ db: db(), provider: collectionProvider, now: Date.now });
  },
);

// Rate-limit buckets whose window has ended; the TTL policy on expiresAt does the same in
// production, within a day, and this keeps the collection small in between (and in the emulator).
export const cleanupRateLimits = onSchedule({ schedule: "every 60 minutes", timeoutSeconds: 300 }, async () => {
  const deleted = await deleteExpiredRateLimits(db(), Date.now());
  logger.info("expired rate-limit buckets deleted", { deleted });
});
