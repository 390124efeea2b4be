// ioTec Pay collections (MTN and Airtel in Uganda): collect, status, and callbacks that are only
// trusted after re-fetching the status from ioTec. Wire facts: docs/providers.md.
import axios, { type AxiosInstance } from "axios";

import { describeIssues } from "../../shared/issues.js";
import { constantTimeEqual } from "../../shared/hashing.js";
import { localForm } from "../../shared/phone.js";
import type {
  CallbackRequest,
  CollectionCallback,
  CollectionOutcome,
  CollectionProvider,
  CollectionStatus,
  InitiateCollectionInput,
  InitiateCollectionResult,
} from "../collections.js";
import {
  classifyHttpFailure,
  ProviderAuthError,
  ProviderDeclinedError,
  ProviderInvalidRequestError,
  tokenFailure,
} from "../errors.js";
import { TokenCache, type FetchedToken } from "../token-cache.js";
import { errorSchema, tokenReplySchema, transactionSchema, type IotecTransaction } from "./wire.js";

export interface IotecConfig {
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly walletId: string;
  /** The static header value ioTec is configured to send with callbacks. */
  readonly callbackSecret: string;
  readonly callbackHeader?: string;
  readonly timeoutMs: number;
  readonly now?: () => Date;
}

export const IOTEC_CALLBACK_HEADER = "x-malipo-callback-secret";
const OUR_SIDE = "We could not start the mobile money payment because of a problem on our side. No money was taken.";

/** SentToVendor means the prompt reached MTN or Airtel: still not success. */
const OUTCOMES: Readonly<Record<IotecTransaction["status"], CollectionOutcome>> = {
  Pending: "pending",
  SentToVendor: "pending",
  AwaitingApproval: "pending",
  Scheduled: "pending",
  Success: "succeeded",
  Failed: "failed",
  Rejected: "failed",
  RolledBack: "failed",
  Cancelled: "cancelled",
};

function customerMessage(tx: IotecTransaction): string {
  const network = tx.vendor && tx.vendor !== "Mock" ? `${tx.vendor} ` : "";
  switch (OUTCOMES[tx.status]) {
    case "succeeded":
      return "Payment received. Thank you!";
    case "cancelled":
      return "The payment was cancelled. No money was taken.";
    case "pending":
      return `Check your phone and approve the ${network}mobile money prompt with your PIN.`;
    default:
      return `The ${network}mobile money payment did not go through${tx.statusMessage ? ` (${tx.statusMessage})` : ""}. No money was taken; please try again.`;
  }
}

export function toStatus(tx: IotecTransaction): CollectionStatus {
  const outcome = OUTCOMES[tx.status];
  return {
    outcome,
    providerReference: tx.id,
    customerMessage: customerMessage(tx),
    ...(tx.vendorTransactionId ? { receipt: tx.vendorTransactionId } : {}),
    ...(tx.currency === "UGX" ? { amount: tx.amount, currency: "UGX" as const } : {}),
    ...(outcome === "failed" || outcome === "cancelled" ? { failureCode: `iotec:${tx.status}` } : {}),
  };
}

export class IotecCollections implements CollectionProvider {
  readonly name = "iotec" as const;
  readonly currency = "UGX" as const;
  // ioTec's minimum collection is UGX 500; UGX 5,000,000 is the usual mobile-money ceiling.
  readonly limits = { min: 500, max: 5_000_000 };

  readonly #config: IotecConfig;
  readonly #http: AxiosInstance;
  readonly #now: () => Date;
  readonly #token: TokenCache;

  constructor(config: IotecConfig, http?: AxiosInstance) {
    this.#config = config;
    this.#now = config.now ?? (() => new Date());
    this.#http = http ?? axios.create({ baseURL: config.baseUrl, timeout: config.timeoutMs });
    this.#token = new TokenCache(() => this.#fetchToken(), this.#now);
  }

  /** Tokens live five minutes; the cache refreshes them a minute early. */
  async #fetchToken(): Promise<FetchedToken> {
    const form = new URLSearchParams({
      client_id: this.#config.clientId,
      client_secret: this.#config.clientSecret,
      grant_type: "client_credentials",
    });
    try {
      const response = await this.#http.post(this.#config.tokenUrl, form.toString(), {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      const reply = tokenReplySchema.parse(response.data);
      return { value: reply.access_token, expiresInSeconds: reply.expires_in };
    } catch (error) {
      throw tokenFailure("iotec", error);
    }
  }

  /** An authorised request; on 401 the cached token is dropped and the call tried once more. */
  async #request(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#token.get();
      try {
        const response = await this.#http.request({
          method,
          url: path,
          data: body,
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        });
        return response.data;
      } catch (error) {
        if (axios.isAxiosError(error) && error.response?.status === 401 && attempt === 0) {
          this.#token.invalidate();
          continue;
        }
        const body = axios.isAxiosError(error) ? errorSchema.safeParse(error.response?.data) : undefined;
        if (body?.success && axios.isAxiosError(error) && error.response?.status === 400) {
          throw new ProviderInvalidRequestError(
            `iotec: ${body.data.message}`,
            OUR_SIDE,
            String(body.data.code ?? "400"),
          );
        }
        throw classifyHttpFailure("iotec", error);
      }
    }
  }

  #transaction(data: unknown, what: string): IotecTransaction {
    const parsed = transactionSchema.safeParse(Array.isArray(data) ? data[0] : data);
    if (!parsed.success) {
      throw new ProviderInvalidRequestError(
        `iotec ${what}: unexpected reply (${describeIssues(parsed.error.issues)})`,
        OUR_SIDE,
      );
    }
    return parsed.data;
  }

  async initiate(input: InitiateCollectionInput): Promise<InitiateCollectionResult> {
    const data = await this.#request("POST", "/api/collections/collect", {
      category: "MobileMoney",
      currency: "UGX",
      walletId: this.#config.walletId,
      // Our payment id. ioTec does not enforce its uniqueness; Malipo does, one payment per id.
      externalId: input.paymentId,
      payer: localForm(input.phone, "256"),
      payerName: input.payerName ?? "",
      payerNote: input.description.slice(0, 100),
      payeeNote: input.reference.slice(0, 100),
      amount: input.amount,
      transactionChargesCategory: "ChargeWallet",
    });
    const tx = this.#transaction(data, "collect");
    const status = toStatus(tx);
    if (status.outcome === "failed" || status.outcome === "cancelled") {
      throw new ProviderDeclinedError(
        `iotec collect ${tx.status}: ${tx.statusMessage ?? ""}`,
        status.customerMessage,
        tx.status,
      );
    }
    return { providerReference: tx.id, customerMessage: status.customerMessage };
  }

  async queryStatus(input: { paymentId: string; providerReference?: string | undefined }): Promise<CollectionStatus> {
    // Without ioTec's id (the collect call timed out) the payment is found by our externalId.
    const path = input.providerReference
      ? `/api/collections/status/${encodeURIComponent(input.providerReference)}`
      : `/api/collections/external-id/${encodeURIComponent(input.paymentId)}`;
    try {
      return toStatus(this.#transaction(await this.#request("GET", path), "status"));
    } catch (error) {
      if (!input.providerReference && error instanceof ProviderInvalidRequestError && error.providerCode === "404") {
        return { outcome: "pending", providerReference: "", customerMessage: "We are confirming your payment." };
      }
      throw error;
    }
  }

  async readCallback(request: CallbackRequest): Promise<CollectionCallback> {
    const header = request.headers[this.#config.callbackHeader ?? IOTEC_CALLBACK_HEADER];
    const presented = Array.isArray(header) ? header[0] : header;
    if (!presented || !constantTimeEqual(presented, this.#config.callbackSecret)) {
      throw new ProviderAuthError("iotec callback: wrong or missing header secret", "");
    }
    const hint = transactionSchema.pick({ id: true }).safeParse(request.body);
    if (!hint.success)
      throw new ProviderInvalidRequestError(`iotec callback: ${describeIssues(hint.error.issues)}`, "");
    // The callback is a hint: ioTec's own status, fetched now, is what counts.
    const status = await this.queryStatus({ paymentId: "", providerReference: hint.data.id });
    return { eventKey: `${status.providerReference}:${status.outcome}`, status };
  }
}
