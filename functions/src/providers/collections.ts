// The collections capability every adapter implements (mobile money, hosted checkouts). Inputs
// and outputs are Malipo's own shapes (integer minor units, E.164 phones, normalised outcomes):
// provider wire types never leave the adapter.
import type { Currency, ProviderName } from "../shared/catalog.js";

export type { ProviderName };

/** A provider's view of a collection, normalised. `pending` means "not final yet". */
export type CollectionOutcome = "pending" | "succeeded" | "failed" | "cancelled" | "expired";

export interface InitiateCollectionInput {
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: Currency;
  readonly phone: string;
  readonly payerName?: string | undefined;
  /** Card and bank checkouts (Paystack) need the payer's email; mobile money ignores it. */
  readonly email?: string | undefined;
  /** Shown to the payer; adapters shorten it to what the provider allows. */
  readonly reference: string;
  readonly description: string;
}

export interface InitiateCollectionResult {
  readonly providerReference: string;
  readonly customerMessage: string;
  /** A hosted checkout page the payer must open to pay (Paystack); absent for phone prompts. */
  readonly checkoutUrl?: string | undefined;
}

export interface CollectionStatus {
  readonly outcome: CollectionOutcome;
  readonly providerReference: string;
  readonly receipt?: string | undefined;
  /** What the provider says was paid, when it says (minor units, E.164). */
  readonly amount?: number | undefined;
  readonly currency?: Currency | undefined;
  readonly phone?: string | undefined;
  readonly failureCode?: string | undefined;
  readonly customerMessage: string;
}

export interface CollectionCallback {
  /** Identifies this provider event: repeats of the same delivery share it. */
  readonly eventKey: string;
  readonly status: CollectionStatus;
}

export interface CallbackRequest {
  /** The path after the function name, e.g. "/<secret>". */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  /** The bytes as received, for providers that sign them (a re-serialised body differs). */
  readonly rawBody?: Buffer | undefined;
}

export interface CollectionProvider {
  readonly name: ProviderName;
  readonly currency: Currency;
  /** Inclusive limits per payment, in minor units. */
  readonly limits: { readonly min: number; readonly max: number };
  initiate(input: InitiateCollectionInput): Promise<InitiateCollectionResult>;
  queryStatus(input: { paymentId: string; providerReference?: string | undefined }): Promise<CollectionStatus>;
  /**
   * Authenticates and parses a callback; throws ProviderAuthError or ProviderInvalidRequestError.
   * Null for an authentic event that is not about a collection (acknowledged, nothing recorded).
   */
  readCallback(request: CallbackRequest): Promise<CollectionCallback | null>;
}
