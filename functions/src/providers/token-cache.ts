// An OAuth access token cached per adapter (one per process): reused until shortly before it
// expires, fetched once for any number of concurrent callers, dropped when the provider rejects it.
export interface FetchedToken {
  readonly value: string;
  readonly expiresInSeconds: number;
}

export class TokenCache {
  readonly #fetch: () => Promise<FetchedToken>;
  readonly #now: () => Date;
  readonly #refreshMarginMs: number;
  #token: { value: string; expiresAt: number } | undefined;
  #request: Promise<string> | undefined;

  constructor(fetch: () => Promise<FetchedToken>, now: () => Date, refreshMarginMs = 60_000) {
    this.#fetch = fetch;
    this.#now = now;
    this.#refreshMarginMs = refreshMarginMs;
  }

  get(): Promise<string> {
    if (this.#token && this.#token.expiresAt - this.#refreshMarginMs > this.#now().getTime()) {
      return Promise.resolve(this.#token.value);
    }
    this.#request ??= this.#fetch()
      .then((token) => {
        this.#token = { value: token.value, expiresAt: this.#now().getTime() + token.expiresInSeconds * 1000 };
        return token.value;
      })
      .finally(() => {
        this.#request = undefined;
      });
    return this.#request;
  }

  invalidate(): void {
    this.#token = undefined;
  }
}
