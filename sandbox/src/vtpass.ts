// A VTpass simulator: catalogue (service-categories, services, service-variations), merchant-verify,
// pay, requery and the transaction-update / variations-update webhooks, with VTpass's codes.
// GET needs the api-key and public-key headers, POST the api-key and secret-key (else HTTP 401,
// code 087). Paths sit under /api, as at VTpass.
//
// Outcomes by number (the phone for airtime, billersCode for everything else; VTpass's sandbox):
//   201000000000  pending (099); the first re-query still answers pending and completes the bill
//                 (delivered), as does callbackDelayMs passing, whichever comes first; then the
//                 transaction-update webhook is sent
//   500000000000  delivered, but pay answers a 200 HTML page
//   400000000000  delivered, but pay holds the connection for timeoutHoldMs, then drops it
//   300000000000  delivered, but pay answers only after timeoutHoldMs
//   meters 1111111111111 (prepaid: token and units) and 1010101010101 (postpaid: receipt);
//   smartcard 1212121212; Smile account 08011111111. Other meters, smartcards and accounts of 10 to
//   13 digits are customers too (delivered), except those starting with 9: merchant-verify says
//   wrong number and pay answers 016 (failed). Other phones for airtime and data are delivered.
// Codes: a known request_id on pay 014 (never a second transaction); unknown on requery 015;
// the same serviceID and number within duplicateWindowMs 019; bad variation 010; missing or bad
// fields 011; unknown serviceID 012; below / above the product's limits 013 / 017. Faults
// (VTPASS_FAULTS, per number or per run) give the rest.
import { randomInt } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { SimulatorState } from "./faults.ts";
import { readJson, record, sendJson, sleep, text } from "./http.ts";
import { CATEGORIES, catalogue, sandboxCustomer, type SimProduct, type SimVariation } from "./vtpass-catalogue.ts";

export const VTPASS_FAULTS = [
  "pending", // pay answers 099 (pending), as 201000000000 does
  "timeout", // pay answers only after timeoutHoldMs (the bill is still delivered)
  "no-reply", // pay holds the connection, then drops it (the bill is still delivered)
  "garbage-reply", // pay answers a 200 HTML page (the bill is still delivered)
  "server-error", // pay answers HTTP 500 without processing anything
  "failed", // pay answers 016: the bill failed, nothing charged
  "not-processed", // pay answers 091 (and so does its requery)
  "reversed-later", // delivered, then reversed after callbackDelayMs (webhook sent)
  "low-balance", // 018: Malipo's own VTpass wallet is too low
  "biller-unreachable", // 030 on pay and merchant-verify
  "account-locked", // 021
  "account-suspended", // 022
  "api-disabled", // 023
  "account-inactive", // 024
  "drop-webhook", // the transaction-update webhook is never sent
] as const;

/** Faults that refuse a pay with a code, nothing recorded. */
const REFUSING_FAULTS: readonly (readonly [string, string, string])[] = [
  ["low-balance", "018", "LOW WALLET BALANCE"],
  ["biller-unreachable", "030", "BILLER NOT REACHABLE AT THIS POINT"],
  ["account-locked", "021", "YOUR ACCOUNT IS LOCKED"],
  ["account-suspended", "022", "YOUR ACCOUNT IS SUSPENDED"],
  ["api-disabled", "023", "API ACCESS NOT ENABLE FOR USER"],
  ["account-inactive", "024", "ACCOUNT INACTIVE"],
];

export interface VtpassSimulatorOptions {
  readonly apiKey: string;
  readonly publicKey: string;
  readonly secretKey: string;
  readonly webhookUrl: string;
  /** How long a pending bill takes to resolve, and the pause between webhook attempts. */
  readonly callbackDelayMs: number;
  readonly timeoutHoldMs: number;
  /** The same serviceID and number within this window is refused with 019 (VTpass: 30 s). */
  readonly duplicateWindowMs?: number;
  /** The clock for that window, so tests move time instead of waiting. */
  readonly now?: () => number;
}

type Status = "initiated" | "pending" | "delivered" | "failed" | "reversed";

interface Transaction {
  readonly requestId: string;
  readonly product: SimProduct;
  readonly subject: string;
  readonly phone: string;
  readonly variationCode: string;
  readonly amount: number;
  readonly transactionId: string;
  readonly createdAt: string;
  code: "000" | "016" | "091";
  status: Status;
  extras: Record<string, unknown>;
}

const SCENARIOS: Readonly<Record<string, "pending" | "garbage" | "no-reply" | "timeout">> = {
  "201000000000": "pending",
  "500000000000": "garbage",
  "400000000000": "no-reply",
  "300000000000": "timeout",
};

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  "000:delivered": "TRANSACTION SUCCESSFUL",
  "000:reversed": "TRANSACTION REVERSED",
  "000:pending": "TRANSACTION PROCESSING - PENDING",
  "000:initiated": "TRANSACTION PROCESSING - PENDING",
  "016:failed": "TRANSACTION FAILED",
  "091:failed": "TRANSACTION NOT PROCESSED",
};

const digits = (count: number): string => Array.from({ length: count }, () => String(randomInt(10))).join("");

function view(tx: Transaction): Record<string, unknown> {
  return {
    code: tx.code,
    response_description: DESCRIPTIONS[`${tx.code}:${tx.status}`] ?? "TRANSACTION PROCESSED",
    content: {
      transactions: {
        status: tx.status,
        product_name: tx.product.name,
        unique_element: tx.subject,
        unit_price: String(tx.amount),
        quantity: 1,
        service_verification: null,
        channel: "api",
        type: tx.product.type,
        phone: tx.phone,
        name: null,
        convinience_fee: 0,
        amount: String(tx.amount),
        platform: "api",
        method: "api",
        transactionId: tx.transactionId,
      },
    },
    requestId: tx.requestId,
    amount: tx.amount,
    transaction_date: tx.createdAt,
    purchased_code: "",
    ...tx.extras,
  };
}

/** What the customer receives, in VTpass's fields. */
function deliveryOf(tx: Transaction): Record<string, unknown> {
  if (tx.product.verify === "meter" && tx.variationCode === "prepaid") {
    const token = digits(20);
    return {
      purchased_code: `Token : ${token}`,
      token: `Token : ${token}`,
      units: `${(tx.amount / 25.5).toFixed(1)} kWh`,
      tokenAmount: Math.round(tx.amount * 93) / 100,
      customerName: "TESTMETER1",
      customerAddress: "ABULE EGBA BU ABULE",
      exchangeReference: digits(8),
      tariff: "R2 SINGLE PHASE RESIDENTIAL",
    };
  }
  if (tx.product.verify === "meter") {
    return {
      purchased_code: "",
      customerName: "NP NGEMA",
      customerAddress: "6 ABIODUN ODESEYE Shomolu BU",
      utilityName: tx.product.name,
      exchangeReference: digits(16),
    };
  }
  if (tx.product.identifier === "education") {
    const card = { Serial: `WRN${digits(9)}`, Pin: digits(12) };
    return { purchased_code: `Serial No:${card.Serial}, pin: ${card.Pin}`, cards: [card] };
  }
  return {};
}

type Refusal = readonly [code: string, description: string];
interface Priced {
  readonly variation?: SimVariation;
  readonly amount: number;
}

function refusal(response: ServerResponse, code: string, description: string, status = 200): void {
  sendJson(response, status, { code, response_description: description, content: { errors: description } });
}

export function createVtpassSimulator(options: VtpassSimulatorOptions): { server: Server; state: SimulatorState } {
  const state = new SimulatorState(VTPASS_FAULTS);
  const products = catalogue();
  const transactions = new Map<string, Transaction>();
  const lastPaid = new Map<string, number>();
  const now = options.now ?? Date.now;
  const duplicateWindowMs = options.duplicateWindowMs ?? 30_000;

  /** POSTs a webhook until it is answered {"response":"success"}, at most five times. */
  async function sendWebhook(body: unknown, step: { phone?: string; reference: string }): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      let status = 0;
      let answered = false;
      try {
        const reply = await fetch(options.webhookUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        status = reply.status;
        const answer = record(await reply.json().catch(() => undefined));
        answered = reply.ok && answer.response === "success";
      } catch {
        // Unreachable or too slow: recorded as status 0, tried again.
      }
      state.record({ path: "webhook-answered", ...step, status });
      if (answered) return;
      if (attempt < 5) await sleep(options.callbackDelayMs);
    }
  }

  async function notify(tx: Transaction): Promise<void> {
    const step = { phone: tx.subject, reference: tx.requestId };
    if (state.take("drop-webhook", tx.subject)) {
      state.record({ path: "webhook-dropped", ...step });
      return;
    }
    await sendWebhook({ type: "transaction-update", data: view(tx) }, step);
  }

  function settle(tx: Transaction, status: Status): void {
    tx.status = status;
    if (status === "delivered") tx.extras = deliveryOf(tx);
    state.record({ path: "settled", phone: tx.subject, reference: tx.requestId });
  }

  /** A pending bill resolves once, by the timer or by a re-query; VTpass then sends the webhook. */
  function resolvePending(tx: Transaction): void {
    if (tx.status !== "pending") return;
    settle(tx, "delivered");
    void notify(tx);
  }

  function authorised(request: IncomingMessage, second: "public-key" | "secret-key"): boolean {
    const expected = second === "public-key" ? options.publicKey : options.secretKey;
    return request.headers["api-key"] === options.apiKey && request.headers[second] === expected;
  }

  function handleServices(response: ServerResponse, url: URL): void {
    const identifier = url.searchParams.get("identifier") ?? "";
    const content = [...products.values()]
      .filter((product) => product.identifier === identifier)
      .map((product) => ({
        serviceID: product.serviceID,
        name: product.name,
        minimium_amount: String(product.min),
        maximum_amount: product.max,
        convinience_fee: "0 %",
        product_type: product.variations.some((v) => v.fixedPrice === "Yes") ? "fix" : "flexible",
        image: `https://sandbox.vtpass.com/resources/products/200X200/${product.serviceID}.jpg`,
      }));
    sendJson(response, 200, { response_description: "000", content });
  }

  function handleVariations(response: ServerResponse, url: URL): void {
    const product = products.get(url.searchParams.get("serviceID") ?? "");
    if (!product) {
      sendJson(response, 200, { response_description: "012", content: { errors: "PRODUCT DOES NOT EXIST" } });
      return;
    }
    sendJson(response, 200, {
      response_description: "000",
      content: {
        ServiceName: product.name,
        serviceID: product.serviceID,
        convinience_fee: "N0.00",
        variations: product.variations,
      },
    });
  }

  function verifyRefusal(body: Record<string, unknown>, product: SimProduct | undefined): Refusal | undefined {
    if (!text(body.billersCode) || !text(body.serviceID)) return ["011", "INVALID ARGUMENTS"];
    if (!product) return ["012", "PRODUCT DOES NOT EXIST"];
    if (!product.verify) return ["011", "INVALID ARGUMENTS"];
    if (product.verify === "meter" && !["prepaid", "postpaid"].includes(text(body.type)))
      return ["011", "INVALID ARGUMENTS"];
    if (state.take("biller-unreachable", text(body.billersCode))) return ["030", "BILLER NOT REACHABLE AT THIS POINT"];
    return undefined;
  }

  async function handleVerify(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = record(await readJson(request));
    const billersCode = text(body.billersCode);
    const type = text(body.type);
    state.record({ path: "merchant-verify", phone: billersCode });
    const product = products.get(text(body.serviceID));
    const refused = verifyRefusal(body, product);
    if (refused || !product) {
      refusal(response, ...(refused ?? ["012", "PRODUCT DOES NOT EXIST"]));
      return;
    }
    const customer = sandboxCustomer(product, billersCode, type);
    if (!customer) {
      const what = [product.name, type, product.verify].filter(Boolean).join(" ");
      sendJson(response, 200, {
        code: "000",
        content: {
          error: `This ${product.verify ?? "number"} is not correct or is not a valid ${what}. Please check and try again.`,
          WrongBillersCode: true,
        },
      });
      return;
    }
    const commission_details = { amount: null, rate: "1.50", rate_type: "percent", computation_type: "default" };
    sendJson(response, 200, { code: "000", content: { ...customer, WrongBillersCode: false, commission_details } });
  }

  /** The variation and the naira amount, or the refusal code and words. */
  function priced(product: SimProduct, body: Record<string, unknown>): Priced | { readonly refused: Refusal } {
    const code = text(body.variation_code);
    const variation = code ? product.variations.find((v) => v.variation_code === code) : undefined;
    if (code && !variation) return { refused: ["010", "VARIATION CODE DOES NOT EXIST"] };
    const renew = product.identifier === "tv-subscription" && text(body.subscription_type) === "renew";
    if (!variation && product.variations.length > 0 && !renew) return { refused: ["011", "INVALID ARGUMENTS"] };
    const amount = variation?.fixedPrice === "Yes" ? Number(variation.variation_amount) : Number(text(body.amount));
    if (!Number.isFinite(amount) || amount <= 0) return { refused: ["011", "INVALID ARGUMENTS"] };
    if (amount < product.min) return { refused: ["013", "BELOW MINIMUM AMOUNT ALLOWED"] };
    if (amount > product.max) return { refused: ["017", "ABOVE MAXIMUM AMOUNT ALLOWED"] };
    return { ...(variation ? { variation } : {}), amount };
  }

  /** Why VTpass would refuse this pay before recording anything, checked in VTpass's order. */
  function payRefusal(
    body: Record<string, unknown>,
    product: SimProduct | undefined,
    subject: string,
  ): Priced | { readonly refused: Refusal } {
    const requestId = text(body.request_id);
    if (!/^\d{12}[A-Za-z0-9]*$/.test(requestId)) return { refused: ["011", "INVALID ARGUMENTS"] };
    // Checked before anything else: a second pay under a known id never creates a transaction.
    if (transactions.has(requestId)) return { refused: ["014", "REQUEST ID ALREADY EXIST"] };
    if (!text(body.serviceID) || !text(body.phone)) return { refused: ["011", "INVALID ARGUMENTS"] };
    if (!product) return { refused: ["012", "PRODUCT DOES NOT EXIST"] };
    if (!subject) return { refused: ["011", "INVALID ARGUMENTS"] };
    const price = priced(product, body);
    if ("refused" in price) return price;
    const faulted = REFUSING_FAULTS.find(([fault]) => state.take(fault, subject));
    if (faulted) return { refused: [faulted[1], faulted[2]] };
    const key = `${product.serviceID}:${subject}`;
    const last = lastPaid.get(key);
    if (last !== undefined && now() - last < duplicateWindowMs)
      return { refused: ["019", "LIKELY DUPLICATE TRANSACTION"] };
    lastPaid.set(key, now());
    return price;
  }

  async function handlePay(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = record(await readJson(request));
    const requestId = text(body.request_id);
    const product = products.get(text(body.serviceID));
    const phone = text(body.phone);
    const subject = product?.identifier === "airtime" ? phone : text(body.billersCode) || phone;
    state.record({ path: "pay", phone: subject, reference: requestId });
    if (product && state.take("server-error", subject)) {
      sendJson(response, 500, { code: "083", response_description: "SYSTEM ERROR" });
      return;
    }
    const price = payRefusal(body, product, subject);
    if ("refused" in price || !product) {
      refusal(response, ...("refused" in price ? price.refused : (["012", "PRODUCT DOES NOT EXIST"] as const)));
      return;
    }
    const { amount, variation } = price;
    const tx: Transaction = {
      requestId,
      product,
      subject,
      phone,
      variationCode: variation?.variation_code ?? "",
      amount,
      transactionId: `${Date.now()}${digits(10)}`,
      createdAt: new Date().toISOString(),
      code: "000",
      status: "initiated",
      extras: {},
    };
    transactions.set(requestId, tx);
    state.record({ path: "pay-accepted", phone: subject, reference: requestId });
    const scenario = SCENARIOS[subject];
    const unknownCustomer =
      product.verify !== undefined && !scenario && !sandboxCustomer(product, subject, tx.variationCode);

    if (state.take("not-processed", subject)) {
      tx.code = "091";
      settle(tx, "failed");
      sendJson(response, 200, view(tx));
      return;
    }
    if (state.take("failed", subject) || unknownCustomer) {
      tx.code = "016";
      settle(tx, "failed");
      sendJson(response, 200, view(tx));
      return;
    }
    if (scenario === "pending" || state.take("pending", subject)) {
      tx.status = "pending";
      setTimeout(() => {
        resolvePending(tx);
      }, options.callbackDelayMs);
      sendJson(response, 200, { ...view(tx), code: "099", response_description: "TRANSACTION IS PROCESSING" });
      return;
    }
    settle(tx, "delivered");
    if (state.take("reversed-later", subject)) {
      setTimeout(() => {
        settle(tx, "reversed");
        void notify(tx);
      }, options.callbackDelayMs);
    }
    if (scenario === "garbage" || state.take("garbage-reply", subject)) {
      response.writeHead(200, { "Content-Type": "text/html" });
      response.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
      return;
    }
    if (scenario === "no-reply" || state.take("no-reply", subject)) {
      await sleep(options.timeoutHoldMs);
      request.socket.destroy();
      return;
    }
    if (scenario === "timeout" || state.take("timeout", subject)) await sleep(options.timeoutHoldMs);
    sendJson(response, 200, view(tx));
  }

  async function handleRequery(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = text(record(await readJson(request)).request_id);
    const tx = transactions.get(requestId);
    state.record({ path: "requery", ...(tx ? { phone: tx.subject } : {}), reference: requestId });
    if (!tx) {
      refusal(response, "015", "INVALID REQUEST ID");
      return;
    }
    sendJson(response, 200, view(tx));
    // The re-query that finds it pending also completes it: the next one sees it delivered.
    resolvePending(tx);
  }

  /** Changes a product's plans (first price up 10%, last plan withdrawn) and says so by webhook. */
  async function handleVariationsUpdate(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const serviceID = text(record(await readJson(request)).serviceID);
    const product = products.get(serviceID);
    const first = product?.variations[0];
    if (!product || !first || product.variations.length < 2) {
      sendJson(response, 400, { error: "send {serviceID} of a product with at least two plans" });
      return;
    }
    first.variation_amount = ((Number(first.variation_amount) * 11) / 10).toFixed(2);
    product.variations.pop();
    sendJson(response, 200, { ok: true, variations: product.variations });
    void sendWebhook(
      { type: "variations-update", data: { serviceID, ServiceName: product.name, variations: product.variations } },
      { reference: serviceID },
    );
  }

  const routes: Readonly<Record<string, (request: IncomingMessage, response: ServerResponse, url: URL) => unknown>> = {
    "GET /service-categories": (_request, response) => {
      sendJson(response, 200, { response_description: "000", content: CATEGORIES });
    },
    "GET /services": (_request, response, url) => {
      handleServices(response, url);
    },
    "GET /service-variations": (_request, response, url) => {
      handleVariations(response, url);
    },
    "POST /merchant-verify": handleVerify,
    "POST /pay": handlePay,
    "POST /requery": handleRequery,
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://sim");
    const route = async (): Promise<void> => {
      if (request.method === "POST" && url.pathname === "/__sim/variations-update") {
        await handleVariationsUpdate(request, response);
        return;
      }
      if (await state.control(request, response, url)) return;
      const path = url.pathname.startsWith("/api/") ? url.pathname.slice(4) : "";
      const handler = routes[`${request.method ?? ""} ${path}`];
      if (!handler) {
        sendJson(response, 404, { code: "404", response_description: "NOT FOUND" });
        return;
      }
      if (!authorised(request, request.method === "GET" ? "public-key" : "secret-key")) {
        refusal(response, "087", "INVALID CREDENTIALS", 401);
        return;
      }
      await handler(request, response, url);
    };
    route().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { code: "083", response_description: String(error) });
    });
  });
  return { server, state };
}
