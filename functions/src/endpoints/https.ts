// The HTTPS functions, callables and plain requests: their deploy options are declared here, at
// import; each one's code (its feature modules, zod schemas, the Admin SDK, provider adapters)
// is imported on its first call. import() is memoised by the module loader, so later calls reuse
// the loaded modules.
import { onCall, onRequest } from "firebase-functions/v2/https";

import { needsSessionCheck } from "../accounts/routes.js";
import { INVOICE_LINK_SECRETS } from "../commerce/config.js";
import { handleCallable, type EdgePolicy } from "../core/callable.js";
import { params, PIN_SECRETS, secrets, TWO_FACTOR_SECRETS } from "../core/config.js";
import { twoFactorParams } from "../twofactor/params.js";
import { payoutParams } from "../payouts/config.js";
import {
  MPESA_SECRETS,
  PAYOUT_SECRETS,
  PAYSTACK_SECRETS,
  PROVIDER_SECRETS,
  VTPASS_SECRETS,
} from "../providers/params.js";
import { lazyHandler } from "./lazy.js";

const edge: EdgePolicy = {
  allowedOrigins: () => params.allowedOrigins.value(),
  enforceAppCheck: () => params.enforceAppCheck.value(),
  // Revoked sessions, new accounts per address and the device (accounts/session.ts), loaded only
  // by the calls that need them.
  admit: async (name, caller, request) => {
    if (!needsSessionCheck(name, caller.deviceId)) return;
    const { sessionCheck } = await import("../accounts/edge.js");
    await sessionCheck(name, caller, request);
  },
  // Unexpected errors and slow answers, counted per minute for the alert rules (operations/).
  record: async (metric) => {
    try {
      const [{ db }, { recordCallMetric }] = await Promise.all([firebase(), import("../operations/metrics.js")]);
      await recordCallMetric(db(), metric);
    } catch {
      // Counting must never change a call's answer; recordCallMetric logs its own failures.
    }
  },
};
// Preflight answers in production; the emulator allows every origin here, so handleCallable
// refuses other origins itself.
const callableCors = params.allowedOrigins;

const firebase = () => import("../core/firebase.js");

/** What most handlers are given: the database and the clock. */
async function basics() {
  const { db } = await firebase();
  return { db: db(), now: Date.now };
}

/** The bills handlers' dependencies, built from the modules once they are loaded. */
async function billsDeps() {
  const [{ db }, { billsProvider }, { verifyPin }, { parseStepUpThresholds }] = await Promise.all([
    firebase(),
    import("../providers/registry.js"),
    import("../wallet/pin.js"),
    import("../twofactor/config.js"),
  ]);
  return () => ({
    db: db(),
    provider: billsProvider,
    now: Date.now,
    verifyPin,
    stepUpPurchaseOver: () => parseStepUpThresholds(twoFactorParams.stepUpPurchaseOver.value()),
  });
}

/** The withdrawal handlers' dependencies, built from the modules once they are loaded. */
async function payoutsDeps() {
  const [{ db }, { payoutProvider }, { verifyPin }, { parseWithdrawalLimits, parseFloatLow }] = await Promise.all([
    firebase(),
    import("../providers/registry.js"),
    import("../wallet/pin.js"),
    import("../payouts/config.js"),
  ]);
  return () => ({
    db: db(),
    provider: payoutProvider,
    now: Date.now,
    verifyPin,
    limits: () => parseWithdrawalLimits(payoutParams.withdrawalLimits.value()),
    floatLow: () => parseFloatLow(payoutParams.floatLow.value()),
    allowSandboxPayers: params.allowSandboxPayers.value(),
  });
}

export const health = onRequest(
  { cors: false, memory: "256MiB", maxInstances: 5 },
  lazyHandler(async () => {
    const [{ db }, { browserEndpoint }, { createHealthHandler, probeFirestore }, { codeVersion }] = await Promise.all([
      firebase(),
      import("../core/http.js"),
      import("../operations/health.js"),
      import("../core/version.js"),
    ]);
    return browserEndpoint(
      { route: "health", methods: ["GET", "HEAD"], db, allowedOrigins: edge.allowedOrigins, now: Date.now },
      createHealthHandler({ probe: () => probeFirestore(db()), version: codeVersion }),
    );
  }),
);

export const createPayment = onCall(
  { secrets: PROVIDER_SECRETS, timeoutSeconds: 60, cors: callableCors },
  handleCallable(
    "createPayment",
    async () => (await import("../payments/schemas.js")).createPaymentInput,
    edge,
    async (input, caller) => {
      const [{ db }, { createPayment }, { collectionProvider }] = await Promise.all([
        firebase(),
        import("../payments/create-payment.js"),
        import("../providers/registry.js"),
      ]);
      return createPayment(input, caller, {
        db: db(),
        provider: collectionProvider,
        allowSandboxPayers: params.allowSandboxPayers.value(),
        now: Date.now,
      });
    },
  ),
);

// The shop: cart changes and reads, then checkout, which starts the order's payment for the
// server's quote (so it needs the providers' secrets, as createPayment does).
export const checkout = onCall(
  { secrets: PROVIDER_SECRETS, timeoutSeconds: 60, cors: callableCors },
  handleCallable(
    "checkout",
    async () => (await import("../commerce/schemas.js")).checkoutInput,
    edge,
    async (input, caller) => {
      const [{ db }, { checkout }, { collectionProvider }] = await Promise.all([
        firebase(),
        import("../commerce/checkout.js"),
        import("../providers/registry.js"),
      ]);
      return checkout(input, caller, {
        db: db(),
        provider: collectionProvider,
        allowSandboxPayers: params.allowSandboxPayers.value(),
        now: Date.now,
      });
    },
  ),
);

export const addToCart = onCall(
  { cors: callableCors },
  handleCallable(
    "addToCart",
    async () => (await import("../commerce/schemas.js")).addToCartInput,
    edge,
    async (input, caller) => {
      const { addToCart } = await import("../commerce/cart.js");
      return addToCart(input, caller, await basics());
    },
  ),
);

export const updateCartLine = onCall(
  { cors: callableCors },
  handleCallable(
    "updateCartLine",
    async () => (await import("../commerce/schemas.js")).updateCartLineInput,
    edge,
    async (input, caller) => {
      const { updateCartLine } = await import("../commerce/cart.js");
      return updateCartLine(input, caller, await basics());
    },
  ),
);

export const removeFromCart = onCall(
  { cors: callableCors },
  handleCallable(
    "removeFromCart",
    async () => (await import("../commerce/schemas.js")).removeFromCartInput,
    edge,
    async (input, caller) => {
      const { removeFromCart } = await import("../commerce/cart.js");
      return removeFromCart(input, caller, await basics());
    },
  ),
);

export const getCart = onCall(
  { cors: callableCors },
  handleCallable(
    "getCart",
    async () => (await import("../commerce/schemas.js")).getCartInput,
    edge,
    async (input, caller) => {
      const { getCart } = await import("../commerce/cart.js");
      return getCart(input, caller, await basics());
    },
  ),
);

export const verifyPaymentCode = onCall(
  { cors: callableCors },
  handleCallable(
    "verifyPaymentCode",
    async () => (await import("../entries/schemas.js")).verifyPaymentCodeInput,
    edge,
    async (input, caller) => {
      const { verifyPaymentCode } = await import("../entries/verify-code.js");
      return verifyPaymentCode(input, caller, await basics());
    },
  ),
);

export const resendPaymentCode = onCall(
  { cors: callableCors },
  handleCallable(
    "resendPaymentCode",
    async () => (await import("../entries/schemas.js")).resendPaymentCodeInput,
    edge,
    async (input, caller) => {
      const { resendPaymentCode } = await import("../entries/codes.js");
      return resendPaymentCode(input, caller, await basics());
    },
  ),
);

export const submitEntry = onCall(
  { cors: callableCors },
  handleCallable(
    "submitEntry",
    async () => (await import("../entries/schemas.js")).submitEntryInput,
    edge,
    async (input, caller) => {
      const { submitEntry } = await import("../entries/entries.js");
      return submitEntry(input, caller, await basics());
    },
  ),
);

// Operators publish a competition's results once judging has closed (docs/contests.md).
export const publishResults = onCall(
  { cors: callableCors },
  handleCallable(
    "publishResults",
    async () => (await import("../entries/schemas.js")).publishResultsInput,
    edge,
    async (input, caller) => {
      const { publishResults } = await import("../entries/results.js");
      return publishResults(input, caller, await basics());
    },
  ),
);

export const getPaymentStatus = onCall(
  { cors: callableCors },
  handleCallable(
    "getPaymentStatus",
    async () => (await import("../payments/schemas.js")).getPaymentStatusInput,
    edge,
    async (input, caller) => {
      const { getPaymentStatus } = await import("../payments/get-status.js");
      return getPaymentStatus(input, caller, await basics());
    },
  ),
);

export const quote = onCall(
  { cors: callableCors },
  handleCallable(
    "quote",
    async () => (await import("../fees/schemas.js")).quoteInput,
    edge,
    async (input, caller) => {
      const { quote } = await import("../fees/quote.js");
      return quote(input, caller, await basics());
    },
  ),
);

export const setPin = onCall(
  { secrets: PIN_SECRETS, cors: callableCors },
  handleCallable(
    "setPin",
    async () => (await import("../wallet/pin-schemas.js")).setPinInput,
    edge,
    async (input, caller) => {
      const { setPin } = await import("../wallet/pin.js");
      return setPin(input, caller, await basics());
    },
  ),
);

export const changePin = onCall(
  { secrets: PIN_SECRETS, cors: callableCors },
  handleCallable(
    "changePin",
    async () => (await import("../wallet/pin-schemas.js")).changePinInput,
    edge,
    async (input, caller) => {
      const { changePin } = await import("../wallet/pin.js");
      return changePin(input, caller, await basics());
    },
  ),
);

export const getWallet = onCall(
  { cors: callableCors },
  handleCallable(
    "getWallet",
    async () => (await import("../wallet/schemas.js")).getWalletInput,
    edge,
    async (input, caller) => {
      const { getWallet } = await import("../wallet/get-wallet.js");
      return getWallet(input, caller, await basics());
    },
  ),
);

export const listWalletActivity = onCall(
  { cors: callableCors },
  handleCallable(
    "listWalletActivity",
    async () => (await import("../wallet/schemas.js")).listWalletActivityInput,
    edge,
    async (input, caller) => {
      const { listWalletActivity } = await import("../wallet/activity.js");
      return listWalletActivity(input, caller, await basics());
    },
  ),
);

export const quoteBill = onCall(
  { secrets: VTPASS_SECRETS, cors: callableCors },
  handleCallable(
    "quoteBill",
    async () => (await import("../bills/schemas.js")).quoteBillInput,
    edge,
    async (input, caller) => {
      const [{ quoteBill }, deps] = await Promise.all([import("../bills/quote-bill.js"), billsDeps()]);
      return quoteBill(input, caller, deps());
    },
  ),
);

export const verifyBillCustomer = onCall(
  { secrets: VTPASS_SECRETS, cors: callableCors },
  handleCallable(
    "verifyBillCustomer",
    async () => (await import("../bills/schemas.js")).verifyBillCustomerInput,
    edge,
    async (input, caller) => {
      const [{ verifyBillCustomer }, deps] = await Promise.all([import("../bills/verify.js"), billsDeps()]);
      return verifyBillCustomer(input, caller, deps());
    },
  ),
);

export const payBill = onCall(
  { secrets: [...VTPASS_SECRETS, ...PIN_SECRETS], timeoutSeconds: 60, cors: callableCors },
  handleCallable(
    "payBill",
    async () => (await import("../bills/schemas.js")).payBillInput,
    edge,
    async (input, caller) => {
      const [{ payBill }, deps] = await Promise.all([import("../bills/pay.js"), billsDeps()]);
      return payBill(input, caller, deps());
    },
  ),
);

export const resendBillReceipt = onCall(
  { cors: callableCors },
  handleCallable(
    "resendBillReceipt",
    async () => (await import("../bills/schemas.js")).resendBillReceiptInput,
    edge,
    async (input, caller) => {
      const { resendBillReceipt } = await import("../bills/receipt.js");
      return resendBillReceipt(input, caller, await basics());
    },
  ),
);

/** The refunds handlers' dependencies: payouts and reversals through the registry. */
async function refundDeps() {
  const [{ db }, { payoutProvider, reversalProvider }] = await Promise.all([
    firebase(),
    import("../providers/registry.js"),
  ]);
  return { db: db(), now: Date.now, payouts: payoutProvider, reversals: reversalProvider };
}

// Operators only (the `admin` claim): refunds all or part of a succeeded payment (docs/refunds.md).
export const refundPayment = onCall(
  { secrets: PAYOUT_SECRETS, timeoutSeconds: 60, cors: callableCors },
  handleCallable(
    "refundPayment",
    async () => (await import("../refunds/schemas.js")).refundPaymentInput,
    edge,
    async (input, caller) => {
      const [{ refundPayment }, deps] = await Promise.all([import("../refunds/refund.js"), refundDeps()]);
      return refundPayment(input, caller, deps);
    },
  ),
);

export const vtpassWebhook = onRequest(
  { secrets: VTPASS_SECRETS, cors: false },
  lazyHandler(async () => {
    const [{ createBillsWebhookHandler }, deps] = await Promise.all([import("../bills/webhook.js"), billsDeps()]);
    return createBillsWebhookHandler(deps);
  }),
);

export const withdraw = onCall(
  { secrets: [...PAYOUT_SECRETS, ...PIN_SECRETS], timeoutSeconds: 60, cors: callableCors },
  handleCallable(
    "withdraw",
    async () => (await import("../payouts/schemas.js")).withdrawInput,
    edge,
    async (input, caller) => {
      const [{ withdraw }, deps] = await Promise.all([import("../payouts/withdraw.js"), payoutsDeps()]);
      return withdraw(input, caller, deps());
    },
  ),
);

export const getWithdrawal = onCall(
  { cors: callableCors },
  handleCallable(
    "getWithdrawal",
    async () => (await import("../payouts/schemas.js")).getWithdrawalInput,
    edge,
    async (input, caller) => {
      const { getWithdrawal } = await import("../payouts/read.js");
      return getWithdrawal(input, caller, await basics());
    },
  ),
);

export const getWithdrawalOptions = onCall(
  { secrets: PAYOUT_SECRETS, cors: callableCors },
  handleCallable(
    "getWithdrawalOptions",
    async () => (await import("../payouts/schemas.js")).getWithdrawalOptionsInput,
    edge,
    async (input, caller) => {
      const [{ getWithdrawalOptions }, deps] = await Promise.all([import("../payouts/read.js"), payoutsDeps()]);
      return getWithdrawalOptions(input, caller, deps());
    },
  ),
);

// Daraja's B2C, Transaction Status and Reversal results (the MPESA_RESULT_URL); answered
// {"ResultCode":0,"ResultDesc":"Accepted"} once applied.
export const darajaResult = onRequest(
  { secrets: PAYOUT_SECRETS, cors: false },
  lazyHandler(async () => {
    const [{ createPayoutResultHandler }, deps] = await Promise.all([import("../payouts/results.js"), payoutsDeps()]);
    return createPayoutResultHandler(deps, "mpesa");
  }),
);

/** A provider's callback endpoint, built on its first request. */
function providerCallback(provider: "mpesa" | "iotec" | "paystack") {
  return lazyHandler(async () => {
    const [{ db }, { createCallbackHandler }, { collectionProvider }] = await Promise.all([
      firebase(),
      import("../payments/callbacks.js"),
      import("../providers/registry.js"),
    ]);
    return createCallbackHandler({ db, provider: () => collectionProvider(provider), now: Date.now });
  });
}

export const mpesaCallback = onRequest({ secrets: MPESA_SECRETS, cors: false }, providerCallback("mpesa"));

// ioTec calls one URL per wallet for collections and disbursements alike: a callback naming one of
// our payout ids (its externalId) is a payout result, anything else a collection's.
const iotecCollectionCallback = providerCallback("iotec");
export const iotecCallback = onRequest(
  { secrets: PAYOUT_SECRETS, cors: false },
  lazyHandler(async () => {
    const [{ createPayoutResultHandler, isPayoutCallback }, deps] = await Promise.all([
      import("../payouts/results.js"),
      payoutsDeps(),
    ]);
    const payouts = createPayoutResultHandler(deps, "iotec");
    const collections = iotecCollectionCallback;
    return (req, res) => (isPayoutCallback(req.body) ? payouts(req, res) : collections(req, res));
  }),
);

// Signed over the raw body (req.rawBody), then verified at Paystack before anything changes.
export const paystackWebhook = onRequest({ secrets: PAYSTACK_SECRETS, cors: false }, providerCallback("paystack"));

// Second factor (twofactor/, docs/accounts.md "Second factor"): TOTP enrolment, turning it off,
// and step-up grants for withdrawals, PIN changes and large purchases. Each decrypts the TOTP
// secret or peppers a recovery code, so each lists TWO_FACTOR_SECRETS.
export const startTwoFactorEnrolment = onCall(
  { secrets: TWO_FACTOR_SECRETS, cors: callableCors },
  handleCallable(
    "startTwoFactorEnrolment",
    async () => (await import("../twofactor/schemas.js")).startTwoFactorEnrolmentInput,
    edge,
    async (input, caller) => {
      const { startTwoFactorEnrolment } = await import("../twofactor/enrol.js");
      return startTwoFactorEnrolment(input, caller, await basics());
    },
  ),
);

export const confirmTwoFactorEnrolment = onCall(
  { secrets: TWO_FACTOR_SECRETS, cors: callableCors },
  handleCallable(
    "confirmTwoFactorEnrolment",
    async () => (await import("../twofactor/schemas.js")).confirmTwoFactorEnrolmentInput,
    edge,
    async (input, caller) => {
      const { confirmTwoFactorEnrolment } = await import("../twofactor/enrol.js");
      return confirmTwoFactorEnrolment(input, caller, await basics());
    },
  ),
);

export const disableTwoFactor = onCall(
  { secrets: TWO_FACTOR_SECRETS, cors: callableCors },
  handleCallable(
    "disableTwoFactor",
    async () => (await import("../twofactor/schemas.js")).disableTwoFactorInput,
    edge,
    async (input, caller) => {
      const { disableTwoFactor } = await import("../twofactor/enrol.js");
      return disableTwoFactor(input, caller, await basics());
    },
  ),
);

export const stepUp = onCall(
  { secrets: TWO_FACTOR_SECRETS, cors: callableCors },
  handleCallable(
    "stepUp",
    async () => (await import("../twofactor/schemas.js")).stepUpInput,
    edge,
    async (input, caller) => {
      const { stepUp } = await import("../twofactor/step-up.js");
      return stepUp(input, caller, await basics());
    },
  ),
);

// Accounts (accounts/, docs/accounts.md): sign out everywhere, and the caller's devices.
async function accountDeps() {
  const [{ db }, { revokeSessions }] = await Promise.all([firebase(), import("../accounts/edge.js")]);
  return { db: db(), now: Date.now, revokeSessions };
}

export const signOutEverywhere = onCall(
  { cors: callableCors },
  handleCallable(
    "signOutEverywhere",
    async () => (await import("../accounts/schemas.js")).signOutEverywhereInput,
    edge,
    async (input, caller) => {
      const [{ signOutEverywhere }, deps] = await Promise.all([import("../accounts/devices.js"), accountDeps()]);
      return signOutEverywhere(input, caller, deps);
    },
  ),
);

export const removeDevice = onCall(
  { cors: callableCors },
  handleCallable(
    "removeDevice",
    async () => (await import("../accounts/schemas.js")).removeDeviceInput,
    edge,
    async (input, caller) => {
      const [{ removeDevice }, deps] = await Promise.all([import("../accounts/devices.js"), accountDeps()]);
      return removeDevice(input, caller, deps);
    },
  ),
);

export const setDeviceTrusted = onCall(
  { cors: callableCors },
  handleCallable(
    "setDeviceTrusted",
    async () => (await import("../accounts/schemas.js")).setDeviceTrustedInput,
    edge,
    async (input, caller) => {
      const { setDeviceTrusted } = await import("../accounts/devices.js");
      return setDeviceTrusted(input, caller, await basics());
    },
  ),
);

// Changing the account's email (accounts/email-change.ts): a code mailed to the new address.
async function emailChangeDeps() {
  const [{ db }, { emailChangeAuth }] = await Promise.all([firebase(), import("../accounts/edge.js")]);
  return { db: db(), now: Date.now, ...emailChangeAuth };
}

export const requestEmailChange = onCall(
  { cors: callableCors },
  handleCallable(
    "requestEmailChange",
    async () => (await import("../accounts/schemas.js")).requestEmailChangeInput,
    edge,
    async (input, caller) => {
      const [{ requestEmailChange }, deps] = await Promise.all([
        import("../accounts/email-change.js"),
        emailChangeDeps(),
      ]);
      return requestEmailChange(input, caller, deps);
    },
  ),
);

export const confirmEmailChange = onCall(
  { cors: callableCors },
  handleCallable(
    "confirmEmailChange",
    async () => (await import("../accounts/schemas.js")).confirmEmailChangeInput,
    edge,
    async (input, caller) => {
      const [{ confirmEmailChange }, deps] = await Promise.all([
        import("../accounts/email-change.js"),
        emailChangeDeps(),
      ]);
      return confirmEmailChange(input, caller, deps);
    },
  ),
);

// The shop's invoice download (docs/commerce.md, "The invoice PDF"): the order page's link from
// getInvoiceLink, and the PDF itself, served on the page's origin through Hosting's
// /api/invoices/** rewrite.
export const getInvoiceLink = onCall(
  { secrets: INVOICE_LINK_SECRETS, cors: callableCors },
  handleCallable(
    "getInvoiceLink",
    async () => (await import("../commerce/schemas.js")).getInvoiceLinkInput,
    edge,
    async (input, caller) => {
      const { getInvoiceLink } = await import("../commerce/get-invoice-link.js");
      return getInvoiceLink(input, caller, await basics());
    },
  ),
);

export const invoicePdf = onRequest(
  { secrets: INVOICE_LINK_SECRETS, cors: false, memory: "256MiB" },
  lazyHandler(async () => {
    const [{ db, auth }, { browserEndpoint }, { createInvoicePdfHandler }, { linkSecret }] = await Promise.all([
      firebase(),
      import("../core/http.js"),
      import("../commerce/invoice-http.js"),
      import("../commerce/invoice-link.js"),
    ]);
    const handler = createInvoicePdfHandler({
      db,
      secret: linkSecret,
      verifyIdToken: async (idToken) => {
        const decoded = await auth().verifyIdToken(idToken);
        return { uid: decoded.uid, admin: decoded.admin };
      },
      now: Date.now,
    });
    return browserEndpoint(
      { route: "invoicePdf", methods: ["GET", "HEAD"], db, allowedOrigins: edge.allowedOrigins, now: Date.now },
      (req, res) => handler(req, res as unknown as Parameters<typeof handler>[1]),
    );
  }),
);

// Operators only (the `admin` claim): the console's Mailbox retries a mail that was not sent,
// audited in adminAudit (operations/retry-mail.ts).
export const retryMailDelivery = onCall(
  { secrets: [secrets.sendgridApiKey], timeoutSeconds: 60, cors: callableCors },
  handleCallable(
    "retryMailDelivery",
    async () => (await import("../operations/schemas.js")).retryMailInput,
    edge,
    async (input, caller) => {
      const [{ db }, { retryMailDelivery: retry }, { deliverMail }] = await Promise.all([
        firebase(),
        import("../operations/retry-mail.js"),
        import("../notifications/send.js"),
      ]);
      const deps = { db: db(), apiKey: secrets.sendgridApiKey.value(), from: params.mailFrom.value() };
      return retry(input, caller, { db: deps.db, now: Date.now, deliver: (ref) => deliverMail(ref, deps) });
    },
  ),
);

// The point of sale (pos/, docs/pos.md): a shop opens its store and registers its tills here; the
// tills' sales, expenses and adjustments are Firestore writes, applied by the pos triggers.
export const createStore = onCall(
  { cors: callableCors },
  handleCallable(
    "createStore",
    async () => (await import("../pos/schemas.js")).createStoreInput,
    edge,
    async (input, caller) => {
      const { createStore } = await import("../pos/stores.js");
      return createStore(input, caller, await basics());
    },
  ),
);

export const registerTill = onCall(
  { cors: callableCors },
  handleCallable(
    "registerTill",
    async () => (await import("../pos/schemas.js")).registerTillInput,
    edge,
    async (input, caller) => {
      const { registerTill } = await import("../pos/tills.js");
      return registerTill(input, caller, await basics());
    },
  ),
);
