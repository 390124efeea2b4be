// The payouts capability (money from Malipo to a customer's mobile wallet) every payout adapter
// implements, and the reversal of a customer's payment where the provider offers one. Inputs and
// outputs are Malipo's own shapes (integer minor units, E.164 phones, normalised outcomes):
// provider wire types never leave the adapter.
import type { Currency, ProviderName } from "../shared/catalog.js";
import type { CallbackRequest } from "./collections.js";

export type { CallbackRequest };

/**
 * A provider's view of a payout or reversal, normalised. `pending` means "not known yet": a
 * queue timeout, an unanswered status request or an unfamiliar status are pending, never failed,
 * so the money stays held until the provider says what happened.
 */
export type PayoutOutcome = "pending" | "succeeded" | "failed";

export interface SendPayoutInput {
  /** The ledger entry id: the provider's idempotency key, so a repeat never pays twice. */
  readonly payoutId: string;
  /** Minor units. */
  readonly amount: number;
  readonly currency: Currency;
  /** The receiving wallet, E.164. */
  readonly phone: string;
  /** Shown on the customer's statement; adapters shorten it to what the provider allows. */
  readonly remarks: string;
}

export interface PayoutAccepted {
  /** What the provider's status and result messages refer to. */
  readonly providerReference: string;
  /** True when the provider said it already had this payoutId: the first request stands. */
  readonly duplicate: boolean;
  readonly customerMessage: string;
}

export interface PayoutStatus {
  readonly outcome: PayoutOutcome;
  readonly providerReference: string;
  /** The provider's receipt for the money movement (M-Pesa TransactionID, network reference). */
  readonly receipt?: string | undefined;
  /** What the provider says moved, in minor units, when it says. */
  readonly amount?: number | undefined;
  readonly currency?: Currency | undefined;
  readonly completedAt?: Date | undefined;
  /**
   * The payout account's balance after this payout, in minor units, when the provider reports it
   * (Daraja's B2CUtilityAccountAvailableFunds): for float-low alerts.
   */
  readonly availableFunds?: number | undefined;
  /** `<provider>:<code>`, for failures. */
  readonly failureCode?: string | undefined;
  /** For the customer: what happened and what to do. */
  readonly customerMessage: string;
  /** For operators when the cause is on Malipo's side (credentials, float), else absent. */
  readonly operatorMessage?: string | undefined;
}

export type PayoutResultKind = "payout" | "status" | "reversal";

export interface PayoutResult {
  /** Identifies this provider event: repeats of the same delivery share it. */
  readonly eventKey: string;
  /** What the result is about: a payout's own result, a status request's answer, a reversal's result. */
  readonly kind: PayoutResultKind;
  /** The payoutId (for payout and status) or reversalId the result is about. */
  readonly subjectId: string;
  readonly status: PayoutStatus;
}

export interface PayoutProvider {
  readonly name: ProviderName;
  readonly currency: Currency;
  /** Inclusive limits per payout, in minor units. */
  readonly limits: { readonly min: number; readonly max: number };
  send(input: SendPayoutInput): Promise<PayoutAccepted>;
  /**
   * The provider's status of a payout. Providers that answer status requests asynchronously
   * (Daraja) return `pending` here; their answer arrives through `readResult` with kind `status`.
   */
  query(payout: { payoutId: string; providerReference?: string | undefined }): Promise<PayoutStatus>;
  /**
   * Authenticates and parses an incoming result; throws ProviderAuthError or
   * ProviderInvalidRequestError. Null for an authentic event that is not about a payout.
   */
  readResult(request: CallbackRequest): Promise<PayoutResult | null>;
}

export interface ReverseInput {
  /** Malipo's id for the reversal (the reversing ledger entry); the result carries it back. */
  readonly reversalId: string;
  /** The provider's receipt of the customer's payment being reversed. */
  readonly receipt: string;
  /** Minor units: the whole payment. */
  readonly amount: number;
  readonly currency: Currency;
  readonly remarks: string;
}

export interface ReversalAccepted {
  readonly providerReference: string;
}

/** Providers that can reverse a customer-to-business payment; the result comes via `readResult`. */
export interface ReversalProvider {
  reverse(input: ReverseInput): Promise<ReversalAccepted>;
}
