// The scheduled functions: their schedules and options declared here at import, their code
// imported when a run starts.
import { logger } from "firebase-functions/logger";
import { onSchedule } from "firebase-functions/v2/scheduler";

import { CATALOGUE_REFRESH } from "../bills/refresh-schedule.js";
import { params, secrets } from "../core/config.js";
import { CHECK_TIME_ZONE } from "../ledger/check-time-zone.js";
import { REPORT_SCHEDULE, REPORT_TIME_ZONE } from "../operations/reports/schedule-options.js";
import { payoutParams } from "../payouts/config.js";
import { PAYOUT_SECRETS, PROVIDER_SECRETS, VTPASS_SECRETS } from "../providers/params.js";

const firebase = () => import("../core/firebase.js");

// Pending bills asked about again on their schedule (bills/schedule.ts); never released by time.
// A hold whose bill was never recorded (its call stopped in between) is released.
export const requeryBills = onSchedule(
  { schedule: "every 1 minutes", secrets: VTPASS_SECRETS, timeoutSeconds: 300 },
  async () => {
    const [{ db }, { billsProvider }, { requeryDueBills, releaseOrphanBillHolds }] = await Promise.all([
      firebase(),
      import("../providers/registry.js"),
      import("../bills/requery.js"),
    ]);
    const report = await requeryDueBills({ db: db(), provider: billsProvider, now: Date.now });
    if (report.checked > 0) logger.info("bills re-queried", report);
    const released = await releaseOrphanBillHolds({ db: db(), now: Date.now });
    if (released > 0) logger.warn("bill holds without a bill released", { released });
  },
);

// Withdrawals without a final answer: sent again if never taken, else asked about on their schedule
// (payouts/schedule.ts); never released by time.
export const requeryWithdrawals = onSchedule(
  { schedule: "every 1 minutes", secrets: PAYOUT_SECRETS, timeoutSeconds: 300 },
  async () => {
    const [{ db }, { payoutProvider }, { requeryDueWithdrawals, releaseOrphanHolds }, { parseFloatLow }] =
      await Promise.all([
        firebase(),
        import("../providers/registry.js"),
        import("../payouts/requery.js"),
        import("../payouts/config.js"),
      ]);
    const deps = {
      db: db(),
      provider: payoutProvider,
      now: Date.now,
      floatLow: () => parseFloatLow(payoutParams.floatLow.value()),
    };
    const report = await requeryDueWithdrawals(deps);
    if (report.checked > 0) logger.info("withdrawals checked", report);
    const released = await releaseOrphanHolds(deps);
    if (released > 0) logger.warn("withdrawal holds without a withdrawal released", { released });
  },
);

// Refunds without a result asked about again on their schedule (refunds/requery.ts); never
// released by time.
export const requeryRefunds = onSchedule(
  { schedule: "every 1 minutes", secrets: PAYOUT_SECRETS, timeoutSeconds: 300 },
  async () => {
    const [{ db }, { payoutProvider, reversalProvider }, { requeryDueRefunds }] = await Promise.all([
      firebase(),
      import("../providers/registry.js"),
      import("../refunds/requery.js"),
    ]);
    const report = await requeryDueRefunds({
      db: db(),
      now: Date.now,
      payouts: payoutProvider,
      reversals: reversalProvider,
    });
    if (report.checked > 0) logger.info("refunds re-queried", report);
  },
);

export const refreshBillCatalogue = onSchedule(
  { schedule: CATALOGUE_REFRESH, secrets: VTPASS_SECRETS, timeoutSeconds: 300 },
  async () => {
    const [{ db }, { billsProvider }, { refreshCatalogue }] = await Promise.all([
      firebase(),
      import("../providers/registry.js"),
      import("../bills/catalogue.js"),
    ]);
    const report = await refreshCatalogue(db(), billsProvider(), Date.now);
    if (report.failed.length > 0) logger.warn("bills catalogue refreshed in part", report);
    else logger.info("bills catalogue refreshed", report);
  },
);

// The nightly ledger check: every entry balances, every account equals its activity.
export const checkLedger = onSchedule(
  { schedule: "every day 02:00", timeZone: CHECK_TIME_ZONE, timeoutSeconds: 540, memory: "512MiB" },
  async () => {
    const [{ db }, { runLedgerCheck }] = await Promise.all([firebase(), import("../ledger/check.js")]);
    const report = await runLedgerCheck(db());
    const summary = { date: report.date, entries: report.entriesChecked, accounts: report.accountsChecked };
    if (report.ok) logger.info("ledger check: balanced", summary);
    else logger.error("ledger check found differences; an alert was raised", summary);
  },
);

export const reconcilePayments = onSchedule(
  { schedule: "every 5 minutes", secrets: PROVIDER_SECRETS, timeoutSeconds: 300 },
  async () => {
    const [{ db }, { collectionProvider }, { reconcileStuckPayments }] = await Promise.all([
      firebase(),
      import("../providers/registry.js"),
      import("../payments/reconcile.js"),
    ]);
    await reconcileStuckPayments({ db: db(), provider: collectionProvider, now: Date.now });
  },
);

// Emails SendGrid could not take (429, 5xx, no answer) whose next attempt is due
// (notifications/send.ts): at most 5 attempts each, then an alert.
export const retryMail = onSchedule(
  { schedule: "every 1 minutes", secrets: [secrets.sendgridApiKey], timeoutSeconds: 300 },
  async () => {
    const [{ db }, { retryDueMail }] = await Promise.all([firebase(), import("../notifications/send.js")]);
    const retried = await retryDueMail({
      db: db(),
      apiKey: secrets.sendgridApiKey.value(),
      from: params.mailFrom.value(),
    });
    if (retried > 0) logger.info("emails retried", { retried });
  },
);

// Rate-limit buckets whose window has ended; the TTL policy on expiresAt does the same in
// production, within a day, and this keeps the collection small in between (and in the emulator).
export const cleanupRateLimits = onSchedule({ schedule: "every 60 minutes", timeoutSeconds: 300 }, async () => {
  const [{ db }, { deleteExpiredRateLimits }] = await Promise.all([firebase(), import("../core/rate-limit.js")]);
  const deleted = await deleteExpiredRateLimits(db(), Date.now());
  logger.info("expired rate-limit buckets deleted", { deleted });
});

// Operations reports (issue 12): the daily reconciliation report at 00:30 Nairobi (the time zone
// is explicit: Cloud Scheduler's default is UTC), for yesterday and again for the two days before
// (late callbacks and re-queries, and the ledger check that runs at 02:00).
export const reconciliationReport = onSchedule(
  {
    schedule: REPORT_SCHEDULE,
    timeZone: REPORT_TIME_ZONE,
    secrets: PROVIDER_SECRETS,
    timeoutSeconds: 540,
    memory: "512MiB",
  },
  async () => {
    const [{ db }, { collectionProvider }, { runReconciliationReport }, { reportDays }] = await Promise.all([
      firebase(),
      import("../providers/registry.js"),
      import("../operations/reports/reconciliation.js"),
      import("../operations/reports/days.js"),
    ]);
    const deps = { db: db(), provider: collectionProvider, now: Date.now };
    for (const date of reportDays(Date.now(), REPORT_TIME_ZONE)) {
      const report = await runReconciliationReport(deps, date);
      // A ledger check that has not run yet (before 02:00) is expected, not a warning.
      const exceptions = report.exceptions.length + report.exceptionsLeftOut;
      if (exceptions > 0 || report.ledger.status === "differences") {
        logger.warn("reconciliation report has exceptions", {
          date,
          counts: report.counts,
          ledger: report.ledger.status,
        });
      }
    }
  },
);
