// Paystack collections (Nigeria, NGN; card, bank transfer, USSD on Paystack's hosted page):
// initialize under our payment id as the reference, the payer pays on the hosted page, verify.
// Webhooks are signed (HMAC-SHA512 of the raw body with the secret key) and still only a hint:
// the transaction is verified before anything changes. Wire facts: docs/providers.md.
import { createHmac } from "node:crypto";

import axios, { type AxiosInstance } from "axios";

import { CURRENCY_CODES, type Currency } from "../../shared/catalog.js";
import { constantTimeEqual } from "../../shared/hashing.js";
import { describeIssues } from "../../shared/issues.js";
import type {
  CallbackRequest,
  CollectionCallback,
  CollectionOutcome,
  CollectionProvider,
  CollectionStatus,
  InitiateCollectionInput,
  InitiateCollectionResult,
} from "../collections.js";
import { classifyHttpFailure, ProviderAuthError, ProviderInvalidRequestError } from "../errors.js";
import {
  CHARGE_SUCCESS,
  initializeReplySchema,
  refusalSchema,
  verifyReplySchema,
  webhookSchema,
  type PaystackTransaction,
} from "./wire.js";

export interface PaystackConfig {
  readonly baseUrl: string;
  readonly secretKey: string;
  /** Where the hosted page sends the payer back (Paystack appends ?reference=…&trxref=…). */
  readonly callbackUrl: string;
  readonly timeoutMs: number;
}

export const PAYSTACK_SIGNATURE_HEADER = "x-paystack-signature";
const OUR_SIDE = "We could not start the payment because of a problem on our side. No money was taken.";
const CONFIRMING = "Paystack is confirming your payment. This will update by itself; do not pay again.";

/**
 * Paystack reports a checkout nobody has paid yet as `abandoned`, and the payer can still pay on
 * it afterwards, so it is not final here: reconciliation closes it as `expired` when it stays so
 * (docs/providers.md). `reversed` means the money went back to the payer.
 */
const OUTCOMES: Readonly<Record<PaystackTransaction["status"], CollectionOutcome>> = {
  success: "succeeded",
  failed: "failed",
  reversed: "failed",
  abandoned: "pending",
  ongoing: "pending",
  pending: "pending",
  processing: "pending",
  queued: "pending",
};

function customerMessage(tx: PaystackTransaction): string {
  if (tx.status === "success") return "Payment received. Thank you!";
  if (tx.status === "abandoned") return "Finish paying on Paystack's secure page. This will update by itself.";
  if (tx.status === "reversed") return "The payment was reversed: the money went back to you.";
  if (tx.status === "failed") {
    const reason = tx.gateway_response ? ` (${tx.gateway_response})` : "";
    return `The payment did not go through${reason}. No money was taken; please try again.`;
  }
  return CONFIRMING;
}

function isCurrency(code: string): code is Currency {
  return (CURRENCY_CODES as readonly string[]).includes(code);
}

export function toStatus(tx: PaystackTransaction): CollectionStatus {
  if (!isCurrency(tx.currency)) {
    throw new ProviderInvalidRequestError(`paystack verify: unexpected currency ${tx.currency}`, OUR_SIDE);
  }
  const outcome = OUTCOMES[tx.status];
  return {
    outcome,
    providerReference: tx.reference,
    customerMessage: customerMessage(tx),
    // What Paystack says was charged, compared with the payment before any value is given.
    amount: tx.amount,
    currency: tx.currency,
    ...(outcome === "succeeded" ? { receipt: tx.id } : {}),
    ...(outcome === "failed" ? { failureCode: `paystack:${tx.status}` } : {}),
  };
}

/** Paystack's refusal message, when the failure is one of its {status: false, message} bodies. */
function refusalOf(error: unknown): { httpStatus: number; message: string } | undefined {
  if (!axios.isAxiosError(error) || !error.response) return undefined;
  const body = refusalSchema.safeParse(error.response.data);
  return body.success ? { httpStatus: error.response.status, message: body.data.message } : undefined;
}

export class PaystackCollections implements CollectionProvider {
  readonly name = "paystack" as const;
  readonly currency = "NGN" as const;
  // Malipo's own bounds for one top-up: NGN 100.00 to NGN 5,000,000.00, in kobo.
  readonly limits = { min: 100_00, max: 5_000_000_00 };

  readonly #config: PaystackConfig;
  readonly #http: AxiosInstance;

  constructor(config: PaystackConfig, http?: AxiosInstance) {
    this.#config = config;
    this.#http =
      http ??
      axios.create({
        baseURL: config.baseUrl,
        timeout: config.timeoutMs,
        headers: { Authorization: `Bearer ${config.secretKey}`, "Content-Type": "application/json" },
      });
  }

  async initiate(input: InitiateCollectionInput): Promise<InitiateCollectionResult> {
    if (!input.email) throw new ProviderInvalidRequestError("paystack initialize: no email", OUR_SIDE);
    // The payment id is the reference: stored before the call, so a retry or a lost reply can
    // only ever name the same transaction.
    const reference = input.paymentId;
    let data: unknown;
    try {
      data = (
        await this.#http.post("/transaction/initialize", {
          email: input.email,
          amount: input.amount,
          currency: input.currency,
          reference,
          callback_url: this.#config.callbackUrl,
          metadata: { paymentId: input.paymentId, description: input.description, reference: input.reference },
        })
      ).data;
    } catch (error) {
      const refusal = refusalOf(error);
      // A reused reference means an earlier attempt reached Paystack: that transaction is ours.
      if (refusal && /duplicate/i.test(refusal.message)) {
        const status = await this.queryStatus({ paymentId: reference, providerReference: reference });
        return { providerReference: reference, customerMessage: status.customerMessage };
      }
      if (refusal?.httpStatus === 400) {
        throw new ProviderInvalidRequestError(`paystack initialize: ${refusal.message}`, OUR_SIDE, "400");
      }
      throw classifyHttpFailure("paystack", error);
    }
    const reply = initializeReplySchema.safeParse(data);
    if (!reply.success) {
      throw new ProviderInvalidRequestError(
        `paystack initialize: unexpected reply (${describeIssues(reply.error.issues)})`,
        OUR_SIDE,
      );
    }
    return {
      providerReference: reply.data.data.reference,
      checkoutUrl: reply.data.data.authorization_url,
      customerMessage: "Pay on Paystack's secure page. This will update by itself once Paystack confirms.",
    };
  }

  async queryStatus(input: { paymentId: string; providerReference?: string | undefined }): Promise<CollectionStatus> {
    // The reference is our payment id, so a payment whose initialize reply was lost is found too.
    const reference = input.providerReference ?? input.paymentId;
    let data: unknown;
    try {
      data = (await this.#http.get(`/transaction/verify/${encodeURIComponent(reference)}`)).data;
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal && (refusal.httpStatus === 400 || refusal.httpStatus === 404) && /not found/i.test(refusal.message)) {
        // Never initialised at Paystack: nothing to pay yet (an unknown webhook reference is refused).
        if (input.providerReference) {
          throw new ProviderInvalidRequestError(`paystack verify: ${refusal.message}`, OUR_SIDE, "not-found");
        }
        return { outcome: "pending", providerReference: "", customerMessage: CONFIRMING };
      }
      throw classifyHttpFailure("paystack", error);
    }
    const reply = verifyReplySchema.safeParse(data);
    if (!reply.success) {
      throw new ProviderInvalidRequestError(
        `paystack verify: unexpected reply (${describeIssues(reply.error.issues)})`,
        OUR_SIDE,
      );
    }
    return toStatus(reply.data.data);
  }

  async readCallback(request: CallbackRequest): Promise<CollectionCallback | null> {
    const header = request.headers[PAYSTACK_SIGNATURE_HEADER];
    const presented = Array.isArray(header) ? header[0] : header;
    const raw = request.rawBody;
    if (!presented || !raw) throw new ProviderAuthError("paystack webhook: no signature or no raw body", "");
    const expected = createHmac("sha512", this.#config.secretKey).update(raw).digest("hex");
    if (!constantTimeEqual(presented, expected)) throw new ProviderAuthError("paystack webhook: wrong signature", "");
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new ProviderInvalidRequestError("paystack webhook: the body is not JSON", "");
    }
    const event = webhookSchema.safeParse(body);
    if (!event.success) {
      throw new ProviderInvalidRequestError(`paystack webhook: ${describeIssues(event.error.issues)}`, "");
    }
    if (event.data.event !== CHARGE_SUCCESS) return null;
    const { reference, id } = event.data.data;
    if (!reference) throw new ProviderInvalidRequestError("paystack webhook: data.reference is missing", "");
    // The webhook says a charge succeeded; only Paystack's verify answer, fetched now, counts.
    const status = await this.queryStatus({ paymentId: reference, providerReference: reference });
    // Paystack redelivers an event with the same data.id; the verified outcome is part of the key
    // so a delivery verified before the charge completed does not shadow a later one.
    return { eventKey: `${event.data.event}:${reference}:${id ?? ""}:${status.outcome}`, status };
  }
}
