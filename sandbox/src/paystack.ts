// A Paystack simulator: initialize (Bearer secret key; a reused reference is refused), verify, the
// hosted checkout page at authorization_url with "Pay", "Fail" and "Abandon" buttons, the redirect
// to callback_url?reference=…&trxref=…, and the signed charge.success webhook (hex HMAC-SHA512 of
// the raw body, keyed with the secret key). Like Paystack, a checkout nobody has paid reports
// `abandoned`, and only a successful charge sends a webhook. Tests "pay" without a browser with
// POST /__sim/checkout/:reference {action: "pay" | "fail" | "abandon"}.
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { SimulatorState } from "./faults.ts";
import { postText, readBody, readJson, record, sendJson, sleep, text } from "./http.ts";

/** Rules match the payer's email (`phone` in a rule). */
export const PAYSTACK_FAULTS = [
  "server-error", // initialize answers 500 without creating the transaction
  "duplicate-webhook", // the webhook is delivered `count` times (default 5), all at once
  "late-webhook", // the webhook is sent only after `timeoutHoldMs`
  "drop-webhook", // no webhook at all (verify still finds the result)
  "wrong-amount", // the charge (verify and webhook) is NGN 1.00 more than was asked
  "bad-signature", // the webhook is signed with another key
] as const;

export const CHECKOUT_ACTIONS = ["pay", "fail", "abandon"] as const;
export type CheckoutAction = (typeof CHECKOUT_ACTIONS)[number];

export interface PaystackSimulatorOptions {
  readonly secretKey: string;
  readonly webhookUrl: string;
  /** How long after the payer's click the webhook is sent. */
  readonly callbackDelayMs: number;
  readonly timeoutHoldMs: number;
}

type Status = "abandoned" | "success" | "failed";

interface Transaction {
  readonly id: number;
  readonly reference: string;
  readonly accessCode: string;
  readonly email: string;
  readonly currency: string;
  readonly callbackUrl: string;
  amount: number;
  status: Status;
  gatewayResponse: string | null;
  paidAt: string | null;
  channel: string | null;
}

let nextId = 4_000_000_000;

function view(tx: Transaction) {
  return {
    id: tx.id,
    domain: "test",
    status: tx.status,
    reference: tx.reference,
    amount: tx.amount,
    currency: tx.currency,
    gateway_response: tx.gatewayResponse,
    paid_at: tx.paidAt,
    channel: tx.channel,
    customer: { email: tx.email },
  };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function checkoutPage(tx: Transaction): string {
  const amount = `${tx.currency} ${(tx.amount / 100).toFixed(2)}`;
  const open = tx.status === "abandoned";
  const buttons = CHECKOUT_ACTIONS.map(
    (action) =>
      `<button name="action" value="${action}" id="${action}">${action[0]?.toUpperCase()}${action.slice(1)}</button>`,
  ).join("\n      ");
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Paystack checkout (simulator)</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 0; padding: 1.5rem; max-width: 28rem; }
    button { display: block; width: 100%; padding: 0.9rem; margin: 0.6rem 0; font-size: 1rem; }
  </style>
</head>
<body>
  <h1>Paystack (simulator)</h1>
  <p>Pay <strong id="amount">${escapeHtml(amount)}</strong> as <span id="email">${escapeHtml(tx.email)}</span>.</p>
  ${
    open
      ? `<form method="post" action="/checkout/${escapeHtml(tx.accessCode)}">
      ${buttons}
    </form>`
      : `<p id="finished">This payment is ${escapeHtml(tx.status)}.</p>`
  }
</body>
</html>`;
}

export function createPaystackSimulator(options: PaystackSimulatorOptions): { server: Server; state: SimulatorState } {
  const state = new SimulatorState(PAYSTACK_FAULTS);
  const byReference = new Map<string, Transaction>();
  const byAccessCode = new Map<string, Transaction>();

  async function sendWebhook(tx: Transaction): Promise<void> {
    const step = { phone: tx.email, reference: tx.reference };
    if (state.take("drop-webhook", tx.email)) {
      state.record({ path: "webhook-dropped", ...step });
      return;
    }
    const duplicate = state.takeRule("duplicate-webhook", tx.email);
    const copies = duplicate ? (duplicate.count ?? 5) : 1;
    const late = state.take("late-webhook", tx.email);
    const key = state.take("bad-signature", tx.email) ? `${options.secretKey}-not` : options.secretKey;
    await sleep(late ? options.timeoutHoldMs : options.callbackDelayMs);
    const body = JSON.stringify({ event: "charge.success", data: view(tx) });
    const signature = createHmac("sha512", key).update(body).digest("hex");
    await Promise.all(
      Array.from({ length: copies }, async () => {
        const status = await postText(options.webhookUrl, body, { "x-paystack-signature": signature });
        state.record({ path: "webhook-answered", ...step, status });
      }),
    );
  }

  /** What the payer did on the hosted page; answers where the page sends them back. */
  function act(tx: Transaction, action: CheckoutAction): string {
    if (tx.status === "abandoned" && action !== "abandon") {
      tx.channel = "card";
      if (action === "pay") {
        if (state.take("wrong-amount", tx.email)) tx.amount += 100;
        tx.status = "success";
        tx.gatewayResponse = "Successful";
        tx.paidAt = new Date().toISOString();
        void sendWebhook(tx);
      } else {
        tx.status = "failed";
        tx.gatewayResponse = "Declined";
      }
      state.record({ path: "settled", phone: tx.email, reference: tx.reference });
    }
    state.record({ path: `checkout-${action}`, phone: tx.email, reference: tx.reference });
    const back = new URL(tx.callbackUrl);
    back.searchParams.set("trxref", tx.reference);
    back.searchParams.set("reference", tx.reference);
    return back.toString();
  }

  function authorised(request: IncomingMessage): boolean {
    return request.headers.authorization === `Bearer ${options.secretKey}`;
  }

  function invalid(body: Record<string, unknown>): string | undefined {
    if (!/^[^@\s]+@[^@\s]+$/.test(text(body.email))) return "Invalid Email Address Passed";
    if (typeof body.amount !== "number" || !Number.isInteger(body.amount) || body.amount < 100)
      return "Invalid Amount Sent";
    if (body.currency !== undefined && body.currency !== "NGN") return "Currency not supported by merchant";
    if (body.reference !== undefined && !/^[A-Za-z0-9.=-]+$/.test(text(body.reference)))
      return "Invalid transaction reference";
    if (byReference.has(text(body.reference))) return "Duplicate Transaction Reference";
    return undefined;
  }

  async function handleInitialize(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!authorised(request)) {
      sendJson(response, 401, { status: false, message: "Invalid key" });
      return;
    }
    const body = record(await readJson(request));
    const email = text(body.email);
    state.record({ path: "initialize", phone: email, reference: text(body.reference) });
    if (state.take("server-error", email)) {
      sendJson(response, 500, { status: false, message: "An error occurred" });
      return;
    }
    const problem = invalid(body);
    if (problem) {
      sendJson(response, 400, { status: false, message: problem });
      return;
    }
    const tx: Transaction = {
      id: nextId++,
      reference: text(body.reference) || randomBytes(8).toString("hex"),
      accessCode: randomBytes(8).toString("hex"),
      email,
      currency: "NGN",
      callbackUrl: text(body.callback_url) || "http://127.0.0.1/",
      amount: body.amount as number,
      status: "abandoned",
      gatewayResponse: null,
      paidAt: null,
      channel: null,
    };
    byReference.set(tx.reference, tx);
    byAccessCode.set(tx.accessCode, tx);
    const authorizationUrl = `http://${request.headers.host ?? "127.0.0.1"}/checkout/${tx.accessCode}`;
    sendJson(response, 200, {
      status: true,
      message: "Authorization URL created",
      data: { authorization_url: authorizationUrl, access_code: tx.accessCode, reference: tx.reference },
    });
  }

  function handleVerify(request: IncomingMessage, response: ServerResponse, reference: string): void {
    if (!authorised(request)) return sendJson(response, 401, { status: false, message: "Invalid key" });
    const tx = byReference.get(reference);
    state.record({ path: "verify", ...(tx ? { phone: tx.email } : {}), reference });
    if (!tx) return sendJson(response, 400, { status: false, message: "Transaction reference not found" });
    sendJson(response, 200, { status: true, message: "Verification successful", data: view(tx) });
  }

  async function handleCheckout(request: IncomingMessage, response: ServerResponse, code: string): Promise<void> {
    const tx = byAccessCode.get(code);
    if (!tx) {
      response.writeHead(404, { "Content-Type": "text/plain" });
      response.end("No such checkout");
      return;
    }
    if (request.method === "GET") {
      const html = checkoutPage(tx);
      response.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": Buffer.byteLength(html),
      });
      response.end(html);
      return;
    }
    const action = new URLSearchParams(await readBody(request)).get("action");
    if (!CHECKOUT_ACTIONS.includes(action as CheckoutAction)) {
      response.writeHead(400, { "Content-Type": "text/plain" });
      response.end("Choose pay, fail or abandon");
      return;
    }
    response.writeHead(303, { Location: act(tx, action as CheckoutAction) });
    response.end();
  }

  async function handleSimCheckout(request: IncomingMessage, response: ServerResponse, reference: string) {
    const tx = byReference.get(reference);
    const action = text(record(await readJson(request)).action);
    if (!tx) {
      sendJson(response, 404, { error: `no transaction ${reference}` });
      return;
    }
    if (!CHECKOUT_ACTIONS.includes(action as CheckoutAction)) {
      sendJson(response, 400, { error: `action must be one of ${CHECKOUT_ACTIONS.join(", ")}` });
      return;
    }
    sendJson(response, 200, { ok: true, redirect: act(tx, action as CheckoutAction) });
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://sim");
    const route = async (): Promise<void> => {
      const simCheckout = /^\/__sim\/checkout\/([^/]+)$/.exec(url.pathname)?.[1];
      if (simCheckout && request.method === "POST")
        return handleSimCheckout(request, response, decodeURIComponent(simCheckout));
      if (await state.control(request, response, url)) return;
      if (request.method === "POST" && url.pathname === "/transaction/initialize")
        return handleInitialize(request, response);
      const verify = /^\/transaction\/verify\/([^/]+)$/.exec(url.pathname)?.[1];
      if (request.method === "GET" && verify) {
        handleVerify(request, response, decodeURIComponent(verify));
        return;
      }
      const checkout = /^\/checkout\/([^/]+)$/.exec(url.pathname)?.[1];
      if (checkout && (request.method === "GET" || request.method === "POST"))
        return handleCheckout(request, response, checkout);
      sendJson(response, 404, { status: false, message: "Not found" });
    };
    route().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { status: false, message: String(error) });
    });
  });
  return { server, state };
}
