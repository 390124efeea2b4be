// The HTTP side Daraja's APIs share: one cached OAuth token, bearer-authorised JSON POSTs, and
// gateway errors ({requestId, errorCode, errorMessage}) mapped to typed provider errors. The
// collections and payouts adapters each hold one; the registry gives both the same client, since
// a new token may invalidate the previous one.
import axios, { type AxiosInstance } from "axios";

import {
  classifyHttpFailure,
  ProviderAuthError,
  ProviderDeclinedError,
  ProviderInvalidRequestError,
  ProviderRateLimitedError,
  tokenFailure,
} from "../errors.js";
import { TokenCache, type FetchedToken } from "../token-cache.js";
import { gatewayErrorSchema, tokenReplySchema } from "./wire.js";

export interface DarajaClientConfig {
  readonly baseUrl: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly timeoutMs: number;
  readonly now?: () => Date;
}

export interface GatewayError {
  readonly errorCode: string;
  readonly errorMessage?: string | undefined;
}

const OUR_SIDE = "We could not start the M-Pesa payment because of a problem on our side. No money was taken.";
const TRY_LATER = "M-Pesa is busy right now. Please try again in a minute.";

/** Letters, digits and spaces only, cut to `max` characters: Daraja rejects longer values. */
export function fitText(text: string, max: number): string {
  const cleaned = text.replace(/[^A-Za-z0-9 ]/g, "").trim();
  return (cleaned || "Malipo").slice(0, max);
}

export class DarajaClient {
  readonly #config: DarajaClientConfig;
  readonly #http: AxiosInstance;
  readonly #token: TokenCache;
  readonly now: () => Date;

  constructor(config: DarajaClientConfig, http?: AxiosInstance) {
    this.#config = config;
    this.now = config.now ?? (() => new Date());
    this.#http = http ?? axios.create({ baseURL: config.baseUrl, timeout: config.timeoutMs });
    this.#token = new TokenCache(() => this.#fetchToken(), this.now);
  }

  async #fetchToken(): Promise<FetchedToken> {
    try {
      const response = await this.#http.get("/oauth/v1/generate", {
        params: { grant_type: "client_credentials" },
        auth: { username: this.#config.consumerKey, password: this.#config.consumerSecret },
      });
      const reply = tokenReplySchema.parse(response.data);
      return { value: reply.access_token, expiresInSeconds: reply.expires_in };
    } catch (error) {
      throw tokenFailure("mpesa", error);
    }
  }

  /**
   * POSTs with a bearer token; on "invalid token" drops the cached one and tries once more.
   * `onGatewayError` may turn a gateway error into an answer (a duplicate that means "already
   * accepted"); anything it leaves undefined is thrown as a typed error.
   */
  async post(path: string, body: unknown, onGatewayError?: (error: GatewayError) => unknown): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.#token.get();
      try {
        const response = await this.#http.post(path, body, {
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        });
        return response.data;
      } catch (error) {
        const gateway = axios.isAxiosError(error) ? gatewayErrorSchema.safeParse(error.response?.data) : undefined;
        if (gateway?.success && gateway.data.errorCode === "404.001.03" && attempt === 0) {
          this.#token.invalidate();
          continue;
        }
        const answer = gateway?.success ? onGatewayError?.(gateway.data) : undefined;
        if (answer !== undefined) return answer;
        throw gatewayFailure(error, gateway?.success ? gateway.data : undefined);
      }
    }
  }
}

function gatewayFailure(error: unknown, gateway: GatewayError | undefined): Error {
  if (!gateway) return classifyHttpFailure("mpesa", error);
  const detail = `mpesa ${gateway.errorCode}: ${gateway.errorMessage ?? ""}`;
  switch (gateway.errorCode) {
    case "400.002.02":
      return new ProviderInvalidRequestError(detail, OUR_SIDE, gateway.errorCode);
    case "404.001.03":
      return new ProviderAuthError(detail, OUR_SIDE, gateway.errorCode);
    case "500.003.02": // spike arrest
    case "500.003.03": // quota
      return new ProviderRateLimitedError(detail, TRY_LATER, gateway.errorCode);
    case "500.001.1001":
      return new ProviderDeclinedError(
        detail,
        "M-Pesa could not start a payment for this number right now (the account may be locked or busy). No money was taken.",
        gateway.errorCode,
      );
    default:
      return classifyHttpFailure("mpesa", error);
  }
}
