// Provider callbacks delivered in-process to the handler the callback functions use, with the
// adapters configured as in the emulator: for tests that deliver one callback many times at once,
// which through the Functions emulator would start a worker process per delivery in flight.
import { createHmac } from "node:crypto";

import { createCallbackHandler } from "../../functions/src/payments/callbacks.ts";
import type { ProviderName } from "../../functions/src/providers/collections.ts";
import { adminDb } from "./firestore.ts";
import { simulatorProvider } from "./providers.ts";

const handlers = {
  mpesa: createCallbackHandler({ db: adminDb, provider: () => simulatorProvider("mpesa"), now: Date.now }),
  iotec: createCallbackHandler({ db: adminDb, provider: () => simulatorProvider("iotec"), now: Date.now }),
  paystack: createCallbackHandler({ db: adminDb, provider: () => simulatorProvider("paystack"), now: Date.now }),
} satisfies Record<ProviderName, unknown>;

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * Delivers one callback as the provider would (path and headers as the function would see them),
 * again while the answer is a 5xx, as the providers redeliver: a callback whose transaction
 * lost to concurrent ones is answered 500, having recorded nothing.
 */
export async function deliverInProcess(provider: ProviderName, request: CallbackDelivery): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await deliverOnce(provider, request);
    if (answer.status < 500 || attempt >= REDELIVERIES) return answer;
  }
}

/** How often a provider redelivers before the test sees the 5xx (Daraja and ioTec try for hours). */
const REDELIVERIES = 20;

/** `rawBody` are the bytes as sent (signed callbacks); `body` is what the framework parsed. */
export interface CallbackDelivery {
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
  readonly rawBody?: Buffer;
}

async function deliverOnce(provider: ProviderName, request: CallbackDelivery): Promise<Answer> {
  return deliverOnceTo(handlers[provider], request);
}

/** One delivery, no redelivery, to a handler a test built itself (its own deps). */
export async function deliverOnceTo(
  handler: ReturnType<typeof createCallbackHandler>,
  request: CallbackDelivery,
): Promise<Answer> {
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
    {
      method: "POST",
      path: request.path ?? "/",
      headers: request.headers ?? {},
      body: request.body,
      rawBody: request.rawBody,
      ip: "127.0.0.1",
    },
    res,
  );
  return { status, body };
}

/** A Daraja STK callback body; success (0) carries the amount in whole KES and the payer. */
export function darajaCallback(checkoutRequestId: string, resultCode: number, amountKes?: number, phone?: string) {
  return {
    Body: {
      stkCallback: {
        MerchantRequestID: "29115-34620561-1",
        CheckoutRequestID: checkoutRequestId,
        ResultCode: resultCode,
        ResultDesc: "test",
        ...(resultCode === 0
          ? {
              CallbackMetadata: {
                Item: [
                  { Name: "Amount", Value: amountKes },
                  { Name: "MpesaReceiptNumber", Value: "TEST123ABC" },
                  { Name: "Balance" },
                  { Name: "TransactionDate", Value: 20261122101010 },
                  { Name: "PhoneNumber", Value: Number(phone?.slice(1)) },
                ],
              },
            }
          : {}),
      },
    },
  };
}

/** A Paystack webhook as Paystack sends it: these exact bytes, signed with `key`. */
export function paystackWebhook(event: unknown, key: string): CallbackDelivery {
  const text = JSON.stringify(event);
  return {
    headers: { "x-paystack-signature": createHmac("sha512", key).update(text).digest("hex") },
    body: JSON.parse(text) as unknown,
    rawBody: Buffer.from(text),
  };
}
