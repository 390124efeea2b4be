// ioTec Pay collections (MTN and Airtel in Uganda): collect, status, and callbacks that are only
// trusted after re-fetching the status from ioTec. Wire facts: docs/providers.md.
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
import { ProviderDeclinedError, ProviderInvalidRequestError } from "../errors.js";
import { callbackTransactionId, IotecClient } from "./client.js";
import type { IotecTransaction } from "./wire.js";

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
  readonly #client: IotecClient;

  /** `client` is shared with the disbursements adapter when both use the same ioTec account. */
  constructor(config: IotecConfig, client?: IotecClient) {
    this.#config = config;
    this.#client = client ?? new IotecClient(config);
  }

  async initiate(input: InitiateCollectionInput): Promise<InitiateCollectionResult> {
    const data = await this.#client.request("POST", "/api/collections/collect", {
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
    const tx = this.#client.transaction(data, "collect");
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
      return toStatus(this.#client.transaction(await this.#client.request("GET", path), "status"));
    } catch (error) {
      if (!input.providerReference && error instanceof ProviderInvalidRequestError && error.providerCode === "404") {
        return { outcome: "pending", providerReference: "", customerMessage: "We are confirming your payment." };
      }
      throw error;
    }
  }

  async readCallback(request: CallbackRequest): Promise<CollectionCallback> {
    const id = callbackTransactionId(request, this.#config);
    // The callback is a hint: ioTec's own status, fetched now, is what counts.
    const status = await this.queryStatus({ paymentId: "", providerReference: id });
    return { eventKey: `${status.providerReference}:${status.outcome}`, status };
  }
}
