// Bounded concurrency for tests and benchmarks.
/** Runs `task` over `items` with at most `concurrency` in flight; results keep the items' order. */
export async function pool<I, T>(
  items: readonly I[],
  concurrency: number,
  task: (item: I, index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let index = next++; index < items.length; index = next++)
        results[index] = await task(items[index] as I, index);
    }),
  );
  return results;
}

/** 0, 1, …, count - 1. */
export const range = (count: number): number[] => Array.from({ length: count }, (_, i) => i);
