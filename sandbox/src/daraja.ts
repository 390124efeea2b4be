// A Daraja (M-Pesa) simulator: OAuth token, STK Push, STK query, and the asynchronous callback.
// Outcomes by payer number (2547XXXXXXXX): ending 1032 cancelled, 1037 unreachable, 2001 wrong
// PIN, 0001 insufficient balance (code 1), 0017 repeat within 2 minutes, 1019 expired, 9999 no
// callback ever (the query keeps answering "being processed"); anything else succeeds. Payouts
// (B2C, Transaction Status, Reversal) are in daraja-payouts.ts.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { createDarajaPayouts } from "./daraja-payouts.ts";
import { SimulatorState } from "./faults.ts";
import { postCallback, readJson, record, sendJson, sleep, text } from "./http.ts";

export const DARAJA_FAULTS = [
  "token-401", // the token endpoint refuses the credentials
  "token-500", // the token endpoint fails
  "timeout", // the STK push reply comes only after `timeoutHoldMs` (the push is still processed)
  "spike-arrest", // 500.003.02: too many requests
  "duplicate-callback", // the callback is delivered twice
  "callback-before-reply", // the callback is sent before the push reply
  "wrong-amount", // the callback reports one shilling more than was asked
  "drop-callback", // the callback is never sent (re-query finds the result)
  "query-timeout", // the STK query reply comes only after `timeoutHoldMs`
] as const;

export interface DarajaSimulatorOptions {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly shortcode: string;
  readonly passkey: string;
  /** Payouts: the B2C shortcode (PartyA) and the initiator Daraja expects (daraja-payouts.ts). */
  readonly b2cShortcode: string;
  readonly initiatorName: string;
  readonly securityCredential: string;
  readonly callbackDelayMs: number;
  readonly timeoutHoldMs: number;
}

interface Transaction {
  readonly checkoutRequestId: string;
  readonly merchantRequestId: string;
  readonly phone: string;
  readonly amount: number;
  readonly callbackUrl: string;
  /** Set once the customer has answered the prompt. */
  resultCode?: number | string;
}

const OUTCOMES: readonly [string, number | string][] = [
  ["1032", 1032],
  ["1037", 1037],
  ["2001", 2001],
  ["0001", 1],
  ["0017", 17],
  ["1019", 1019],
];

const RESULT_DESCRIPTIONS: Record<string, string> = {
  "0": "The service request is processed successfully.",
  "1": "The balance is insufficient for the transaction.",
  "17": "Rule limited.",
  "1019": "Transaction has expired.",
  "1032": "Request cancelled by user.",
  "1037": "DS timeout user cannot be reached.",
  "2001": "The initiator information is invalid.",
};

function outcomeFor(phone: string): number | string | undefined {
  if (phone.endsWith("9999")) return undefined;
  return OUTCOMES.find(([suffix]) => phone.endsWith(suffix))?.[1] ?? 0;
}

function nairobiNow(): number {
  const at = new Date(Date.now() + 3 * 3600_000).toISOString();
  return Number(at.slice(0, 19).replace(/\D/g, ""));
}

function gatewayError(response: ServerResponse, status: number, errorCode: string, errorMessage: string): void {
  sendJson(response, status, { requestId: randomBytes(8).toString("hex"), errorCode, errorMessage });
}

export function createDarajaSimulator(options: DarajaSimulatorOptions): { server: Server; state: SimulatorState } {
  const state = new SimulatorState(DARAJA_FAULTS);
  const tokens = new Map<string, number>();
  const transactions = new Map<string, Transaction>();

  function callbackBody(tx: Transaction, resultCode: number | string, amount: number): unknown {
    const stkCallback: Record<string, unknown> = {
      MerchantRequestID: tx.merchantRequestId,
      CheckoutRequestID: tx.checkoutRequestId,
      ResultCode: resultCode,
      ResultDesc: RESULT_DESCRIPTIONS[String(resultCode)] ?? "Failed.",
    };
    if (resultCode === 0) {
      stkCallback.CallbackMetadata = {
        Item: [
          { Name: "Amount", Value: amount },
          { Name: "MpesaReceiptNumber", Value: `S${randomBytes(5).toString("hex").toUpperCase().slice(0, 9)}` },
          { Name: "Balance" },
          { Name: "TransactionDate", Value: nairobiNow() },
          { Name: "PhoneNumber", Value: Number(tx.phone) },
        ],
      };
    }
    return { Body: { stkCallback } };
  }

  async function deliver(tx: Transaction, delayMs: number): Promise<void> {
    const resultCode = outcomeFor(tx.phone);
    if (resultCode === undefined) return;
    await sleep(delayMs);
    tx.resultCode = resultCode;
    const step = { phone: tx.phone, reference: tx.checkoutRequestId };
    state.record({ path: "settled", ...step });
    if (state.take("drop-callback", tx.phone)) {
      state.record({ path: "callback-dropped", ...step });
      return;
    }
    const amount = state.take("wrong-amount", tx.phone) ? tx.amount + 1 : tx.amount;
    const body = callbackBody(tx, resultCode, amount);
    const copies = state.take("duplicate-callback", tx.phone) ? 2 : 1;
    state.record({ path: "callback-sent", ...step });
    for (let i = 0; i < copies; i++) {
      state.record({ path: "callback-answered", ...step, status: await postCallback(tx.callbackUrl, body) });
    }
  }

  function authorised(request: IncomingMessage): boolean {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const expiresAt = token ? tokens.get(token) : undefined;
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  function handleToken(request: IncomingMessage, response: ServerResponse, url: URL): void {
    state.record({ path: "token" });
    if (state.take("token-500")) return gatewayError(response, 500, "500.001.1001", "Internal server error");
    const expected = `Basic ${Buffer.from(`${options.consumerKey}:${options.consumerSecret}`).toString("base64")}`;
    if (state.take("token-401") || request.headers.authorization !== expected) {
      return gatewayError(
        response,
        401,
        "401.002.01",
        "Error Occurred - Invalid Access Token - BJGFGOXv5aZnw90KkA4TDtu4Xdyf",
      );
    }
    if (url.searchParams.get("grant_type") !== "client_credentials") {
      return gatewayError(response, 400, "400.008.02", "Invalid grant type passed");
    }
    const token = randomBytes(16).toString("base64url");
    tokens.set(token, Date.now() + 3599_000);
    sendJson(response, 200, { access_token: token, expires_in: "3599" });
  }

  function invalidField(body: Record<string, unknown>): string | undefined {
    const timestamp = text(body.Timestamp);
    if (body.BusinessShortCode !== options.shortcode) return "Invalid BusinessShortCode";
    if (!/^\d{14}$/.test(timestamp)) return "Invalid Timestamp";
    const password = Buffer.from(`${options.shortcode}${options.passkey}${timestamp}`).toString("base64");
    if (body.Password !== password) return "Invalid Password";
    return undefined;
  }

  async function handlePush(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!authorised(request)) {
      gatewayError(response, 401, "404.001.03", "Invalid Access Token");
      return;
    }
    // Daraja answers a wrong content type with a misleading "Invalid BusinessShortCode".
    if (!request.headers["content-type"]?.startsWith("application/json")) {
      gatewayError(response, 400, "400.002.02", "Bad Request - Invalid BusinessShortCode");
      return;
    }
    const body = record(await readJson(request));
    const phone = text(body.PhoneNumber);
    state.record({ path: "stkpush", phone });
    if (state.take("spike-arrest", phone)) {
      gatewayError(response, 429, "500.003.02", "Spike arrest violation");
      return;
    }
    const problem =
      invalidField(body) ??
      (!["CustomerPayBillOnline", "CustomerBuyGoodsOnline"].includes(String(body.TransactionType))
        ? "Invalid TransactionType"
        : undefined) ??
      (!Number.isInteger(body.Amount) || Number(body.Amount) < 1 ? "Invalid Amount" : undefined) ??
      (!/^2547\d{8}$|^2541\d{8}$/.test(phone) || body.PartyA !== phone ? "Invalid PhoneNumber" : undefined) ??
      (typeof body.CallBackURL !== "string" || !/^https?:\/\//.test(body.CallBackURL)
        ? "Invalid CallBackURL"
        : undefined) ??
      (typeof body.AccountReference !== "string" || body.AccountReference.length > 12
        ? "Invalid AccountReference"
        : undefined) ??
      (typeof body.TransactionDesc !== "string" || body.TransactionDesc.length > 13
        ? "Invalid TransactionDesc"
        : undefined);
    if (problem) {
      gatewayError(response, 400, "400.002.02", `Bad Request - ${problem}`);
      return;
    }

    const id = createHash("sha256").update(randomBytes(16)).digest("hex").slice(0, 20);
    const tx: Transaction = {
      checkoutRequestId: `ws_CO_${id}`,
      merchantRequestId: `${id.slice(0, 5)}-${id.slice(5, 13)}-1`,
      phone,
      amount: Number(body.Amount),
      callbackUrl: body.CallBackURL as string,
    };
    transactions.set(tx.checkoutRequestId, tx);
    state.record({ path: "stkpush-accepted", phone, reference: tx.checkoutRequestId });
    const reply = {
      MerchantRequestID: tx.merchantRequestId,
      CheckoutRequestID: tx.checkoutRequestId,
      ResponseCode: "0",
      ResponseDescription: "Success. Request accepted for processing",
      CustomerMessage: "Success. Request accepted for processing",
    };
    if (state.take("callback-before-reply", phone)) {
      await deliver(tx, 0);
      sendJson(response, 200, reply);
      return;
    }
    void deliver(tx, options.callbackDelayMs);
    if (state.take("timeout", phone)) await sleep(options.timeoutHoldMs);
    sendJson(response, 200, reply);
  }

  async function handleQuery(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!authorised(request)) {
      gatewayError(response, 401, "404.001.03", "Invalid Access Token");
      return;
    }
    const body = record(await readJson(request));
    const problem = invalidField(body);
    if (problem) {
      gatewayError(response, 400, "400.002.02", `Bad Request - ${problem}`);
      return;
    }
    const tx = transactions.get(text(body.CheckoutRequestID));
    state.record({ path: "stkquery", ...(tx ? { phone: tx.phone } : {}), reference: text(body.CheckoutRequestID) });
    if (!tx) {
      gatewayError(
        response,
        500,
        "500.001.1001",
        "Unable to lock subscriber, a transaction is already in process for the current subscriber",
      );
      return;
    }
    if (state.take("query-timeout", tx.phone)) await sleep(options.timeoutHoldMs);
    if (tx.resultCode === undefined) {
      gatewayError(response, 500, "500.001.1001", "The transaction is being processed");
      return;
    }
    sendJson(response, 200, {
      ResponseCode: "0",
      ResponseDescription: "The service request has been accepted successsfully",
      MerchantRequestID: tx.merchantRequestId,
      CheckoutRequestID: tx.checkoutRequestId,
      ResultCode: String(tx.resultCode),
      ResultDesc: RESULT_DESCRIPTIONS[String(tx.resultCode)] ?? "Failed.",
    });
  }

  const payouts = createDarajaPayouts({ state, options, authorised, gatewayError });

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://sim");
    const route = async (): Promise<void> => {
      if (await state.control(request, response, url)) return;
      if (await payouts(request, response, url)) return;
      if (request.method === "GET" && url.pathname === "/oauth/v1/generate") {
        handleToken(request, response, url);
        return;
      }
      if (request.method === "POST" && url.pathname === "/mpesa/stkpush/v1/processrequest")
        return handlePush(request, response);
      if (request.method === "POST" && url.pathname === "/mpesa/stkpushquery/v1/query")
        return handleQuery(request, response);
      gatewayError(response, 404, "404.001.01", "Resource not found");
    };
    route().catch((error: unknown) => {
      if (!response.headersSent) gatewayError(response, 500, "500.000.00", String(error));
    });
  });
  return { server, state };
}
