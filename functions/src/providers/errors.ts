// Typed provider failures. Whether a failure may be retried is decided here, once
// (money rule 19, docs/money-rules.md): only rate limits and unavailability are transient.
import { isAxiosError } from "axios";

export type ProviderErrorKind = "declined" | "rate-limited" | "unavailable" | "invalid-request" | "auth";

export abstract class ProviderError extends Error {
  abstract readonly kind: ProviderErrorKind;
  /** For the payer: what happened and what to do. */
  readonly customerMessage: string;
  readonly providerCode: string | undefined;
  constructor(message: string, customerMessage: string, providerCode?: string) {
    super(message);
    this.customerMessage = customerMessage;
    this.providerCode = providerCode;
  }
  get retryable(): boolean {
    return this.kind === "rate-limited" || this.kind === "unavailable";
  }
}

export class ProviderDeclinedError extends ProviderError {
  override name = "ProviderDeclinedError";
  readonly kind = "declined";
}
export class ProviderRateLimitedError extends ProviderError {
  override name = "ProviderRateLimitedError";
  readonly kind = "rate-limited";
}
/** Timeouts, network failures and 5xx: the request may or may not have been processed. */
export class ProviderUnavailableError extends ProviderError {
  override name = "ProviderUnavailableError";
  readonly kind = "unavailable";
  /** True when the provider certainly did not act on the request (e.g. refused to connect). */
  readonly notProcessed: boolean;
  constructor(message: string, customerMessage: string, providerCode?: string, notProcessed = false) {
    super(message, customerMessage, providerCode);
    this.notProcessed = notProcessed;
  }
}
export class ProviderInvalidRequestError extends ProviderError {
  override name = "ProviderInvalidRequestError";
  readonly kind = "invalid-request";
}
export class ProviderAuthError extends ProviderError {
  override name = "ProviderAuthError";
  readonly kind = "auth";
}

const TRY_LATER = "The mobile money service is busy right now. Please try again in a minute.";
const OUR_SIDE = "We could not start the payment because of a problem on our side. No money was taken.";

/**
 * A failure of the OAuth token endpoint: it happens before any payment request is sent, so an
 * unavailable token endpoint means the payment was certainly not processed.
 */
export function tokenFailure(provider: string, error: unknown): ProviderError {
  const failure = classifyHttpFailure(`${provider} token`, error);
  if (failure instanceof ProviderUnavailableError) {
    return new ProviderUnavailableError(failure.message, failure.customerMessage, failure.providerCode, true);
  }
  // OAuth servers answer bad client credentials with 400 {"error":"invalid_client"} (RFC 6749 5.2).
  if (failure instanceof ProviderInvalidRequestError) {
    return new ProviderAuthError(failure.message, failure.customerMessage, failure.providerCode);
  }
  return failure;
}

/** Maps a transport-level failure (no usable provider body) to a typed error. */
export function classifyHttpFailure(provider: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (!isAxiosError(error)) return new ProviderUnavailableError(`${provider}: ${String(error)}`, TRY_LATER);
  const status = error.response?.status;
  if (status === undefined) {
    const refused = error.code === "ECONNREFUSED";
    return new ProviderUnavailableError(
      `${provider}: ${error.code ?? "network error"}`,
      TRY_LATER,
      error.code,
      refused,
    );
  }
  if (status === 429) return new ProviderRateLimitedError(`${provider}: HTTP 429`, TRY_LATER, "429");
  if (status === 401 || status === 403)
    return new ProviderAuthError(`${provider}: HTTP ${status}`, OUR_SIDE, String(status));
  if (status >= 500) return new ProviderUnavailableError(`${provider}: HTTP ${status}`, TRY_LATER, String(status));
  return new ProviderInvalidRequestError(`${provider}: HTTP ${status}`, OUR_SIDE, String(status));
}
