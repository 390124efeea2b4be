// M-Pesa Daraja payouts: B2C payment requests, Transaction Status requests and Reversals of
// customer payments, whose outcomes all arrive later at a result URL that `readResult` reads.
// Wire facts: docs/payouts.md. The base URL comes from configuration so tests use the simulator.
import { constantTimeEqual } from "../../shared/hashing.js";
import { describeIssues } from "../../shared/issues.js";
import { fromWholeMajor, toWholeMajor } from "../../shared/money.js";
import { internationalDigits } from "../../shared/phone.js";
import { ProviderAuthError, ProviderDeclinedError, ProviderInvalidRequestError } from "../errors.js";
import type {
  CallbackRequest,
  PayoutAccepted,
  PayoutProvider,
  PayoutResult,
  PayoutResultKind,
  PayoutStatus,
  ReversalAccepted,
  ReversalProvider,
  ReverseInput,
  SendPayoutInput,
} from "../payouts.js";
import { DarajaClient, fitText, type DarajaClientConfig, type GatewayError } from "./client.js";
import { describePayoutCode, MPESA_PAYOUT_CODES, MPESA_REVERSAL_CODES } from "./payout-codes.js";
import { asyncAcceptedSchema, asyncResultSchema, resultParameter, type AsyncResult } from "./wire.js";

export interface DarajaPayoutsConfig extends DarajaClientConfig {
  /** The API operator's user name on the M-Pesa portal. */
  readonly initiatorName: string;
  /** The initiator password encrypted with the M-Pesa certificate (RSA PKCS#1 v1.5), base64. */
  readonly securityCredential: string;
  /** The B2C shortcode that pays (PartyA). */
  readonly b2cShortcode: string;
  /** The shortcode customers pay into: the ReceiverParty of a reversal. */
  readonly collectionShortcode: string;
  /** The public URL of the function that receives results, without the secret path segment. */
  readonly resultUrl: string;
  /** The unguessable first path segment every result URL carries. */
  readonly resultSecret: string;
}

/**
 * The last part of each result URL says what it answers, so a result is read for what it is
 * whatever its body looks like (a queue-timeout body is not documented). The words avoid
 * "mpesa", "query" and the like, which Safaricom documents as refused in callback URLs.
 */
const PATHS = {
  payout: "payout",
  payoutTimeout: "payout-timeout",
  status: "status",
  statusTimeout: "status-timeout",
  reversal: "reversal",
  reversalTimeout: "reversal-timeout",
} as const;
const KIND_OF_PATH: Readonly<Record<string, PayoutResultKind>> = {
  [PATHS.payout]: "payout",
  [PATHS.payoutTimeout]: "payout",
  [PATHS.status]: "status",
  [PATHS.statusTimeout]: "status",
  [PATHS.reversal]: "reversal",
  [PATHS.reversalTimeout]: "reversal",
};
const TIMEOUT_PATHS: readonly string[] = [PATHS.payoutTimeout, PATHS.statusTimeout, PATHS.reversalTimeout];

const SENDING = "We are sending the money to your M-Pesa.";
const CONFIRMING = "We are confirming the payout with M-Pesa.";
const OUR_SIDE =
  "We could not send the money to M-Pesa because of a problem on our side. It is still in your Malipo wallet.";

/** Daraja's "dd.MM.yyyy HH:mm:ss" or "yyyyMMddHHmmss", both in Nairobi time (UTC+3, no DST). */
export function parseNairobiTime(value: string | number | undefined): Date | undefined {
  const text = value === undefined ? "" : String(value).trim();
  const dotted = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  const [year, month, day, hour, minute, second] = dotted
    ? [dotted[3], dotted[2], dotted[1], dotted[4], dotted[5], dotted[6]]
    : compact
      ? compact.slice(1)
      : [];
  if (year === undefined) return undefined;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour) - 3, Number(minute), Number(second));
  return Number.isNaN(utc) ? undefined : new Date(utc);
}

/** Shillings as Daraja writes them ("10.00", 10, "3000.00") in cents. */
function shillings(value: string | number | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const amount = Number(value);
  return Number.isFinite(amount) ? fromWholeMajor(amount, "KES") : undefined;
}

function text(value: string | number | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : String(value);
}

/** What a gateway error that says "duplicate" is turned into: the first request stands. */
const DUPLICATE = Symbol("duplicate");

function isDuplicate(error: GatewayError): boolean {
  return /duplicate/i.test(`${error.errorMessage ?? ""} ${error.errorCode}`);
}

export class DarajaPayouts implements PayoutProvider, ReversalProvider {
  readonly name = "mpesa" as const;
  readonly currency = "KES" as const;
  // KES 10 to KES 250,000 per B2C payment.
  readonly limits = { min: 10_00, max: 250_000_00 };

  readonly #config: DarajaPayoutsConfig;
  readonly #client: DarajaClient;

  /** `client` is shared with the collections adapter when both use the same Daraja app. */
  constructor(config: DarajaPayoutsConfig, client?: DarajaClient) {
    this.#config = config;
    this.#client = client ?? new DarajaClient(config);
  }

  #url(path: string, id: string): string {
    return `${this.#config.resultUrl}/${this.#config.resultSecret}/${path}/${encodeURIComponent(id)}`;
  }

  /** B2C names the initiator `InitiatorName`; Transaction Status and Reversal name it `Initiator`. */
  #initiator(field: "InitiatorName" | "Initiator"): Record<string, string> {
    return { [field]: this.#config.initiatorName, SecurityCredential: this.#config.securityCredential };
  }

  /** Posts an asynchronous request and checks it was accepted. */
  async #request(what: string, path: string, body: unknown): Promise<{ accepted: AsyncAccepted; duplicate: boolean }> {
    const data = await this.#client.post(path, body, (error) => (isDuplicate(error) ? DUPLICATE : undefined));
    if (data === DUPLICATE) return { accepted: { ResponseCode: "0" }, duplicate: true };
    const reply = asyncAcceptedSchema.safeParse(data);
    if (!reply.success) {
      throw new ProviderInvalidRequestError(
        `mpesa ${what}: unexpected reply (${describeIssues(reply.error.issues)})`,
        OUR_SIDE,
      );
    }
    if (reply.data.ResponseCode !== "0") {
      if (isDuplicate({ errorCode: reply.data.ResponseCode, errorMessage: reply.data.ResponseDescription })) {
        return { accepted: reply.data, duplicate: true };
      }
      throw new ProviderDeclinedError(
        `mpesa ${what} refused: ${reply.data.ResponseCode} ${reply.data.ResponseDescription ?? ""}`,
        OUR_SIDE,
        reply.data.ResponseCode,
      );
    }
    return { accepted: reply.data, duplicate: false };
  }

  async send(input: SendPayoutInput): Promise<PayoutAccepted> {
    // Checked before any call: Daraja takes whole shillings and Kenyan mobile numbers only.
    if (input.currency !== "KES") {
      throw new ProviderInvalidRequestError(
        `mpesa payout in ${input.currency}`,
        `M-Pesa pays out in KES, not ${input.currency}.`,
      );
    }
    const amount = toWholeMajor(input.amount, "KES");
    const partyB = internationalDigits(input.phone);
    if (!/^254[17]\d{8}$/.test(partyB)) {
      throw new ProviderInvalidRequestError(
        "mpesa payout to a non-Kenyan number",
        "M-Pesa pays out only to Kenyan mobile numbers (+2547…, +2541…).",
      );
    }
    const { duplicate } = await this.#request("payout", "/mpesa/b2c/v3/paymentrequest", {
      // Our payout id: Daraja refuses a second request with the same one, so a repeat never pays twice.
      OriginatorConversationID: input.payoutId,
      ...this.#initiator("InitiatorName"),
      CommandID: "BusinessPayment",
      Amount: amount,
      PartyA: this.#config.b2cShortcode,
      PartyB: partyB,
      Remarks: fitText(input.remarks, 100),
      QueueTimeOutURL: this.#url(PATHS.payoutTimeout, input.payoutId),
      ResultURL: this.#url(PATHS.payout, input.payoutId),
      Occasion: input.payoutId.slice(0, 100),
    });
    // Status requests and results name the payout by its OriginatorConversationID: our id.
    return { providerReference: input.payoutId, duplicate, customerMessage: SENDING };
  }

  /** Asks for the payout's status; Daraja posts the answer to the status result URL. */
  async query(payout: { payoutId: string; providerReference?: string | undefined }): Promise<PayoutStatus> {
    const reference = payout.providerReference || payout.payoutId;
    await this.#request("status", "/mpesa/transactionstatus/v1/query", {
      ...this.#initiator("Initiator"),
      CommandID: "TransactionStatusQuery",
      OriginatorConversationID: reference,
      PartyA: this.#config.b2cShortcode,
      IdentifierType: "4",
      ResultURL: this.#url(PATHS.status, payout.payoutId),
      QueueTimeOutURL: this.#url(PATHS.statusTimeout, payout.payoutId),
      Remarks: "Payout status",
      Occasion: payout.payoutId.slice(0, 100),
    });
    return { outcome: "pending", providerReference: reference, customerMessage: CONFIRMING };
  }

  /** Reverses a customer's payment into our shortcode; the result arrives at the reversal URL. */
  async reverse(input: ReverseInput): Promise<ReversalAccepted> {
    if (input.currency !== "KES") {
      throw new ProviderInvalidRequestError(
        `mpesa reversal in ${input.currency}`,
        `M-Pesa reverses KES payments, not ${input.currency}.`,
      );
    }
    const amount = toWholeMajor(input.amount, "KES");
    const { accepted } = await this.#request("reversal", "/mpesa/reversal/v1/request", {
      ...this.#initiator("Initiator"),
      CommandID: "TransactionReversal",
      TransactionID: input.receipt,
      Amount: amount,
      ReceiverParty: this.#config.collectionShortcode,
      // Sic: Daraja's own spelling.
      RecieverIdentifierType: "11",
      ResultURL: this.#url(PATHS.reversal, input.reversalId),
      QueueTimeOutURL: this.#url(PATHS.reversalTimeout, input.reversalId),
      Remarks: fitText(input.remarks, 100),
      Occasion: input.reversalId.slice(0, 100),
    });
    return { providerReference: accepted.ConversationID ?? accepted.OriginatorConversationID ?? input.reversalId };
  }

  readResult(request: CallbackRequest): Promise<PayoutResult> {
    try {
      return Promise.resolve(this.#readResult(request));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #readResult(request: CallbackRequest): PayoutResult {
    // Daraja's results are unsigned: the secret path segment is what authenticates them.
    const [secret = "", path = "", rawId = "", ...rest] = request.path.replace(/^\/+/, "").split("/");
    if (!constantTimeEqual(secret, this.#config.resultSecret)) {
      throw new ProviderAuthError("mpesa result: wrong path secret", "");
    }
    const kind = KIND_OF_PATH[path];
    const subjectId = decodeURIComponent(rawId);
    if (kind === undefined || subjectId === "" || rest.length > 0) {
      throw new ProviderInvalidRequestError(`mpesa result: unknown result path ${path}`, "");
    }
    if (TIMEOUT_PATHS.includes(path)) {
      // The request waited too long in Daraja's queue: its outcome is not known yet (query it).
      return {
        eventKey: `${path}:${subjectId}`,
        kind,
        subjectId,
        status: { outcome: "pending", providerReference: subjectId, customerMessage: CONFIRMING },
      };
    }
    const parsed = asyncResultSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new ProviderInvalidRequestError(`mpesa result: ${describeIssues(parsed.error.issues)}`, "");
    }
    const result = parsed.data.Result;
    if (kind === "payout" && result.OriginatorConversationID !== subjectId) {
      throw new ProviderInvalidRequestError(
        `mpesa result: OriginatorConversationID ${result.OriginatorConversationID ?? "(none)"} is not ${subjectId}`,
        "",
      );
    }
    const status =
      kind === "payout"
        ? payoutStatus(result)
        : kind === "status"
          ? statusAnswer(result, subjectId)
          : reversalStatus(result, subjectId);
    const transaction = result.TransactionID ?? result.ConversationID ?? "";
    return { eventKey: `${kind}:${subjectId}:${result.ResultCode}:${transaction}`, kind, subjectId, status };
  }
}

interface AsyncAccepted {
  ResponseCode: string;
  ConversationID?: string | undefined;
  OriginatorConversationID?: string | undefined;
}

/** A result that did not succeed: its failure code when it failed, the operator's sentence if any. */
function failure(
  code: string,
  meaning: { outcome: PayoutStatus["outcome"]; operatorMessage?: string },
): Partial<PayoutStatus> {
  return {
    ...(meaning.outcome === "failed" ? { failureCode: `mpesa:${code}` } : {}),
    ...(meaning.operatorMessage ? { operatorMessage: meaning.operatorMessage } : {}),
  };
}

function payoutStatus(result: AsyncResult): PayoutStatus {
  const meaning = describePayoutCode(result.ResultCode, MPESA_PAYOUT_CODES);
  const receipt = text(resultParameter(result, "TransactionReceipt")) ?? result.TransactionID;
  const amount = shillings(resultParameter(result, "TransactionAmount"));
  const completedAt = parseNairobiTime(resultParameter(result, "TransactionCompletedDateTime"));
  const availableFunds = shillings(resultParameter(result, "B2CUtilityAccountAvailableFunds"));
  return {
    outcome: meaning.outcome,
    providerReference: result.OriginatorConversationID ?? "",
    customerMessage: meaning.customerMessage,
    ...(meaning.outcome === "succeeded" ? {} : failure(result.ResultCode, meaning)),
    ...(meaning.outcome === "succeeded" && receipt ? { receipt } : {}),
    ...(amount === undefined ? {} : { amount, currency: "KES" as const }),
    ...(completedAt ? { completedAt } : {}),
    ...(availableFunds === undefined ? {} : { availableFunds }),
  };
}

/**
 * The answer to a Transaction Status request. Its ResultCode says whether the status request
 * worked; the payout's own state is the TransactionStatus parameter. Anything but a clear
 * "Completed" or a clear failure leaves the payout pending.
 */
function statusAnswer(result: AsyncResult, payoutId: string): PayoutStatus {
  if (result.ResultCode !== "0") {
    return {
      outcome: "pending",
      providerReference: payoutId,
      customerMessage: CONFIRMING,
      operatorMessage: `The M-Pesa status request for ${payoutId} failed (${result.ResultCode} ${result.ResultDesc ?? ""}); the payout is still unknown.`,
    };
  }
  const state = text(resultParameter(result, "TransactionStatus")) ?? "";
  const amount = shillings(resultParameter(result, "Amount"));
  const receipt = text(resultParameter(result, "ReceiptNo"));
  const completedAt = parseNairobiTime(resultParameter(result, "FinalisedTime"));
  const common = {
    providerReference: payoutId,
    ...(amount === undefined ? {} : { amount, currency: "KES" as const }),
  };
  if (/^completed$/i.test(state)) {
    return {
      ...common,
      outcome: "succeeded",
      customerMessage: MPESA_PAYOUT_CODES["0"]?.customerMessage ?? SENDING,
      ...(receipt ? { receipt } : {}),
      ...(completedAt ? { completedAt } : {}),
    };
  }
  if (/^(failed|declined|cancelled)$/i.test(state)) {
    return {
      ...common,
      outcome: "failed",
      failureCode: `mpesa:status-${state.toLowerCase()}`,
      customerMessage: "M-Pesa did not complete the payout. The money is still in your Malipo wallet.",
    };
  }
  return { ...common, outcome: "pending", customerMessage: CONFIRMING };
}

function reversalStatus(result: AsyncResult, reversalId: string): PayoutStatus {
  const meaning = describePayoutCode(result.ResultCode, MPESA_REVERSAL_CODES);
  const amount = shillings(resultParameter(result, "Amount"));
  const completedAt = parseNairobiTime(resultParameter(result, "TransCompletedTime"));
  return {
    outcome: meaning.outcome,
    providerReference: reversalId,
    customerMessage: meaning.customerMessage,
    ...(meaning.outcome === "succeeded"
      ? result.TransactionID
        ? { receipt: result.TransactionID }
        : {}
      : failure(result.ResultCode, meaning)),
    ...(amount === undefined ? {} : { amount, currency: "KES" as const }),
    ...(completedAt ? { completedAt } : {}),
  };
}
