// Daraja's payout side for the Daraja simulator: B2C payment requests, Transaction Status
// requests and Reversals. Each is accepted at once and answered later by a POST to its ResultURL
// (or its QueueTimeOutURL), as Daraja does. Outcomes by the receiving number (PartyB,
// 2547XXXXXXXX): ending 0001 the B2C account lacks funds (code 1), 2040 the receiver cannot take
// M-Pesa payouts, 2001 initiator information invalid (also for a wrong InitiatorName or
// SecurityCredential), 9001 queue timeout (the payout still completes: a status request finds
// it), 9999 result never sent (it completes too), 9002 result delivered twice, 9003 success then a
// late failure result, 9004 the result reports one shilling more; anything else succeeds.
// Reversals by TransactionID: ending QT queue timeout (then reversed), XX unknown transaction
// (R000002); a second reversal of the same transaction is refused (R000001).
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { SimulatorState } from "./faults.ts";
import { postCallback, readJson, record, sendJson, sleep, text } from "./http.ts";

export interface DarajaPayoutOptions {
  readonly shortcode: string;
  readonly b2cShortcode: string;
  readonly initiatorName: string;
  readonly securityCredential: string;
  readonly callbackDelayMs: number;
  readonly timeoutHoldMs: number;
}

export interface DarajaPayoutDeps {
  readonly state: SimulatorState;
  readonly options: DarajaPayoutOptions;
  readonly authorised: (request: IncomingMessage) => boolean;
  readonly gatewayError: (response: ServerResponse, status: number, errorCode: string, errorMessage: string) => void;
}

interface Payout {
  readonly originatorConversationId: string;
  readonly conversationId: string;
  readonly transactionId: string;
  readonly phone: string;
  readonly amount: number;
  readonly resultUrl: string;
  readonly timeoutUrl: string;
  readonly initiatorValid: boolean;
  /** Set once the payout has its final outcome. */
  resultCode?: number;
  completedAt?: Date;
}

const RESULT_DESCRIPTIONS: Record<string, string> = {
  "0": "The service request is processed successfully.",
  "1": "The balance is insufficient for the transaction.",
  "17": "Rule limited.",
  "2001": "The initiator information is invalid.",
  "2040": "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
  R000001: "The transaction has already been reversed.",
  R000002: "The OriginatorConversationID or TransactionID is invalid.",
};

const FINAL_CODES: readonly [string, number][] = [
  ["0001", 1],
  ["2040", 2040],
  ["2001", 2001],
];

const id = (length: number): string => randomBytes(length).toString("hex").toUpperCase().slice(0, length);
const conversationId = (): string => `AG_${new Date().toISOString().slice(0, 10).replace(/-/g, "")}_${id(20)}`;

/** Nairobi wall-clock time in Daraja's two notations. */
function nairobi(at: Date): { dotted: string; compact: string } {
  const iso = new Date(at.getTime() + 3 * 3600_000).toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19);
  const [year, month, day] = date.split("-");
  return { dotted: `${day}.${month}.${year} ${time}`, compact: `${date}${time}`.replace(/\D/g, "") };
}

export function createDarajaPayouts(
  deps: DarajaPayoutDeps,
): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean> {
  const { state, options, gatewayError } = deps;
  const payouts = new Map<string, Payout>();
  const reversed = new Set<string>();
  // The B2C utility account's float, in shillings.
  let utilityFunds = 1_000_000;
  // Daraja does not promise an order for ResultParameters: the simulator rotates them.
  let rotation = 0;
  function parameters(list: { Key: string; Value: string | number }[]): { ResultParameter: unknown[] } {
    rotation = (rotation + 1) % list.length;
    return { ResultParameter: [...list.slice(rotation), ...list.slice(0, rotation)] };
  }

  function initiatorValid(body: Record<string, unknown>, field: "InitiatorName" | "Initiator"): boolean {
    return body[field] === options.initiatorName && body.SecurityCredential === options.securityCredential;
  }

  function resultBody(payout: Payout, resultCode: number, amount: number): unknown {
    const result: Record<string, unknown> = {
      ResultType: 0,
      ResultCode: resultCode,
      ResultDesc: RESULT_DESCRIPTIONS[String(resultCode)] ?? "Failed.",
      OriginatorConversationID: payout.originatorConversationId,
      ConversationID: payout.conversationId,
      TransactionID: payout.transactionId,
    };
    if (resultCode === 0) {
      result.ResultParameters = parameters([
        { Key: "TransactionAmount", Value: amount },
        { Key: "TransactionReceipt", Value: payout.transactionId },
        { Key: "B2CRecipientIsRegisteredCustomer", Value: "Y" },
        { Key: "B2CChargesPaidAccountAvailableFunds", Value: 0 },
        { Key: "ReceiverPartyPublicName", Value: `${payout.phone} - Simulated Customer` },
        { Key: "TransactionCompletedDateTime", Value: nairobi(payout.completedAt ?? new Date()).dotted },
        { Key: "B2CUtilityAccountAvailableFunds", Value: utilityFunds.toFixed(2) },
        { Key: "B2CWorkingAccountAvailableFunds", Value: "0.00" },
      ]);
    }
    result.ReferenceData = { ReferenceItem: { Key: "QueueTimeoutURL", Value: payout.timeoutUrl } };
    return { Result: result };
  }

  async function send(url: string, body: unknown, step: { phone?: string; reference: string }): Promise<void> {
    state.record({ path: "callback-answered", ...step, status: await postCallback(url, body) });
  }

  function timeoutBody(originatorConversationId: string, conversation: string): unknown {
    return {
      Result: {
        ResultType: 1,
        ResultCode: 1,
        ResultDesc: "The request timed out in the queue.",
        OriginatorConversationID: originatorConversationId,
        ConversationID: conversation,
      },
    };
  }

  async function settle(payout: Payout): Promise<void> {
    await sleep(options.callbackDelayMs);
    const phone = payout.phone;
    const code = payout.initiatorValid ? (FINAL_CODES.find(([suffix]) => phone.endsWith(suffix))?.[1] ?? 0) : 2001;
    payout.resultCode = code;
    payout.completedAt = new Date();
    if (code === 0) utilityFunds -= payout.amount;
    const step = { phone, reference: payout.originatorConversationId };
    state.record({ path: "settled", ...step });
    if (phone.endsWith("9001")) {
      await send(payout.timeoutUrl, timeoutBody(payout.originatorConversationId, payout.conversationId), step);
      return;
    }
    if (phone.endsWith("9999") || state.take("drop-callback", phone)) {
      state.record({ path: "callback-dropped", ...step });
      return;
    }
    const amount = phone.endsWith("9004") || state.take("wrong-amount", phone) ? payout.amount + 1 : payout.amount;
    const copies = phone.endsWith("9002") || state.take("duplicate-callback", phone) ? 2 : 1;
    for (let i = 0; i < copies; i++) await send(payout.resultUrl, resultBody(payout, code, amount), step);
    if (phone.endsWith("9003")) {
      await sleep(options.callbackDelayMs);
      await send(payout.resultUrl, resultBody(payout, 17, amount), step);
    }
  }

  function invalidPayout(body: Record<string, unknown>): string | undefined {
    if (typeof body.OriginatorConversationID !== "string" || body.OriginatorConversationID === "")
      return "Invalid OriginatorConversationID";
    if (!["BusinessPayment", "SalaryPayment", "PromotionPayment"].includes(text(body.CommandID)))
      return "Invalid CommandID";
    if (!Number.isInteger(body.Amount) || Number(body.Amount) < 10) return "Invalid Amount";
    if (body.PartyA !== options.b2cShortcode) return "Invalid PartyA";
    if (!/^254[17]\d{8}$/.test(text(body.PartyB))) return "Invalid PartyB";
    if (typeof body.Remarks !== "string" || body.Remarks.length < 2 || body.Remarks.length > 100)
      return "Invalid Remarks";
    for (const field of ["ResultURL", "QueueTimeOutURL"]) {
      if (!/^https?:\/\//.test(text(body[field]))) return `Invalid ${field}`;
    }
    if (typeof body.InitiatorName !== "string" || typeof body.SecurityCredential !== "string")
      return "Invalid Initiator";
    return undefined;
  }

  async function handlePayment(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = record(await readJson(request));
    const phone = text(body.PartyB);
    state.record({ path: "b2c", phone, reference: text(body.OriginatorConversationID) });
    if (state.take("spike-arrest", phone)) {
      gatewayError(response, 429, "500.003.02", "Spike arrest violation");
      return;
    }
    const problem = invalidPayout(body);
    if (problem) {
      gatewayError(response, 400, "400.002.02", `Bad Request - ${problem}`);
      return;
    }
    const originatorConversationId = text(body.OriginatorConversationID);
    // The idempotency key: a repeat is refused and never pays again.
    if (payouts.has(originatorConversationId)) {
      state.record({ path: "b2c-duplicate", phone, reference: originatorConversationId });
      gatewayError(response, 409, "409.001.01", "Duplicate OriginatorConversationID");
      return;
    }
    const payout: Payout = {
      originatorConversationId,
      conversationId: conversationId(),
      transactionId: `U${id(9)}`,
      phone,
      amount: Number(body.Amount),
      resultUrl: text(body.ResultURL),
      timeoutUrl: text(body.QueueTimeOutURL),
      initiatorValid: initiatorValid(body, "InitiatorName"),
    };
    payouts.set(originatorConversationId, payout);
    state.record({ path: "b2c-accepted", phone, reference: originatorConversationId });
    void settle(payout);
    if (state.take("timeout", phone)) await sleep(options.timeoutHoldMs);
    sendAccepted(response, payout.conversationId, originatorConversationId);
  }

  function sendAccepted(response: ServerResponse, conversation: string, originator: string): void {
    const reply = {
      ConversationID: conversation,
      OriginatorConversationID: originator,
      ResponseCode: "0",
      ResponseDescription: "Accept the service request successfully.",
    };
    sendJson(response, 200, reply);
  }

  function statusResult(
    payout: Payout | undefined,
    valid: boolean,
    ids: { originator: string; conversation: string },
  ): unknown {
    const base = { ResultType: 0, OriginatorConversationID: ids.originator, ConversationID: ids.conversation };
    if (!valid) return { Result: { ...base, ResultCode: 2001, ResultDesc: RESULT_DESCRIPTIONS["2001"] } };
    if (!payout) return { Result: { ...base, ResultCode: "R000002", ResultDesc: RESULT_DESCRIPTIONS.R000002 } };
    const state = payout.resultCode === undefined ? "Pending" : payout.resultCode === 0 ? "Completed" : "Declined";
    return {
      Result: {
        ...base,
        ResultCode: 0,
        ResultDesc: "The service request is processed successfully.",
        TransactionID: `U${id(9)}`,
        ResultParameters: parameters([
          { Key: "DebitPartyName", Value: `${options.b2cShortcode} - Malipo` },
          { Key: "CreditPartyName", Value: `${payout.phone} - Simulated Customer` },
          { Key: "OriginatorConversationID", Value: payout.originatorConversationId },
          { Key: "InitiatedTime", Value: nairobi(payout.completedAt ?? new Date()).compact },
          { Key: "DebitAccountType", Value: "Utility Account" },
          { Key: "DebitPartyCharges", Value: "" },
          { Key: "TransactionReason", Value: "" },
          { Key: "ReasonType", Value: "Business Payment to Customer via API" },
          { Key: "TransactionStatus", Value: state },
          { Key: "FinalisedTime", Value: nairobi(payout.completedAt ?? new Date()).compact },
          { Key: "Amount", Value: payout.amount },
          { Key: "ConversationID", Value: payout.conversationId },
          { Key: "ReceiptNo", Value: payout.transactionId },
        ]),
      },
    };
  }

  async function handleStatus(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = record(await readJson(request));
    const wanted = text(body.OriginatorConversationID) || text(body.TransactionID);
    const payout =
      payouts.get(wanted) ?? [...payouts.values()].find((p) => p.transactionId === wanted && wanted !== "");
    state.record({ path: "transaction-status", ...(payout ? { phone: payout.phone } : {}), reference: wanted });
    if (text(body.CommandID) !== "TransactionStatusQuery") {
      gatewayError(response, 400, "400.002.02", "Bad Request - Invalid CommandID");
      return;
    }
    if (!/^https?:\/\//.test(text(body.ResultURL)) || !/^https?:\/\//.test(text(body.QueueTimeOutURL))) {
      gatewayError(response, 400, "400.002.02", "Bad Request - Invalid ResultURL");
      return;
    }
    const ids = { originator: `${id(5)}-${id(8)}-1`, conversation: conversationId() };
    const valid = initiatorValid(body, "Initiator");
    sendAccepted(response, ids.conversation, ids.originator);
    await sleep(options.callbackDelayMs);
    await send(text(body.ResultURL), statusResult(payout, valid, ids), { reference: wanted });
  }

  async function handleReversal(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = record(await readJson(request));
    const transactionId = text(body.TransactionID);
    state.record({ path: "reversal", reference: transactionId });
    if (text(body.CommandID) !== "TransactionReversal") {
      gatewayError(response, 400, "400.002.02", "Bad Request - Invalid CommandID");
      return;
    }
    if (body.ReceiverParty !== options.shortcode) {
      gatewayError(response, 400, "400.002.02", "Bad Request - Invalid ReceiverParty");
      return;
    }
    if (body.RecieverIdentifierType !== "11") {
      gatewayError(response, 400, "400.002.02", "Bad Request - Invalid RecieverIdentifierType");
      return;
    }
    if (transactionId === "" || !Number.isInteger(body.Amount) || Number(body.Amount) < 1) {
      gatewayError(response, 400, "400.002.02", "Bad Request - Invalid TransactionID or Amount");
      return;
    }
    const ids = { originator: `${id(5)}-${id(8)}-1`, conversation: conversationId() };
    sendAccepted(response, ids.conversation, ids.originator);
    await sleep(options.callbackDelayMs);
    const step = { reference: transactionId };
    if (transactionId.endsWith("QT")) {
      await send(text(body.QueueTimeOutURL), timeoutBody(ids.originator, ids.conversation), step);
    }
    const code = !initiatorValid(body, "Initiator")
      ? 2001
      : transactionId.endsWith("XX")
        ? "R000002"
        : reversed.has(transactionId)
          ? "R000001"
          : 0;
    if (code === 0) reversed.add(transactionId);
    state.record({ path: "settled", ...step });
    if (transactionId.endsWith("QT")) return;
    const result: Record<string, unknown> = {
      ResultType: 0,
      ResultCode: code,
      ResultDesc: RESULT_DESCRIPTIONS[String(code)] ?? "Failed.",
      OriginatorConversationID: ids.originator,
      ConversationID: ids.conversation,
      TransactionID: `R${id(9)}`,
    };
    if (code === 0) {
      result.ResultParameters = parameters([
        { Key: "DebitAccountBalance", Value: "Utility Account|KES|1000.00|1000.00|0.00|0.00" },
        { Key: "Amount", Value: Number(body.Amount) },
        { Key: "TransCompletedTime", Value: nairobi(new Date()).compact },
        { Key: "OriginalTransactionID", Value: transactionId },
        { Key: "Charge", Value: 0 },
        { Key: "CreditPartyPublicName", Value: "254700000000 - Simulated Customer" },
        { Key: "DebitPartyPublicName", Value: `${options.shortcode} - Malipo` },
      ]);
    }
    await send(text(body.ResultURL), { Result: result }, step);
  }

  return async (request, response, url) => {
    if (request.method !== "POST") return false;
    const handler =
      url.pathname === "/mpesa/b2c/v3/paymentrequest"
        ? handlePayment
        : url.pathname === "/mpesa/transactionstatus/v1/query"
          ? handleStatus
          : url.pathname === "/mpesa/reversal/v1/request"
            ? handleReversal
            : undefined;
    if (!handler) return false;
    if (!deps.authorised(request)) {
      gatewayError(response, 401, "404.001.03", "Invalid Access Token");
      return true;
    }
    if (!request.headers["content-type"]?.startsWith("application/json")) {
      gatewayError(response, 400, "400.002.02", "Bad Request - Invalid BusinessShortCode");
      return true;
    }
    await handler(request, response);
    return true;
  };
}
