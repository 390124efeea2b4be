// A few at a time: scheduled jobs work through their due documents with a bounded number in
// flight, so one slow provider answer does not hold up the rest and a long list does not open
// hundreds of requests at once.

/** Runs `task` for every item, at most `workers` at a time; each task reports its own failures. */
export async function eachConcurrently<T>(
  items: readonly T[],
  workers: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
  };
  await Promise.all(Array.from({ length: workers }, worker));
}
