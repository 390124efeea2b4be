// createPayment: validate, decide (idempotency key, duplicate window, rate limits) and write the
// pending record in one transaction, then call the provider outside any transaction, then record
// what it said. Money rules 1-3, 16, 17 and 19 (docs/money-rules.md).
import { FieldValue, Timestamp, type DocumentReference, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import type { CollectionProvider, InitiateCollectionResult, ProviderName } from "../providers/collections.js";
import { classifyHttpFailure, ProviderError, ProviderUnavailableError } from "../providers/errors.js";
import { retryIdempotent } from "../core/retry.js";
import { applyEarlyCallbacks, findEarlyCallbacks, unansweredRef } from "./callbacks.js";
import { IDEMPOTENCY_KEYS, PAYMENT_GUARDS } from "./collections.js";
import { PROVIDER_LABELS } from "../shared/catalog.js";
import { sha256Hex } from "../shared/hashing.js";
import { formatMoney, toWholeMajor } from "../shared/money.js";
import { parsePayerPhone, type PayerCountry } from "../shared/phone.js";
import { paymentsCollection, type PaymentRecord, type PaymentView } from "./records.js";
import type { CreatePaymentInput } from "./schemas.js";
import { appendEvent, transition } from "./transitions.js";
import { entryAmount } from "../entries/competitions.js";

export interface PaymentDeps {
  readonly db: Firestore;
  readonly provider: (name: ProviderName) => CollectionProvider;
  readonly allowSandboxPayers: boolean;
  readonly now: () => number;
}

export const DUPLICATE_WINDOW_MS = 5 * 60_000;
const COUNTRY_FOR_CURRENCY: Readonly<Record<CreatePaymentInput["currency"], PayerCountry>> = {
  KES: "KE",
  UGX: "UG",
  NGN: "NG",
};
const PROVIDER_FOR_COUNTRY: Readonly<Record<PayerCountry, ProviderName>> = { KE: "mpesa", UG: "iotec", NG: "paystack" };
const HOME_COUNTRY: Readonly<Record<ProviderName, { code: PayerCountry; name: string }>> = {
  mpesa: { code: "KE", name: "Kenya (+254)" },
  iotec: { code: "UG", name: "Uganda (+256)" },
  paystack: { code: "NG", name: "Nigeria (+234)" },
};
/** Retries for failures that certainly did not reach the provider's payment API. */
const RETRY_DELAYS_MS = [300, 900];

function checkProvider(
  input: Pick<CreatePaymentInput, "currency" | "email" | "amount">,
  provider: CollectionProvider,
  country: PayerCountry,
): void {
  const label = PROVIDER_LABELS[provider.name];
  if (provider.currency !== input.currency) {
    throw new AppError(
      "invalid-argument",
      `currency: ${label} payments are in ${provider.currency}, not ${input.currency}.`,
    );
  }
  const home = HOME_COUNTRY[provider.name];
  if (home.code !== country) {
    throw new AppError("invalid-argument", `phone: ${label} needs a number from ${home.name}.`);
  }
  if (provider.name === "paystack" && !input.email) {
    throw new AppError(
      "invalid-argument",
      "email: is required for a Paystack payment: Paystack's page asks for it and sends the receipt there.",
    );
  }
  if (input.amount < provider.limits.min || input.amount > provider.limits.max) {
    throw new AppError(
      "invalid-argument",
      `amount: ${label} payments must be between ${formatMoney(provider.limits.min, provider.currency)} and ${formatMoney(provider.limits.max, provider.currency)}.`,
    );
  }
  if (provider.currency === "KES") toWholeMajor(input.amount, "KES");
}

type Decision =
  | { readonly kind: "created"; readonly payment: PaymentRecord; readonly ref: DocumentReference<PaymentRecord> }
  | { readonly kind: "existing"; readonly paymentId: string }
  /** A new payment, not yet counted against the limits: count it, then decide again. */
  | { readonly kind: "count-first" };

/** A key already used: the same request's payment, or a refusal when the details differ. */
function repeatOf(key: { readonly requestHash: string; readonly paymentId: string }, requestHash: string): Decision {
  if (key.requestHash !== requestHash) {
    throw new AppError(
      "already-exists",
      "idempotencyKey: this key was already used for a payment with different details. Use a new key for a new payment.",
    );
  }
  return { kind: "existing", paymentId: key.paymentId };
}

/** Whether the duplicate window of the same payer, amount and purpose is still open. */
function guardOpen<G extends { readonly until: Timestamp }>(guard: G | undefined, now: number): guard is G {
  return guard !== undefined && guard.until.toMillis() > now;
}

/**
 * A payment whose amount the server decided: checkout's quote total (commerce/checkout.ts). The
 * checkout it pays is recorded on the payment, so its settlement finds what it bought.
 */
export interface ServerPricedPayment extends CreatePaymentInput {
  readonly checkoutId: string;
}

/**
 * The createPayment callable: top-ups, whose amount the caller chooses, and entries, whose amount
 * must be their competition's fee (checked in startPayment). An order is what a cart costs, which
 * only checkout knows.
 */
export async function createPayment(
  input: CreatePaymentInput,
  caller: Caller,
  deps: PaymentDeps,
): Promise<PaymentView> {
  if (input.purpose === "order") {
    throw new AppError(
      "invalid-argument",
      "purpose: an order is paid through checkout, which prices the cart on the server; createPayment does not take order payments.",
    );
  }
  return startPayment(input, caller, deps, "createPayment");
}

/**
 * The payer's number and the provider a payment would use, or the sentence refusing them (amount
 * outside the provider's limits, a number from another country, ...): nothing is read or written,
 * so checkout asks before it writes its quote.
 */
export function checkPayment(
  input: Pick<CreatePaymentInput, "phone" | "currency" | "provider" | "amount" | "email">,
  deps: Pick<PaymentDeps, "provider" | "allowSandboxPayers">,
) {
  const phone = parsePayerPhone(input.phone, COUNTRY_FOR_CURRENCY[input.currency], deps.allowSandboxPayers);
  const provider = deps.provider(input.provider ?? PROVIDER_FOR_COUNTRY[phone.country]);
  checkProvider(input, provider, phone.country);
  return { phone, provider };
}

/**
 * The core every payment goes through: idempotency key, duplicate window and rate limits decided
 * with the pending record in one transaction, then the provider call outside it. `route` names the
 * rate limits the attempt counts against.
 */
export async function startPayment(
  input: CreatePaymentInput | ServerPricedPayment,
  caller: Caller,
  deps: PaymentDeps,
  route: "createPayment" | "checkout",
): Promise<PaymentView> {
  const checkoutId = "checkoutId" in input ? input.checkoutId : undefined;
  const { phone, provider } = checkPayment(input, deps);

  const request = {
    purpose: input.purpose,
    amount: input.amount,
    currency: input.currency,
    phone: phone.e164,
    provider: provider.name,
    email: input.email ?? null,
    name: input.name ?? null,
    reference: input.reference ?? null,
    // Only a checkout's payment carries the field, so other payments' records stay as they were.
    ...(checkoutId === undefined ? {} : { checkoutId }),
    // Only entries carry it, so other payments' request hashes are as they always were.
    ...(input.competitionId === undefined ? {} : { competitionId: input.competitionId }),
  };
  const requestHash = sha256Hex(JSON.stringify(request));
  const { db } = deps;
  const keyRef = IDEMPOTENCY_KEYS.ref(db).doc(sha256Hex(`${caller.uid}|${input.idempotencyKey}`));
  // Two checkouts of one total, or two entries of one fee to two competitions, are two payments,
  // not a duplicate: each has a window of its own.
  const guardRef = PAYMENT_GUARDS.ref(db).doc(
    sha256Hex(
      `${caller.uid}|${phone.e164}|${input.amount}|${input.currency}|${input.purpose}${checkoutId === undefined ? "" : `|${checkoutId}`}${input.competitionId === undefined ? "" : `|${input.competitionId}`}`,
    ),
  );

  // Only new payments count against the limits: repeats of a key and duplicates within the window
  // are not new attempts. Counting is compare-and-set outside the transaction (counting inside it
  // would make concurrent payments contend on the bucket's lock), so the transaction asks for it
  // when it finds a new payment, and a payment is only ever created after it was counted.
  const decide = (counted: boolean): Promise<Decision> =>
    db.runTransaction(async (tx): Promise<Decision> => {
      const now = deps.now();
      const [keySnap, guardSnap] = await Promise.all([tx.get(keyRef), tx.get(guardRef)]);
      const key = keySnap.data();
      const guard = guardSnap.data();
      if (key) return repeatOf(key, requestHash);
      if (guardOpen(guard, now)) {
        const open = await tx.get(paymentsCollection(db).doc(guard.paymentId));
        const status = open.data()?.status;
        if (status === "pending" || status === "processing") {
          // Same payer, amount and purpose within the window: the open payment, not a second charge.
          tx.create(keyRef, {
            uid: caller.uid,
            paymentId: open.id,
            requestHash,
            createdAt: FieldValue.serverTimestamp(),
          });
          return { kind: "existing", paymentId: open.id };
        }
      }
      if (!counted) return { kind: "count-first" };
      const ref = paymentsCollection(db).doc();
      const at = Timestamp.fromMillis(now);
      const payment: PaymentRecord = {
        uid: caller.uid,
        ...request,
        status: "pending",
        providerReference: null,
        checkoutUrl: null,
        receipt: null,
        failureCode: null,
        customerMessage: `Starting your ${PROVIDER_LABELS[provider.name]} payment…`,
        idempotencyKey: input.idempotencyKey,
        verified: false,
        initiatedAt: null,
        createdAt: at,
        updatedAt: at,
        settledAt: null,
      };
      tx.create(ref, payment);
      tx.create(keyRef, { uid: caller.uid, paymentId: ref.id, requestHash, createdAt: at });
      tx.set(guardRef, { paymentId: ref.id, until: Timestamp.fromMillis(now + DUPLICATE_WINDOW_MS) });
      appendEvent(tx, ref, { type: "created", to: "pending", data: { ...request, ip: caller.ip } });
      return { kind: "created", payment, ref };
    });

  // A new payment, the common case, learns that it is new from a plain read of its key and guard,
  // without a transaction: a repeat answers from the key, an open guard is decided in a
  // transaction (it writes the key), and everything else is counted first. The transaction that
  // creates the payment reads both again, so a racing repeat still finds the first payment.
  const [keySnap, guardSnap] = await Promise.all([keyRef.get(), guardRef.get()]);
  const known = keySnap.data();
  let decision: Decision = known
    ? repeatOf(known, requestHash)
    : guardOpen(guardSnap.data(), deps.now())
      ? await decide(false)
      : { kind: "count-first" };
  if (decision.kind === "count-first") {
    // A new entry's amount must be its competition's fee, and the competition open (money rule
    // 50). Checked for new payments only: a repeat of a key is the payment it already made.
    if (input.purpose === "entry") {
      await entryAmount(db, { ...input, competitionId: input.competitionId ?? "" }, deps.now());
    }
    await enforceRateLimits(db, route, caller, deps.now(), { attemptKey: keyRef.id });
    decision = await decide(true);
  }
  if (decision.kind === "count-first") throw new Error("createPayment: a counted payment was not created");

  if (decision.kind === "existing") return waitForInitiation(db, decision.paymentId, caller.uid);
  return initiate(deps, provider, decision.ref, decision.payment);
}

async function callProvider(
  provider: CollectionProvider,
  ref: DocumentReference<PaymentRecord>,
  payment: PaymentRecord,
): Promise<InitiateCollectionResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await provider.initiate({
        paymentId: ref.id,
        amount: payment.amount,
        currency: payment.currency,
        phone: payment.phone,
        payerName: payment.name ?? undefined,
        email: payment.email ?? undefined,
        reference: payment.reference ?? ref.id.slice(0, 12),
        description:
          payment.purpose === "entry"
            ? "Entry fee"
            : payment.purpose === "order"
              ? "Order"
              : payment.purpose === "till-sale"
                ? "Till sale"
                : "Wallet top up",
      });
    } catch (error) {
      const failure = classifyHttpFailure(provider.name, error);
      const untouched =
        failure.kind === "rate-limited" || (failure instanceof ProviderUnavailableError && failure.notProcessed);
      const delay = RETRY_DELAYS_MS[attempt];
      if (!untouched || delay === undefined) throw failure;
      logger.warn("provider refused before processing; retrying", {
        paymentId: ref.id,
        provider: provider.name,
        kind: failure.kind,
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

async function initiate(
  deps: PaymentDeps,
  provider: CollectionProvider,
  ref: DocumentReference<PaymentRecord>,
  payment: PaymentRecord,
): Promise<PaymentView> {
  const { db } = deps;
  let accepted: InitiateCollectionResult | undefined;
  let failure: ProviderError | undefined;
  try {
    accepted = await callProvider(provider, ref, payment);
  } catch (error) {
    failure = error instanceof ProviderError ? error : classifyHttpFailure(provider.name, error);
  }
  // The provider has acted (or may have): what it answered must be recorded, so the transaction is
  // tried again if it fails; it re-reads the payment, so a repeat changes nothing twice.
  const record = () =>
    db.runTransaction(async (tx) => {
      const current = (await tx.get(ref)).data();
      if (!current) throw new Error(`payment ${ref.id} vanished`);
      const early = accepted ? await findEarlyCallbacks(db, tx, provider.name, accepted.providerReference) : [];
      const initiated = {
        initiatedAt: FieldValue.serverTimestamp(),
        ...(accepted?.checkoutUrl ? { checkoutUrl: accepted.checkoutUrl } : {}),
      };
      if (current.status !== "pending") {
        tx.update(ref, initiated);
        return current;
      }
      if (accepted) {
        const adopted = applyEarlyCallbacks(
          db,
          tx,
          ref,
          current,
          provider.name,
          accepted.providerReference,
          early,
          initiated,
        );
        if (adopted) return adopted;
        const changes = { providerReference: accepted.providerReference, customerMessage: accepted.customerMessage };
        transition(
          tx,
          ref,
          current,
          "processing",
          changes,
          {
            type: "provider-accepted",
            data: { providerReference: accepted.providerReference },
          },
          initiated,
        );
        return { ...current, ...changes, status: "processing" as const };
      }
      if (failure instanceof ProviderUnavailableError && !failure.notProcessed) {
        // We cannot know whether the provider acted: stay pending for callback or re-query, noted
        // where a success callback naming a reference we never learnt can find it.
        const customerMessage = `We are waiting for ${PROVIDER_LABELS[provider.name]} to confirm. This will update by itself; do not pay again.`;
        tx.update(ref, { ...initiated, customerMessage });
        tx.set(
          unansweredRef(db, provider.name, current.phone, current.amount),
          {
            provider: provider.name,
            phone: current.phone,
            amount: current.amount,
            paymentIds: FieldValue.arrayUnion(ref.id),
          },
          { merge: true },
        );
        appendEvent(tx, ref, { type: "provider-unknown", data: { error: failure.message } });
        return { ...current, customerMessage };
      }
      const reason = failure ?? new ProviderUnavailableError("no result", "");
      transition(
        tx,
        ref,
        current,
        "failed",
        {
          failureCode: `${provider.name}:${reason.kind}${reason.providerCode ? `:${reason.providerCode}` : ""}`,
          customerMessage: reason.customerMessage,
        },
        {
          type: "provider-refused",
          data: { kind: reason.kind, code: reason.providerCode ?? null, error: reason.message },
        },
        initiated,
      );
      return { ...current, status: "failed" as const, customerMessage: reason.customerMessage };
    });
  const view = await retryIdempotent(
    "recording the provider's answer",
    { paymentId: ref.id, provider: provider.name, providerReference: accepted?.providerReference ?? null },
    record,
  ).catch((error: unknown) => {
    // Kept in the log with the reference, so an operator can still match the payment to it.
    logger.error("provider's answer could not be recorded", {
      paymentId: ref.id,
      provider: provider.name,
      providerReference: accepted?.providerReference ?? null,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  });
  logger.info("payment initiated", { paymentId: ref.id, provider: provider.name, status: view.status });
  return toView(ref.id, { ...view, checkoutUrl: accepted?.checkoutUrl ?? view.checkoutUrl ?? null });
}

function toView(paymentId: string, payment: Pick<PaymentRecord, "status" | "customerMessage" | "checkoutUrl">) {
  return {
    paymentId,
    status: payment.status,
    customerMessage: payment.customerMessage,
    ...(payment.checkoutUrl ? { checkoutUrl: payment.checkoutUrl } : {}),
  };
}

/** A repeat call waits for the first call's provider answer, so every caller sees the same status. */
async function waitForInitiation(db: Firestore, paymentId: string, uid: string): Promise<PaymentView> {
  const ref = paymentsCollection(db).doc(paymentId);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const payment = (await ref.get()).data();
    if (payment?.uid !== uid) throw new AppError("not-found", "paymentId: no such payment for this user.");
    if (payment.initiatedAt !== null || payment.status !== "pending" || Date.now() > deadline) {
      return toView(paymentId, payment);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
