// Provider callbacks: authenticated by the adapter, de-duplicated by the provider's event key
// (providerEvents/{provider}_{hash}), matched against the stored payment and applied in one
// transaction. A callback for a reference we do not know changes nothing and is kept, unmatched,
// for reconciliation (or for createPayment, when the callback beat the provider's own reply).
import { createHash } from "node:crypto";

import {
  FieldValue,
  type DocumentReference,
  type Firestore,
  type QueryDocumentSnapshot,
  type Transaction,
} from "firebase-admin/firestore";
import { logger } from "firebase-functions";
import { z } from "zod";

import type {
  CollectionCallback,
  CollectionProvider,
  CollectionStatus,
  ProviderName,
} from "../providers/collections.js";
import { ProviderAuthError, ProviderInvalidRequestError } from "../providers/errors.js";
import { paymentsCollection, type PaymentRecord } from "./records.js";
import { applyProviderStatus } from "./transitions.js";

export type CallbackResult = "applied" | "duplicate" | "unmatched" | "after-final";

const storedStatusSchema = z.object({
  outcome: z.enum(["pending", "succeeded", "failed", "cancelled", "expired"]),
  providerReference: z.string(),
  customerMessage: z.string(),
  receipt: z.string().optional(),
  amount: z.number().optional(),
  currency: z.enum(["KES", "UGX", "NGN", "MWK"]).optional(),
  phone: z.string().optional(),
  failureCode: z.string().optional(),
});

function eventRef(db: Firestore, provider: ProviderName, eventKey: string): DocumentReference {
  const hash = createHash("sha256").update(eventKey).digest("hex").slice(0, 40);
  return db.collection("providerEvents").doc(`${provider}_${hash}`);
}

export async function recordCallback(
  db: Firestore,
  provider: ProviderName,
  callback: CollectionCallback,
  raw: unknown,
): Promise<{ result: CallbackResult; paymentId: string | null }> {
  const ref = eventRef(db, provider, callback.eventKey);
  const { status } = callback;
  return db.runTransaction(async (tx) => {
    if ((await tx.get(ref)).exists) return { result: "duplicate" as const, paymentId: null };
    const payments = paymentsCollection(db).where("provider", "==", provider);
    let match: QueryDocumentSnapshot<PaymentRecord> | undefined = (
      await tx.get(payments.where("providerReference", "==", status.providerReference).limit(1))
    ).docs[0];
    if (!match && status.outcome === "succeeded" && status.amount !== undefined && status.phone !== undefined) {
      // The provider's reply to our request never arrived (timeout), so we never learnt its
      // reference. Exactly one such payment for this payer and amount is this one.
      const orphans = await tx.get(
        payments
          .where("status", "==", "pending")
          .where("providerReference", "==", null)
          .where("phone", "==", status.phone)
          .where("amount", "==", status.amount)
          .limit(2),
      );
      const only = orphans.size === 1 ? orphans.docs[0] : undefined;
      if (only && only.data().initiatedAt !== null) match = only;
    }
    const record = {
      provider,
      eventKey: callback.eventKey,
      providerReference: status.providerReference,
      outcome: status.outcome,
      status,
      raw: raw ?? null,
      receivedAt: FieldValue.serverTimestamp(),
    };
    if (!match) {
      tx.create(ref, { ...record, matched: false, paymentId: null });
      return { result: "unmatched" as const, paymentId: null };
    }
    const payment = match.data();
    applyProviderStatus(db, tx, match.ref, payment, status, { type: "callback", raw });
    tx.create(ref, { ...record, matched: true, paymentId: match.id });
    return {
      result:
        payment.status === "pending" || payment.status === "processing"
          ? ("applied" as const)
          : ("after-final" as const),
      paymentId: match.id,
    };
  });
}

/** Unmatched callbacks for a reference (read half: call before any write in the transaction). */
export async function findEarlyCallbacks(
  db: Firestore,
  tx: Transaction,
  provider: ProviderName,
  providerReference: string,
): Promise<{ ref: DocumentReference; status: CollectionStatus; raw: unknown }[]> {
  const early = await tx.get(
    db
      .collection("providerEvents")
      .where("provider", "==", provider)
      .where("providerReference", "==", providerReference)
      .where("matched", "==", false),
  );
  return early.docs.map((doc) => ({
    ref: doc.ref,
    status: storedStatusSchema.parse(doc.get("status")),
    raw: doc.get("raw") as unknown,
  }));
}

/**
 * The one unmatched success callback for this payer and amount, when our request timed out and
 * the provider's reference never reached us (read half). None when there are several: a person
 * must decide which payment they belong to.
 */
export async function findOrphanCallback(
  db: Firestore,
  tx: Transaction,
  payment: PaymentRecord,
): Promise<{ ref: DocumentReference; status: CollectionStatus; raw: unknown } | undefined> {
  const candidates = await tx.get(
    db
      .collection("providerEvents")
      .where("provider", "==", payment.provider)
      .where("matched", "==", false)
      .where("outcome", "==", "succeeded")
      .where("status.phone", "==", payment.phone)
      .where("status.amount", "==", payment.amount)
      .limit(2),
  );
  const only = candidates.size === 1 ? candidates.docs[0] : undefined;
  if (!only) return undefined;
  return {
    ref: only.ref,
    status: storedStatusSchema.parse(only.get("status")),
    raw: only.get("raw") as unknown,
  };
}

/** Applies callbacks that arrived before the provider's reply to our request (write half). */
export function applyEarlyCallbacks(
  db: Firestore,
  tx: Transaction,
  ref: DocumentReference<PaymentRecord>,
  payment: PaymentRecord,
  early: readonly { ref: DocumentReference; status: CollectionStatus; raw: unknown }[],
  extra: Readonly<Record<string, unknown>>,
): PaymentRecord | undefined {
  const final = early.find((event) => event.status.outcome !== "pending") ?? early[0];
  if (!final) return undefined;
  const status = applyProviderStatus(db, tx, ref, payment, final.status, { type: "callback", raw: final.raw }, extra);
  for (const event of early) tx.update(event.ref, { matched: true, paymentId: ref.id });
  return { ...payment, status, customerMessage: final.status.customerMessage };
}

export interface CallbackHandlerDeps {
  readonly db: () => Firestore;
  readonly provider: () => CollectionProvider;
  /** Answers the provider the way it expects once the callback is safely recorded. */
  readonly acknowledge: (res: CallbackResponse) => void;
}

export interface CallbackRequestLike {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}
export interface CallbackResponse {
  status(code: number): this;
  json(body: unknown): void;
}

export function createCallbackHandler(deps: CallbackHandlerDeps) {
  return async (req: CallbackRequestLike, res: CallbackResponse): Promise<void> => {
    const provider = deps.provider();
    if (req.method !== "POST") {
      res.status(405).json({ error: "Callbacks are POSTed." });
      return;
    }
    let callback: CollectionCallback;
    try {
      callback = await provider.readCallback({ path: req.path, headers: req.headers, body: req.body });
    } catch (error) {
      if (error instanceof ProviderAuthError) {
        logger.warn("callback refused: not authenticated", { provider: provider.name });
        res.status(403).json({ error: "Not authorised." });
      } else if (error instanceof ProviderInvalidRequestError) {
        logger.warn("callback refused: invalid body", { provider: provider.name, error: error.message });
        res.status(400).json({ error: "The callback body is not valid." });
      } else {
        // The re-fetch of the provider's status failed: ask the provider to deliver again.
        logger.error("callback could not be confirmed", { provider: provider.name, error: String(error) });
        res.status(503).json({ error: "Try again later." });
      }
      return;
    }
    try {
      const { result, paymentId } = await recordCallback(deps.db(), provider.name, callback, req.body);
      logger.info("provider callback", {
        provider: provider.name,
        result,
        paymentId,
        outcome: callback.status.outcome,
      });
      deps.acknowledge(res);
    } catch (error) {
      logger.error("callback could not be recorded", {
        provider: provider.name,
        error: error instanceof Error ? error.stack : String(error),
      });
      res.status(500).json({ error: "Try again later." });
    }
  };
}
