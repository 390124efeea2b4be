import { describe, expect, it } from "vitest";

import { Busy, Gate } from "./gate.ts";

/** A task that finishes when `release` is called. */
function held(): { promise: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe("Gate", () => {
  it("runs at most `limit` tasks at once and queues the rest in order", async () => {
    const gate = new Gate(2, Number.POSITIVE_INFINITY);
    const tasks = [held(), held(), held(), held()];
    const started: number[] = [];
    const runs = tasks.map((task, i) =>
      gate.run(async () => {
        started.push(i);
        await task.promise;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect(gate.stats).toMatchObject({ inFlight: 2, queued: 2, maxQueued: 2 });
    tasks[1]?.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    for (const task of tasks) task.release();
    await Promise.all(runs);
    expect(gate.stats).toMatchObject({ inFlight: 0, queued: 0, maxInFlight: 2, completed: 4, rejected: 0 });
  });

  it("refuses past the queue, as the platform answers 429", async () => {
    const gate = new Gate(1, 1);
    const task = held();
    const first = gate.run(() => task.promise);
    const second = gate.run(() => Promise.resolve("queued"));
    await expect(gate.run(() => Promise.resolve("refused"))).rejects.toBeInstanceOf(Busy);
    task.release();
    await first;
    await expect(second).resolves.toBe("queued");
    expect(gate.stats.rejected).toBe(1);
  });

  it("frees the slot when a task fails", async () => {
    const gate = new Gate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(gate.run(() => Promise.resolve(1))).resolves.toBe(1);
    expect(() => new Gate(0, 0)).toThrow(/positive integer/);
  });
});
