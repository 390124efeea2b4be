import { PassThrough } from "node:stream";

import { describe, expect, it } from "vitest";

import { countRequest, countResponse, FirestoreCounter, instrumentFirestoreClient, invocation } from "./counters.ts";

describe("countRequest", () => {
  it("counts a commit's writes and a transaction begun by a read or by beginTransaction", () => {
    expect(countRequest("commit", { writes: [{}, {}, {}] })).toEqual({ commits: 1, writes: 3 });
    expect(countRequest("batchGetDocuments", { documents: ["a"], newTransaction: { readWrite: {} } })).toEqual({
      lookups: 1,
      transactions: 1,
      retries: 0,
    });
    expect(countRequest("runQuery", { newTransaction: { readWrite: { retryTransaction: Buffer.from("t") } } })).toEqual(
      {
        queries: 1,
        transactions: 1,
        retries: 1,
      },
    );
    expect(countRequest("runQuery", { transaction: Buffer.from("t") })).toEqual({ queries: 1 });
    expect(countRequest("beginTransaction", { options: { readWrite: {} } })).toEqual({ transactions: 1, retries: 0 });
    expect(countRequest("rollback", {})).toEqual({ rollbacks: 1 });
    expect(countRequest("runAggregationQuery", {})).toEqual({ queries: 1 });
  });
});

describe("countResponse", () => {
  it("counts documents found, missing and returned by queries", () => {
    expect(countResponse("batchGetDocuments", { found: { name: "a" } })).toEqual({ reads: 1 });
    expect(countResponse("batchGetDocuments", { missing: "a" })).toEqual({ missing: 1 });
    expect(countResponse("batchGetDocuments", { transaction: Buffer.from("t") })).toEqual({});
    expect(countResponse("runQuery", { document: { name: "a" } })).toEqual({ reads: 1 });
    expect(countResponse("runQuery", { readTime: {} })).toEqual({});
    expect(countResponse("runAggregationQuery", { result: {} })).toEqual({ reads: 1 });
  });
});

describe("instrumentFirestoreClient", () => {
  it("attributes calls and streamed documents to the invocation that made them", async () => {
    const streams: PassThrough[] = [];
    class FakeClient {
      commit(request: unknown): Promise<unknown[]> {
        return Promise.resolve([request]);
      }
      batchWrite(): Promise<unknown[]> {
        return Promise.resolve([{}]);
      }
      beginTransaction(): Promise<unknown[]> {
        return Promise.resolve([{}]);
      }
      rollback(): Promise<unknown[]> {
        return Promise.resolve([{}]);
      }
      batchGetDocuments(): PassThrough {
        const stream = new PassThrough({ objectMode: true });
        streams.push(stream);
        return stream;
      }
      runQuery(): PassThrough {
        return this.batchGetDocuments();
      }
      runAggregationQuery(): PassThrough {
        return this.batchGetDocuments();
      }
    }
    const counter = new FirestoreCounter();
    instrumentFirestoreClient(FakeClient.prototype as unknown as Record<string, unknown>, counter);
    const client = new FakeClient();
    const seen: unknown[] = [];
    await invocation.run("createPayment", async () => {
      await client.commit({ writes: [{}, {}] });
      const stream = client.batchGetDocuments();
      stream.on("data", (chunk) => seen.push(chunk));
      // Answers arrive later, outside the invocation's own call stack.
      setImmediate(() => {
        stream.write({ found: { name: "a" } });
        stream.write({ missing: "b" });
        stream.end();
      });
      await new Promise((resolve) => stream.on("end", resolve));
    });
    await client.commit({ writes: [{}] });
    expect(seen).toHaveLength(2);
    expect(counter.byFunction.get("createPayment")).toMatchObject({
      commits: 1,
      writes: 2,
      lookups: 1,
      reads: 1,
      missing: 1,
    });
    expect(counter.total()).toMatchObject({ commits: 2, writes: 3, reads: 1 });
    counter.reset();
    expect(counter.total().commits).toBe(0);
  });

  it("fails loudly when the client no longer has a method it counts", () => {
    expect(() => instrumentFirestoreClient({}, new FirestoreCounter())).toThrow(/no commit/);
  });
});
