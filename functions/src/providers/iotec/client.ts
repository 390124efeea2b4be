// The HTTP side ioTec's APIs share: the five-minute OAuth token (form-encoded, cached, refreshed a
// minute early), bearer-authorised JSON requests retried once on 401, ioTec's {message, code}
// errors mapped to typed provider errors, and the transaction body every answer carries.
import axios, { type AxiosInstance } from "axios";
import { z } from "zod";

import { constantTimeEqual } from "../../shared/hashing.js";
import { describeIssues } from "../../shared/issues.js";
import type { CallbackRequest } from "../collections.js";
import { classifyHttpFailure, ProviderAuthError, ProviderInvalidRequestError, tokenFailure } from "../errors.js";
import { TokenCache, type FetchedToken } from "../token-cache.js";
import { errorSchema, tokenReplySchema, transactionSchema, type IotecTransaction } from "./wire.js";

export interface IotecClientConfig {
  readonly baseUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly timeoutMs: number;
  readonly now?: () => Date;
}

export const IOTEC_CALLBACK_HEADER = "x-malipo-callback-secret";

const OUR_SIDE = "We could not start the mobile money payment because of a problem on our side. No money was taken.";

export class IotecClient {
  readonly #config: IotecClientConfig;
  readonly #http: AxiosInstance;
  readonly #token: TokenCache;

  constructor(config: IotecClientConfig, http?: AxiosInstance) {
    this.#config = config;
    this.#http = http ?? axios.create({ baseURL: config.baseUrl, timeout: config.timeoutMs });
    this.#token = new TokenCache(() => this.#fetchToken(), config.now ?? (() => new Date()));
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
  async request(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
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

  /** The transaction in an answer (a lookup by externalId answers a list: the first is taken). */
  transaction(data: unknown, what: string): IotecTransaction {
    const parsed = transactionSchema.safeParse(Array.isArray(data) ? data[0] : data);
    if (!parsed.success) {
      throw new ProviderInvalidRequestError(
        `iotec ${what}: unexpected reply (${describeIssues(parsed.error.issues)})`,
        OUR_SIDE,
      );
    }
    return parsed.data;
  }
}

/**
 * Authenticates a wallet callback by its static header (ioTec signs nothing) and returns the
 * transaction id it names. The body is only a hint: callers re-fetch the status before acting.
 */
const callbackHintSchema = transactionSchema.pick({ id: true }).extend({
  id: z.string().min(1, "is empty").max(100, "is longer than any ioTec transaction id"),
});

export function callbackTransactionId(
  request: CallbackRequest,
  config: { readonly callbackSecret: string; readonly callbackHeader?: string | undefined },
): string {
  const header = request.headers[config.callbackHeader ?? IOTEC_CALLBACK_HEADER];
  const presented = Array.isArray(header) ? header[0] : header;
  if (!presented || !constantTimeEqual(presented, config.callbackSecret)) {
    throw new ProviderAuthError("iotec callback: wrong or missing header secret", "");
  }
  // Only the id is read from the body, and only to look the transaction up: an id no ioTec
  // transaction could have (ioTec's are GUIDs) is refused here rather than sent in a URL.
  const hint = callbackHintSchema.safeParse(request.body);
  if (!hint.success) throw new ProviderInvalidRequestError(`iotec callback: ${describeIssues(hint.error.issues)}`, "");
  return hint.data.id;
}
