// Loading a function's code on its first call rather than when the entry point is imported, so a
// cold instance pays only for the modules its own function needs.

/** What `load` resolves to, loaded on first use and shared by every later call; a failed load is tried again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

/** A request handler built on its first request (the modules it needs are imported then). */
export function lazyHandler<Req, Res>(
  build: () => Promise<(req: Req, res: Res) => Promise<void>>,
): (req: Req, res: Res) => Promise<void> {
  const handler = once(build);
  return async (req, res) => {
    await (
      await handler()
    )(req, res);
  };
}
