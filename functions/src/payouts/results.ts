// Payout results: Daraja posts every B2C, status and reversal result to darajaResult (its URL's
// secret path segment authenticates it; providers/mpesa/b2c.ts reads it), ioTec calls its one
// wallet callback (iotecCallback) for disbursements as for collections. Each authentic result is
// kept as it came (payoutResults/, the audit trail), then applied to what it is about: a
// withdrawal here. Applying is idempotent, so a result delivered five times at once moves the
// money once, and a failure to apply answers 5xx with nothing half-done.
import { createHash } from "node:crypto";

import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { createOnce } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { admitRequest, type HttpAnswer } from "../core/http.js";
import { retryIdempotent } from "../core/retry.js";
import type { CallbackRequestLike } from "../payments/callbacks.js";
import { ProviderAuthError, ProviderInvalidRequestError } from "../providers/errors.js";
import type { PayoutProvider, PayoutResult } from "../providers/payouts.js";
import { applyRefundResult } from "../refunds/outcome.js";
import { isRefundId } from "../refunds/records.js";
import { PAYOUT_RESULTS, type PayoutProviderName } from "./collections.js";
import type { OutcomeDeps } from "./deps.js";
import { applyPayoutStatus } from "./outcome.js";
import { withdrawalIdOf } from "./withdraw.js";

export interface ResultDeps extends OutcomeDeps {
  readonly provider: (name: PayoutProviderName) => PayoutProvider;
}

/** How each provider wants a safely recorded result answered. */
const ACKNOWLEDGE: Readonly<Record<PayoutProviderName, (res: HttpAnswer) => void>> = {
  mpesa: (res) => {
    res.status(200).json({ ResultCode: 0, ResultDesc: "Accepted" });
  },
  iotec: (res) => {
    res.status(200).json({ received: true });
  },
};

/** Payout ids Malipo gives providers: results and callbacks that carry one are about a payout. */
const PAYOUT_ID = /^(?:withdrawal|refund)-[a-f0-9]{32}$/;

/** Whether an ioTec callback body names one of our payouts (its externalId), not a collection. */
export function isPayoutCallback(body: unknown): boolean {
  const externalId =
    typeof body === "object" && body !== null ? (body as { externalId?: unknown }).externalId : undefined;
  return typeof externalId === "string" && PAYOUT_ID.test(externalId);
}

function resultRef(db: Firestore, provider: PayoutProviderName, eventKey: string) {
  const id = createHash("sha256").update(`${provider}|${eventKey}`).digest("hex").slice(0, 40);
  return PAYOUT_RESULTS.ref(db).doc(id);
}

/** Keeps the result as it came, then applies it to what it is about. */
export async function applyPayoutResult(
  deps: ResultDeps,
  provider: PayoutProviderName,
  result: PayoutResult,
  raw: unknown,
): Promise<void> {
  const { status } = result;
  await createOnce(resultRef(deps.db, provider, result.eventKey), {
    provider,
    eventKey: result.eventKey,
    kind: result.kind,
    subjectId: result.subjectId,
    outcome: status.outcome,
    amount: status.amount ?? null,
    receipt: status.receipt ?? null,
    failureCode: status.failureCode ?? null,
    raw: JSON.stringify(raw ?? null).slice(0, 20_000),
    receivedAt: Timestamp.fromMillis(deps.now()),
  });
  if (isRefundId(result.subjectId)) {
    // A refund's reversal, B2C payout or status answer, or its ioTec disbursement: refunds/
    // applies it (idempotently; an unknown refund id raises an alert there and moves nothing).
    await applyRefundResult(deps.db, result, deps.now);
    return;
  }
  const withdrawalId = result.kind === "reversal" ? undefined : withdrawalIdOf(result.subjectId);
  if (withdrawalId === undefined) {
    logger.warn("payout result for nothing Malipo is waiting on; kept in payoutResults", {
      provider,
      kind: result.kind,
      subjectId: result.subjectId,
    });
    return;
  }
  try {
    await applyPayoutStatus(
      deps,
      withdrawalId,
      status,
      result.kind === "status" ? "status" : "result",
      result.eventKey,
    );
  } catch (error) {
    if (!(error instanceof AppError && error.code === "not-found")) throw error;
    // Authentic, but for a payout id we never issued: kept, acknowledged, nothing moves.
    logger.warn("payout result for an unknown withdrawal; kept in payoutResults", { provider, withdrawalId });
  }
}

/** The HTTPS handler that receives one provider's payout results. */
export function createPayoutResultHandler(deps: () => ResultDeps, providerName: PayoutProviderName) {
  return async (req: CallbackRequestLike, res: HttpAnswer): Promise<void> => {
    if (req.method !== "POST") {
      res.status(405).json({ error: "Results are POSTed." });
      return;
    }
    const resolved = deps();
    let result: PayoutResult | null;
    try {
      result = await resolved
        .provider(providerName)
        .readResult({ path: req.path, headers: req.headers, body: req.body });
    } catch (error) {
      if (error instanceof ProviderAuthError) {
        logger.warn("payout result refused: not authenticated", { provider: providerName });
        // Guessing the path secret is slowed down: 429 once the address's limit is used up.
        if (await admitRequest(resolved.db, "rejectedCallback", req, res, resolved.now())) {
          res.status(403).json({ error: "Not authorised." });
        }
      } else if (error instanceof ProviderInvalidRequestError) {
        logger.warn("payout result refused: invalid body", { provider: providerName, error: error.message });
        res.status(400).json({ error: "The result body is not valid." });
      } else {
        logger.error("payout result could not be confirmed", { provider: providerName, error: String(error) });
        res.status(503).json({ error: "Try again later." });
      }
      return;
    }
    if (result === null) {
      ACKNOWLEDGE[providerName](res);
      return;
    }
    try {
      const read = result;
      await retryIdempotent("applying a payout result", { provider: providerName }, () =>
        applyPayoutResult(resolved, providerName, read, req.body),
      );
      logger.info("payout result", { provider: providerName, kind: read.kind, outcome: read.status.outcome });
      ACKNOWLEDGE[providerName](res);
    } catch (error) {
      // Nothing half-done: the status requests ask again, and a provider that retries may.
      logger.error("payout result could not be applied", {
        provider: providerName,
        error: error instanceof Error ? error.stack : String(error),
      });
      res.status(500).json({ error: "Try again later." });
    }
  };
}
