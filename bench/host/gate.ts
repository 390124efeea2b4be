// Cloud Run's request concurrency for one instance: at most `limit` requests in flight (80 by
// default); beyond that a request waits in a queue of `queueLimit`, and past the queue it is
// refused (the platform answers 429).
export class Busy extends Error {
  override name = "Busy";
}

export interface GateStats {
  inFlight: number;
  queued: number;
  maxInFlight: number;
  maxQueued: number;
  rejected: number;
  completed: number;
}

export class Gate {
  readonly #waiting: (() => void)[] = [];
  readonly stats: GateStats = { inFlight: 0, queued: 0, maxInFlight: 0, maxQueued: 0, rejected: 0, completed: 0 };

  readonly limit: number;
  readonly queueLimit: number;

  constructor(limit: number, queueLimit: number) {
    this.limit = limit;
    this.queueLimit = queueLimit;
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency must be a positive integer, not ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.stats.inFlight >= this.limit) {
      if (this.#waiting.length >= this.queueLimit) {
        this.stats.rejected++;
        throw new Busy(`${this.limit} requests in flight and ${this.#waiting.length} queued`);
      }
      await new Promise<void>((resolve) => {
        this.#waiting.push(resolve);
        this.stats.queued = this.#waiting.length;
        this.stats.maxQueued = Math.max(this.stats.maxQueued, this.#waiting.length);
      });
    } else {
      this.stats.inFlight++;
    }
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.stats.inFlight);
    try {
      return await task();
    } finally {
      this.stats.completed++;
      const next = this.#waiting.shift();
      this.stats.queued = this.#waiting.length;
      // The slot passes straight to the next in line; otherwise it is freed.
      if (next) next();
      else this.stats.inFlight--;
    }
  }

  resetPeaks(): void {
    Object.assign(this.stats, {
      maxInFlight: this.stats.inFlight,
      maxQueued: this.#waiting.length,
      rejected: 0,
      completed: 0,
    });
  }
}
