// Waiting for a condition rather than for time.
import { inspect } from "node:util";

/**
 * Polls `read` until `done` holds and returns that value; fails, with the last value read, when
 * it has not held within `timeoutMs`. The limit only guards against a hang: CI may be a loaded
 * machine, so it is generous.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `still not there after ${timeoutMs / 1000} s; last read: ${inspect(value, { depth: 4, breakLength: Infinity }).slice(0, 500)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
