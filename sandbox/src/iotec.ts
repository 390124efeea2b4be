// An ioTec Pay simulator: form-encoded OAuth token (five-minute life), collect, status by id and by
// externalId, and the wallet's callbacks with the configured header. Outcomes by payer (ioTec's
// sandbox numbers): 011177777x success, 011177799x failed, 011177778x stays pending (no callback),
// 011177779x SentToVendor then success. Other Ugandan numbers succeed. Disbursements (payouts) go
// by payee the same way, plus 011177788x AwaitingApproval then Rejected, 011177787x
// AwaitingApproval then Success, 011177798x Success then RolledBack, 011177797x Success without a
// callback. As at ioTec, only Success, Failed and SentToVendor call back.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { SimulatorState } from "./faults.ts";
import { postCallback, readBody, readJson, record, sendJson, sleep, text } from "./http.ts";

export const IOTEC_FAULTS = [
  "token-401",
  "token-500",
  "timeout", // the collect reply comes only after `timeoutHoldMs` (the collection is still processed)
  "server-error", // collect answers 500 without processing
  "duplicate-callback",
  "callback-before-reply",
  "wrong-amount", // the collection completes for one shilling more than was asked
  "drop-callback",
  "api-401", // an API call is refused as unauthorised (as when ioTec revokes a token early)
] as const;

export interface IotecSimulatorOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly walletId: string;
  readonly callbackUrl: string;
  readonly callbackHeader: string;
  readonly callbackSecret: string;
  readonly callbackDelayMs: number;
  readonly timeoutHoldMs: number;
}

type Status = "Pending" | "SentToVendor" | "Success" | "Failed" | "AwaitingApproval" | "Rejected" | "RolledBack";

const CALLBACK_STATUSES: readonly Status[] = ["Success", "Failed", "SentToVendor"];
const FINAL_STATUSES: readonly Status[] = ["Success", "Failed", "Rejected", "RolledBack"];

interface Collection {
  id: string;
  status: Status;
  statusCode: string;
  statusMessage: string;
  externalId: string;
  amount: number;
  currency: "UGX";
  vendor: "Mtn" | "Airtel" | "Mock";
  vendorTransactionId: string | null;
  transactionCharge: number;
  totalTransactionCharge: number;
  processedAt: string | null;
  /** The payer of a collection, the payee of a disbursement. */
  payer: string;
  kind: "collection" | "disbursement";
}

function script(payer: string): Status[] {
  if (payer.startsWith("011177799")) return ["Failed"];
  if (payer.startsWith("011177778")) return [];
  if (payer.startsWith("011177779")) return ["SentToVendor", "Success"];
  return ["Success"];
}

function disbursementScript(payee: string): Status[] {
  if (payee.startsWith("011177788")) return ["AwaitingApproval", "Rejected"];
  if (payee.startsWith("011177787")) return ["AwaitingApproval", "Success"];
  if (payee.startsWith("011177798")) return ["Success", "RolledBack"];
  return script(payee);
}

function vendorOf(payer: string): Collection["vendor"] {
  if (payer.startsWith("0111777")) return "Mock";
  const local = payer.startsWith("256") ? `0${payer.slice(3)}` : payer;
  return /^07[05]/.test(local) ? "Airtel" : "Mtn";
}

function view(collection: Collection): Omit<Collection, "payer" | "kind"> {
  const { payer, kind, ...rest } = collection;
  return rest;
}

export function createIotecSimulator(options: IotecSimulatorOptions): { server: Server; state: SimulatorState } {
  const state = new SimulatorState(IOTEC_FAULTS);
  const tokens = new Map<string, number>();
  const collections = new Map<string, Collection>();

  async function notify(collection: Collection): Promise<void> {
    const step = { phone: collection.payer, reference: collection.id };
    if (state.take("drop-callback", collection.payer) || collection.payer.startsWith("011177797")) {
      state.record({ path: "callback-dropped", ...step });
      return;
    }
    const copies = state.take("duplicate-callback", collection.payer) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const status = await postCallback(options.callbackUrl, view(collection), {
        [options.callbackHeader]: options.callbackSecret,
      });
      state.record({ path: "callback-answered", ...step, status });
    }
  }

  async function progress(collection: Collection, steps: Status[], delayMs: number): Promise<void> {
    const wrongAmount = state.take("wrong-amount", collection.payer);
    for (const step of steps) {
      await sleep(delayMs);
      collection.status = step;
      collection.statusMessage = step === "Failed" ? "Transaction failed: insufficient funds" : step;
      collection.statusCode = step === "Success" ? "200" : FINAL_STATUSES.includes(step) ? "400" : "202";
      if (FINAL_STATUSES.includes(step)) {
        collection.processedAt = new Date().toISOString();
        state.record({ path: "settled", phone: collection.payer, reference: collection.id });
      }
      if (step === "Success") {
        collection.vendorTransactionId = `MP${randomBytes(5).toString("hex").toUpperCase()}`;
        if (wrongAmount) collection.amount += 1;
      }
      // ioTec calls back on Success, Failed and SentToVendor only.
      if (CALLBACK_STATUSES.includes(step)) await notify(collection);
    }
  }

  function authorised(request: IncomingMessage): boolean {
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
    const expiresAt = token ? tokens.get(token) : undefined;
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  async function handleToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    state.record({ path: "token" });
    if (state.take("token-500")) {
      sendJson(response, 500, { error: "server_error" });
      return;
    }
    if (
      state.take("token-401") ||
      form.get("client_id") !== options.clientId ||
      form.get("client_secret") !== options.clientSecret ||
      form.get("grant_type") !== "client_credentials"
    ) {
      sendJson(response, 400, { error: "invalid_client" });
      return;
    }
    const token = randomBytes(24).toString("base64url");
    tokens.set(token, Date.now() + 300_000);
    sendJson(response, 200, { access_token: token, expires_in: 300, token_type: "Bearer", scope: "pay" });
  }

  /** Collect and disburse take the same fields, but for the party (payer / payee) and charges. */
  const KINDS = {
    collection: { party: "payer", path: "collect", script },
    disbursement: { party: "payee", path: "disburse", script: disbursementScript },
  } as const;

  function invalid(body: Record<string, unknown>, kind: Collection["kind"]): string | undefined {
    const party = KINDS[kind].party;
    if (body.category !== "MobileMoney") return "category must be MobileMoney";
    if (body.currency !== "UGX") return "currency must be UGX";
    if (body.walletId !== options.walletId) return "wallet not found";
    if (typeof body.externalId !== "string" || body.externalId.length === 0) return "externalId is required";
    if (!/^07\d{8}$|^2567\d{8}$|^0111777\d{3}$/.test(text(body[party]))) return `${party} is not a valid phone number`;
    if (typeof body.amount !== "number" || !Number.isInteger(body.amount) || body.amount < 500)
      return "amount must be at least 500";
    if (kind === "collection" && !["ChargeWallet", "ChargeCustomer"].includes(text(body.transactionChargesCategory)))
      return "transactionChargesCategory is invalid";
    return undefined;
  }

  async function handleStart(
    request: IncomingMessage,
    response: ServerResponse,
    kind: Collection["kind"],
  ): Promise<void> {
    if (!authorised(request) || state.take("api-401")) {
      sendJson(response, 401, { message: "Unauthorized", code: 401 });
      return;
    }
    const { party, path, script: steps } = KINDS[kind];
    const body = record(await readJson(request));
    const payer = text(body[party]);
    state.record({ path, phone: payer });
    if (state.take("server-error", payer)) {
      sendJson(response, 500, { message: "Internal error", code: 500 });
      return;
    }
    const problem = invalid(body, kind);
    if (problem) {
      sendJson(response, 400, { message: problem, code: 400 });
      return;
    }
    const collection: Collection = {
      id: randomUUID(),
      status: "Pending",
      statusCode: "202",
      statusMessage: "Pending",
      externalId: text(body.externalId),
      amount: body.amount as number,
      currency: "UGX",
      vendor: vendorOf(payer),
      vendorTransactionId: null,
      transactionCharge: 0,
      totalTransactionCharge: 0,
      processedAt: null,
      payer,
      kind,
    };
    collections.set(collection.id, collection);
    state.record({ path: `${path}-accepted`, phone: payer, reference: collection.id });
    const reply = view(collection);
    if (state.take("callback-before-reply", payer)) {
      await progress(collection, steps(payer), 0);
      sendJson(response, 200, reply);
      return;
    }
    void progress(collection, steps(payer), options.callbackDelayMs);
    if (state.take("timeout", payer)) await sleep(options.timeoutHoldMs);
    sendJson(response, 200, reply);
  }

  function handleStatus(request: IncomingMessage, response: ServerResponse, url: URL): void {
    if (!authorised(request)) return sendJson(response, 401, { message: "Unauthorized", code: 401 });
    const [, section = "", lookup = "", rawKey = ""] =
      /^\/api\/(collections|disbursements)\/(status|external-id)\/([^/]+)$/.exec(url.pathname) ?? [];
    const kind: Collection["kind"] = section === "disbursements" ? "disbursement" : "collection";
    const key = decodeURIComponent(rawKey);
    if (lookup === "status") {
      const found = collections.get(key);
      const known = found?.kind === kind ? found : undefined;
      state.record({ path: "status", ...(known ? { phone: known.payer } : {}), reference: key });
      return known
        ? sendJson(response, 200, view(known))
        : sendJson(response, 404, { message: "Transaction not found", code: 404 });
    }
    const matches = [...collections.values()].filter((c) => c.kind === kind && c.externalId === key);
    state.record({ path: "status-by-external-id", reference: key });
    if (matches.length === 0) return sendJson(response, 404, { message: "Transaction not found", code: 404 });
    sendJson(response, 200, matches.map(view));
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://sim");
    const route = async (): Promise<void> => {
      if (await state.control(request, response, url)) return;
      if (request.method === "POST" && url.pathname === "/connect/token") return handleToken(request, response);
      if (request.method === "POST" && url.pathname === "/api/collections/collect")
        return handleStart(request, response, "collection");
      if (request.method === "POST" && url.pathname === "/api/disbursements/disburse")
        return handleStart(request, response, "disbursement");
      if (request.method === "GET" && /^\/api\/(collections|disbursements)\//.test(url.pathname)) {
        handleStatus(request, response, url);
        return;
      }
      sendJson(response, 404, { message: "Not found", code: 404 });
    };
    route().catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { message: String(error), code: 500 });
    });
  });
  return { server, state };
}
