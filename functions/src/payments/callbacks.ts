// Provider callbacks: authenticated by the adapter, de-duplicated by the provider's event key
// (providerEvents/{provider}_{hash}), matched against the stored payment and applied in one
// transaction. A callback for a reference we do not know changes nothing and is kept, unmatched,
// for reconciliation (or for createPayment, when the callback beat the provider's own reply).
import { createHash } from "node:crypto";

import {
  FieldValue,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
  type Transaction,
} from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";
import { type z } from "zod";

import type {
  CollectionCallback,
  CollectionProvider,
  CollectionStatus,
  ProviderName,
} from "../providers/collections.js";
import { admitRequest, type HttpAnswer } from "../core/http.js";
import { retryIdempotent } from "../core/retry.js";
import { ProviderAuthError, ProviderInvalidRequestError } from "../providers/errors.js";
import { getAllTyped } from "../core/collections.js";
import { PROVIDER_EVENTS, PROVIDER_REFS, UNANSWERED_REQUESTS } from "./collections.js";
import { paymentsCollection, type PaymentRecord } from "./records.js";
import { applyProviderStatus } from "./transitions.js";

export type ProviderEvent = z.infer<typeof PROVIDER_EVENTS.schema>;

export type CallbackResult = "applied" | "duplicate" | "unmatched" | "after-final";

function hashed(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 40);
}

function eventRef(db: Firestore, provider: ProviderName, eventKey: string) {
  return PROVIDER_EVENTS.ref(db).doc(`${provider}_${hashed(eventKey)}`);
}

/**
 * providerRefs/{provider}_{hash}: which payment a provider reference belongs to, and the
 * callbacks that arrived before we knew. createPayment and the callback handler both read and
 * write it inside their transactions, so a callback racing the provider's reply is never lost,
 * and neither side needs a query inside a transaction (which serialises whole collections).
 */
export function providerRefDoc(db: Firestore, provider: ProviderName, providerReference: string) {
  return PROVIDER_REFS.ref(db).doc(`${provider}_${hashed(providerReference)}`);
}

interface EarlyCallback {
  readonly ref: DocumentReference<ProviderEvent>;
  readonly status: CollectionStatus;
  readonly raw: unknown;
}

function toEarly(doc: DocumentSnapshot<ProviderEvent>): EarlyCallback | undefined {
  const event = doc.data();
  if (event?.matched !== false) return undefined;
  return { ref: doc.ref, status: event.status, raw: event.raw };
}

/** unansweredRequests/{provider}_{hash(phone|amount)}: where an unanswered request is noted. */
export function unansweredRef(db: Firestore, provider: ProviderName, phone: string, amount: number) {
  return UNANSWERED_REQUESTS.ref(db).doc(`${provider}_${hashed(`${phone}|${amount}`)}`);
}

/**
 * A pending payment whose request to the provider got no answer (so it never learnt the
 * reference) and that this success report can only belong to: same provider, payer and amount,
 * and the only one. Found by key in unansweredRequests, which only such requests write, so the
 * common case (the callback beat the provider's reply) reads one absent document instead of
 * running a query. Read outside any transaction; the caller re-checks it inside.
 */
async function orphanFor(db: Firestore, provider: ProviderName, status: CollectionStatus): Promise<string | undefined> {
  if (status.outcome !== "succeeded" || status.amount === undefined || status.phone === undefined) return undefined;
  const noted = (await unansweredRef(db, provider, status.phone, status.amount).get()).data();
  const candidates = await getAllTyped(
    db,
    (noted?.paymentIds ?? []).map((id) => paymentsCollection(db).doc(id)),
  );
  const waiting = candidates.filter((snapshot) => {
    const payment = snapshot.data();
    return payment?.status === "pending" && payment.providerReference === null && payment.initiatedAt !== null;
  });
  return waiting.length === 1 ? waiting[0]?.id : undefined;
}

export async function recordCallback(
  db: Firestore,
  provider: ProviderName,
  callback: CollectionCallback,
  raw: unknown,
): Promise<{ result: CallbackResult; paymentId: string | null }> {
  const ref = eventRef(db, provider, callback.eventKey);
  const { status } = callback;
  const index = providerRefDoc(db, provider, status.providerReference);
  const known = (await index.get()).data()?.paymentId;
  const orphanId = known ? undefined : await orphanFor(db, provider, status);
  return db.runTransaction(async (tx) => {
    if ((await tx.get(ref)).exists) return { result: "duplicate" as const, paymentId: null };
    const indexed = (await tx.get(index)).data()?.paymentId;
    const paymentId = indexed ?? orphanId;
    const snapshot = paymentId ? await tx.get(paymentsCollection(db).doc(paymentId)) : undefined;
    let payment = snapshot?.data();
    // An orphan is only adopted if it is still waiting without a reference.
    if (!indexed && payment && (payment.status !== "pending" || payment.providerReference !== null))
      payment = undefined;
    const record = {
      provider,
      eventKey: callback.eventKey,
      providerReference: status.providerReference,
      outcome: status.outcome,
      status,
      raw: raw ?? null,
      receivedAt: FieldValue.serverTimestamp(),
    };
    if (!snapshot || !payment) {
      tx.create(ref, { ...record, matched: false, paymentId: null });
      tx.set(
        index,
        { provider, providerReference: status.providerReference, unmatchedEvents: FieldValue.arrayUnion(ref.id) },
        { merge: true },
      );
      return { result: "unmatched" as const, paymentId: null };
    }
    applyProviderStatus(db, tx, snapshot.ref, payment, status, { type: "callback", raw });
    tx.create(ref, { ...record, matched: true, paymentId: snapshot.id });
    if (!indexed)
      tx.set(index, { provider, providerReference: status.providerReference, paymentId: snapshot.id }, { merge: true });
    const open = payment.status === "pending" || payment.status === "processing";
    return { result: open ? ("applied" as const) : ("after-final" as const), paymentId: snapshot.id };
  });
}

/**
 * Read half, for createPayment's transaction once the provider has accepted: the callbacks that
 * arrived for this reference before its reply did.
 */
export async function findEarlyCallbacks(
  db: Firestore,
  tx: Transaction,
  provider: ProviderName,
  providerReference: string,
): Promise<EarlyCallback[]> {
  const ids = (await tx.get(providerRefDoc(db, provider, providerReference))).data()?.unmatchedEvents ?? [];
  const events = await Promise.all(ids.map((id) => tx.get(PROVIDER_EVENTS.ref(db).doc(id))));
  return events.map(toEarly).filter((event): event is EarlyCallback => event !== undefined);
}

/** Write half: claims the reference for the payment and applies the early callbacks, if any. */
export function applyEarlyCallbacks(
  db: Firestore,
  tx: Transaction,
  ref: DocumentReference<PaymentRecord>,
  payment: PaymentRecord,
  provider: ProviderName,
  providerReference: string,
  early: readonly EarlyCallback[],
  extra: Readonly<Record<string, unknown>>,
): PaymentRecord | undefined {
  tx.set(
    providerRefDoc(db, provider, providerReference),
    { provider, providerReference, paymentId: ref.id, unmatchedEvents: [] },
    { merge: true },
  );
  const final = early.find((event) => event.status.outcome !== "pending") ?? early[0];
  if (!final) return undefined;
  const status = applyProviderStatus(db, tx, ref, payment, final.status, { type: "callback", raw: final.raw }, extra);
  for (const event of early) tx.update(event.ref, { matched: true, paymentId: ref.id });
  return { ...payment, status, customerMessage: final.status.customerMessage };
}

/**
 * For reconciliation: the one unmatched success callback for this payer and amount, when our
 * request timed out and the provider's reference never reached us. Searched outside any
 * transaction; None when there are several (a person must decide which payment they belong to).
 */
export async function findOrphanCallback(
  db: Firestore,
  payment: PaymentRecord,
): Promise<DocumentReference<ProviderEvent> | undefined> {
  const candidates = await PROVIDER_EVENTS.ref(db)
    .where("provider", "==", payment.provider)
    .where("matched", "==", false)
    .where("outcome", "==", "succeeded")
    .where("status.phone", "==", payment.phone)
    .where("status.amount", "==", payment.amount)
    .limit(2)
    .get();
  return candidates.size === 1 ? candidates.docs[0]?.ref : undefined;
}

/** Inside the transaction: the orphan callback, if it is still unmatched. */
export async function readOrphanCallback(
  tx: Transaction,
  ref: DocumentReference<ProviderEvent>,
): Promise<EarlyCallback | undefined> {
  return toEarly(await tx.get(ref));
}

export interface CallbackHandlerDeps {
  readonly db: () => Firestore;
  readonly provider: () => CollectionProvider;
  readonly now: () => number;
}

/** How each provider wants a safely recorded callback answered. */
const ACKNOWLEDGE: Readonly<Record<ProviderName, (res: HttpAnswer) => void>> = {
  // Daraja needs HTTP 200 with ResultCode 0, or it keeps retrying.
  mpesa: (res) => {
    res.status(200).json({ ResultCode: 0, ResultDesc: "Accepted" });
  },
  iotec: (res) => {
    res.status(200).json({ received: true });
  },
  // Paystack retries anything but a 2xx, for days.
  paystack: (res) => {
    res.status(200).json({ received: true });
  },
};

/** How each provider is told a callback was not authenticated (Paystack's own examples use 401). */
const NOT_AUTHORISED: Readonly<Record<ProviderName, number>> = { mpesa: 403, iotec: 403, paystack: 401 };

export interface CallbackRequestLike {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  /** The bytes as received (Cloud Functions' req.rawBody), for signed callbacks. */
  readonly rawBody?: Buffer | undefined;
  readonly ip?: string | undefined;
}

export function createCallbackHandler(deps: CallbackHandlerDeps) {
  return async (req: CallbackRequestLike, res: HttpAnswer): Promise<void> => {
    const provider = deps.provider();
    if (req.method !== "POST") {
      res.status(405).json({ error: "Callbacks are POSTed." });
      return;
    }
    let callback: CollectionCallback | null;
    try {
      callback = await provider.readCallback({
        path: req.path,
        headers: req.headers,
        body: req.body,
        rawBody: req.rawBody,
      });
    } catch (error) {
      if (error instanceof ProviderAuthError) {
        logger.warn("callback refused: not authenticated", { provider: provider.name });
        // Guessing a callback secret is slowed down: 429 once the address's limit is used up.
        if (await admitRequest(deps.db(), "rejectedCallback", req, res, deps.now())) {
          res.status(NOT_AUTHORISED[provider.name]).json({ error: "Not authorised." });
        }
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
    if (callback === null) {
      // Authentic, but about something other than a collection: acknowledged so it is not resent.
      ACKNOWLEDGE[provider.name](res);
      return;
    }
    try {
      // Recording is idempotent (the event key), and not every provider delivers a callback
      // again after a 5xx (the Daraja simulator never does): a lost one waits for reconciliation.
      const { result, paymentId } = await retryIdempotent("recording a callback", { provider: provider.name }, () =>
        recordCallback(deps.db(), provider.name, callback, req.body),
      );
      logger.info("provider callback", {
        provider: provider.name,
        result,
        paymentId,
        outcome: callback.status.outcome,
      });
      ACKNOWLEDGE[provider.name](res);
    } catch (error) {
      logger.error("callback could not be recorded", {
        provider: provider.name,
        error: error instanceof Error ? error.stack : String(error),
      });
      res.status(500).json({ error: "Try again later." });
    }
  };
}
