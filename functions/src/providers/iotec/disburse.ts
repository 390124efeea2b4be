// ioTec Pay disbursements (payouts to MTN and Airtel wallets in Uganda): disburse, status, and
// wallet callbacks that are only trusted after re-fetching the status from ioTec.
// Wire facts: docs/payouts.md.
import { toWholeMajor } from "../../shared/money.js";
import { localForm } from "../../shared/phone.js";
import { ProviderDeclinedError, ProviderInvalidRequestError } from "../errors.js";
import type {
  CallbackRequest,
  PayoutAccepted,
  PayoutOutcome,
  PayoutProvider,
  PayoutResult,
  PayoutStatus,
  SendPayoutInput,
} from "../payouts.js";
import { callbackTransactionId, IotecClient, type IotecClientConfig } from "./client.js";
import type { IotecStatus, IotecTransaction } from "./wire.js";

export interface IotecDisbursementsConfig extends IotecClientConfig {
  readonly walletId: string;
  /** The static header value ioTec is configured to send with the wallet's callbacks. */
  readonly callbackSecret: string;
  readonly callbackHeader?: string;
}

/**
 * SentToVendor (handed to MTN or Airtel) and AwaitingApproval (a wallet approver must act) are
 * not success; RolledBack (the network returned the money, possibly after a Success) is a failure.
 */
export const DISBURSEMENT_OUTCOMES: Readonly<Record<IotecStatus, PayoutOutcome>> = {
  Pending: "pending",
  SentToVendor: "pending",
  AwaitingApproval: "pending",
  Scheduled: "pending",
  Success: "succeeded",
  Failed: "failed",
  Rejected: "failed",
  RolledBack: "failed",
  Cancelled: "failed",
};

const KEPT = "The money is still in your Malipo wallet.";

const OPERATOR_MESSAGES: Partial<Record<IotecStatus, string>> = {
  AwaitingApproval: "The ioTec disbursement waits for an approver on the ioTec wallet.",
  Rejected: "An approver on the ioTec wallet rejected the disbursement.",
  RolledBack: "The network rolled the disbursement back after ioTec sent it; check it on the ioTec dashboard.",
};

function customerMessage(tx: IotecTransaction): string {
  const network = tx.vendor && tx.vendor !== "Mock" ? `${tx.vendor} ` : "";
  switch (DISBURSEMENT_OUTCOMES[tx.status]) {
    case "succeeded":
      return `The money has been sent to your ${network}mobile money.`;
    case "pending":
      return `We are sending the money to your ${network}mobile money.`;
    default:
      return `The ${network}mobile money payout did not go through${tx.statusMessage ? ` (${tx.statusMessage})` : ""}. ${KEPT}`;
  }
}

export function toPayoutStatus(tx: IotecTransaction): PayoutStatus {
  const outcome = DISBURSEMENT_OUTCOMES[tx.status];
  const operatorMessage = OPERATOR_MESSAGES[tx.status];
  const completedAt = tx.processedAt ? new Date(tx.processedAt) : undefined;
  return {
    outcome,
    providerReference: tx.id,
    customerMessage: customerMessage(tx),
    ...(outcome === "succeeded" && tx.vendorTransactionId ? { receipt: tx.vendorTransactionId } : {}),
    ...(tx.currency === "UGX" ? { amount: tx.amount, currency: "UGX" as const } : {}),
    ...(outcome !== "pending" && completedAt && !Number.isNaN(completedAt.getTime()) ? { completedAt } : {}),
    ...(outcome === "failed" ? { failureCode: `iotec:${tx.status}` } : {}),
    ...(operatorMessage ? { operatorMessage } : {}),
  };
}

export class IotecDisbursements implements PayoutProvider {
  readonly name = "iotec" as const;
  readonly currency = "UGX" as const;
  // UGX 500 to UGX 5,000,000 per payout, as for collections.
  readonly limits = { min: 500, max: 5_000_000 };

  readonly #config: IotecDisbursementsConfig;
  readonly #client: IotecClient;

  /** `client` is shared with the collections adapter when both use the same ioTec account. */
  constructor(config: IotecDisbursementsConfig, client?: IotecClient) {
    this.#config = config;
    this.#client = client ?? new IotecClient(config);
  }

  /** The disbursement ioTec has under our payoutId, if any. */
  async #byExternalId(payoutId: string): Promise<IotecTransaction | undefined> {
    try {
      const data = await this.#client.request("GET", `/api/disbursements/external-id/${encodeURIComponent(payoutId)}`);
      return Array.isArray(data) && data.length === 0 ? undefined : this.#client.transaction(data, "status");
    } catch (error) {
      if (error instanceof ProviderInvalidRequestError && error.providerCode === "404") return undefined;
      throw error;
    }
  }

  async send(input: SendPayoutInput): Promise<PayoutAccepted> {
    if (input.currency !== "UGX") {
      throw new ProviderInvalidRequestError(
        `iotec payout in ${input.currency}`,
        `ioTec pays out in UGX, not ${input.currency}.`,
      );
    }
    // Whole shillings (UGX has no minor unit); refused with a clear error before any call.
    const amount = toWholeMajor(input.amount, "UGX");
    if (!/^\+256\d{9}$/.test(input.phone)) {
      throw new ProviderInvalidRequestError(
        "iotec payout to a non-Ugandan number",
        "ioTec pays out only to Ugandan numbers (+256…).",
      );
    }
    // ioTec does not refuse a repeated externalId, so a repeat is caught here: the first stands.
    // (Concurrent sends of one payout are the ledger's to prevent: it holds the payout once.)
    const existing = await this.#byExternalId(input.payoutId);
    if (existing) {
      return { providerReference: existing.id, duplicate: true, customerMessage: customerMessage(existing) };
    }
    const data = await this.#client.request("POST", "/api/disbursements/disburse", {
      category: "MobileMoney",
      currency: "UGX",
      walletId: this.#config.walletId,
      externalId: input.payoutId,
      payee: localForm(input.phone, "256"),
      amount,
      payerNote: input.remarks.slice(0, 100),
      payeeNote: input.remarks.slice(0, 100),
    });
    const tx = this.#client.transaction(data, "disburse");
    const status = toPayoutStatus(tx);
    if (status.outcome === "failed") {
      throw new ProviderDeclinedError(
        `iotec disburse ${tx.status}: ${tx.statusMessage ?? ""}`,
        status.customerMessage,
        tx.status,
      );
    }
    return { providerReference: tx.id, duplicate: false, customerMessage: status.customerMessage };
  }

  async query(payout: { payoutId: string; providerReference?: string | undefined }): Promise<PayoutStatus> {
    if (payout.providerReference) {
      const path = `/api/disbursements/status/${encodeURIComponent(payout.providerReference)}`;
      return toPayoutStatus(this.#client.transaction(await this.#client.request("GET", path), "status"));
    }
    // Without ioTec's id (the disburse call timed out) the payout is found by our externalId.
    const found = await this.#byExternalId(payout.payoutId);
    return found
      ? toPayoutStatus(found)
      : { outcome: "pending", providerReference: "", customerMessage: "We are confirming the payout with ioTec." };
  }

  /**
   * The wallet's callbacks cover collections too: a callback about a transaction that is not a
   * disbursement (its status is not found among disbursements) is answered null.
   */
  async readResult(request: CallbackRequest): Promise<PayoutResult | null> {
    const id = callbackTransactionId(request, this.#config);
    let tx: IotecTransaction;
    try {
      const path = `/api/disbursements/status/${encodeURIComponent(id)}`;
      tx = this.#client.transaction(await this.#client.request("GET", path), "status");
    } catch (error) {
      if (error instanceof ProviderInvalidRequestError && error.providerCode === "404") return null;
      throw error;
    }
    // ioTec's status, fetched now, is what counts: the callback body is only a hint.
    return {
      eventKey: `${tx.id}:${tx.status}`,
      kind: "payout",
      subjectId: tx.externalId ?? "",
      status: toPayoutStatus(tx),
    };
  }
}
