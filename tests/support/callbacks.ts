// Provider callbacks delivered in-process to the handler the callback functions use, with the
// adapters configured as in the emulator: for tests that deliver one callback many times at once,
// which through the Functions emulator would start a worker process per delivery in flight.
import { createCallbackHandler } from "../../functions/src/payments/callbacks.ts";
import type { ProviderName } from "../../functions/src/providers/collections.ts";
import { adminDb } from "./firestore.ts";
import { simulatorProvider } from "./providers.ts";

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** Delivers one callback as the provider would (path and headers as the function would see them). */
export async function deliverInProcess(
  provider: ProviderName,
  request: { path?: string; headers?: Record<string, string>; body: unknown },
): Promise<Answer> {
  const handler = createCallbackHandler({ db: adminDb, provider: () => simulatorProvider(provider), now: Date.now });
  let status = 200;
  let body: unknown;
  const res = {
    status(code: number) {
      status = code;
      return this;
    },
    set() {
      return this;
    },
    json(value: unknown) {
      body = value;
    },
  };
  await handler(
    { method: "POST", path: request.path ?? "/", headers: request.headers ?? {}, body: request.body, ip: "127.0.0.1" },
    res,
  );
  return { status, body };
}
