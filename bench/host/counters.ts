// Counting Firestore work at the client, in the host process: every GAPIC call the Firestore
// client makes (commit, batchGetDocuments, runQuery, runAggregationQuery, beginTransaction,
// rollback, batchWrite) and the documents its streams return, attributed to the function whose
// invocation issued it (AsyncLocalStorage, captured when the call is made).
import { AsyncLocalStorage } from "node:async_hooks";

export interface FirestoreCounts {
  /** Documents returned by lookups, queries and aggregations (one per aggregation result). */
  reads: number;
  /** Lookups of documents that do not exist (Firestore bills these as reads too). */
  missing: number;
  /** Writes sent in commits and batch writes (set, update, delete, transforms of one document). */
  writes: number;
  commits: number;
  /** Transactions begun: beginTransaction, or a read that starts one (newTransaction). */
  transactions: number;
  /** Of those, retries of an aborted transaction (readWrite.retryTransaction). */
  retries: number;
  rollbacks: number;
  /** runQuery and runAggregationQuery calls. */
  queries: number;
  /** batchGetDocuments calls (each may look up several documents). */
  lookups: number;
}

export const COUNT_FIELDS = [
  "reads",
  "missing",
  "writes",
  "commits",
  "transactions",
  "retries",
  "rollbacks",
  "queries",
  "lookups",
] as const satisfies readonly (keyof FirestoreCounts)[];

export const zeroCounts = (): FirestoreCounts => ({
  reads: 0,
  missing: 0,
  writes: 0,
  commits: 0,
  transactions: 0,
  retries: 0,
  rollbacks: 0,
  queries: 0,
  lookups: 0,
});

export function addCounts(into: FirestoreCounts, add: Partial<FirestoreCounts>): void {
  for (const field of COUNT_FIELDS) into[field] += add[field] ?? 0;
}

type Message = Record<string, unknown> | undefined;

/** A transaction begun by this request's options (newTransaction on a read, or beginTransaction's). */
function begun(options: unknown): Partial<FirestoreCounts> {
  if (options === undefined || options === null) return {};
  const readWrite = (options as { readWrite?: { retryTransaction?: unknown } }).readWrite;
  const retry = readWrite?.retryTransaction !== undefined && readWrite.retryTransaction !== null;
  return { transactions: 1, retries: retry ? 1 : 0 };
}

/** What one request costs, before any answer. */
export function countRequest(method: string, request: Message): Partial<FirestoreCounts> {
  const writes = Array.isArray(request?.writes) ? request.writes.length : 0;
  switch (method) {
    case "commit":
      return { commits: 1, writes };
    case "batchWrite":
      return { writes };
    case "beginTransaction":
      return begun(request?.options ?? {});
    case "rollback":
      return { rollbacks: 1 };
    case "batchGetDocuments":
      return { lookups: 1, ...begun(request?.newTransaction) };
    case "runQuery":
    case "runAggregationQuery":
      return { queries: 1, ...begun(request?.newTransaction) };
    default:
      return {};
  }
}

/** What one streamed answer carries. */
export function countResponse(method: string, chunk: Message): Partial<FirestoreCounts> {
  switch (method) {
    case "batchGetDocuments":
      return chunk?.found ? { reads: 1 } : chunk?.missing ? { missing: 1 } : {};
    case "runQuery":
      return chunk?.document ? { reads: 1 } : {};
    case "runAggregationQuery":
      return chunk?.result ? { reads: 1 } : {};
    default:
      return {};
  }
}

/** The function an asynchronous call belongs to. */
export const invocation = new AsyncLocalStorage<string>();
const OUTSIDE = "(outside any invocation)";

export class FirestoreCounter {
  readonly byFunction = new Map<string, FirestoreCounts>();

  add(name: string, counts: Partial<FirestoreCounts>): void {
    let entry = this.byFunction.get(name);
    if (!entry) this.byFunction.set(name, (entry = zeroCounts()));
    addCounts(entry, counts);
  }

  total(): FirestoreCounts {
    const total = zeroCounts();
    for (const counts of this.byFunction.values()) addCounts(total, counts);
    return total;
  }

  reset(): void {
    this.byFunction.clear();
  }
}

const UNARY = ["commit", "batchWrite", "beginTransaction", "rollback"] as const;
const STREAMING = ["batchGetDocuments", "runQuery", "runAggregationQuery"] as const;

interface Readable {
  on(event: "data", listener: (chunk: Message) => void): unknown;
}
type Method = (this: unknown, request: Message, ...rest: unknown[]) => unknown;

/** Wraps the GAPIC FirestoreClient's methods (the prototype every client the pool makes shares). */
export function instrumentFirestoreClient(prototype: Record<string, unknown>, counter: FirestoreCounter): void {
  for (const method of [...UNARY, ...STREAMING]) {
    const original = prototype[method];
    if (typeof original !== "function") throw new Error(`FirestoreClient has no ${method}: the client changed`);
    const streaming = (STREAMING as readonly string[]).includes(method);
    const wrapped: Method = function (this: unknown, request, ...rest) {
      const name = invocation.getStore() ?? OUTSIDE;
      counter.add(name, countRequest(method, request));
      const result = (original as Method).call(this, request, ...rest);
      // The client pipes this stream on in the same tick, so a data listener loses nothing.
      if (streaming) (result as Readable).on("data", (chunk) => counter.add(name, countResponse(method, chunk)));
      return result;
    };
    prototype[method] = wrapped;
  }
}
