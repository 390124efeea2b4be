// M-Pesa Daraja collections: STK Push, STK query and the STK callback.
// Wire facts: docs/providers.md. The base URL comes from configuration so tests use the simulator.
import { describeIssues } from "../../shared/issues.js";
import { constantTimeEqual } from "../../shared/hashing.js";
import { fromWholeMajor, toWholeMajor } from "../../shared/money.js";
import { internationalDigits } from "../../shared/phone.js";
import type {
  CallbackRequest,
  CollectionCallback,
  CollectionProvider,
  CollectionStatus,
  InitiateCollectionInput,
  InitiateCollectionResult,
} from "../collections.js";
import { ProviderAuthError, ProviderDeclinedError, ProviderInvalidRequestError } from "../errors.js";
import { DarajaClient, fitText } from "./client.js";
import { describeResultCode } from "./result-codes.js";
import { metadataValue, stkCallbackSchema, stkPushReplySchema, stkQueryReplySchema, type StkCallback } from "./wire.js";

export interface DarajaConfig {
  readonly baseUrl: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly shortcode: string;
  readonly passkey: string;
  /** CustomerPayBillOnline (paybill) or CustomerBuyGoodsOnline (till). */
  readonly transactionType: "CustomerPayBillOnline" | "CustomerBuyGoodsOnline";
  /** PartyB: the paybill shortcode, or the till number for buy goods. */
  readonly partyB: string;
  /** The mpesaCallback function's URL, without the secret segment. */
  readonly callbackUrl: string;
  /** The unguessable path segment Daraja's callbacks must carry. */
  readonly callbackSecret: string;
  readonly timeoutMs: number;
  readonly now?: () => Date;
}

const STILL_PROCESSING = "500.001.1001";
const OUR_SIDE = "We could not start the M-Pesa payment because of a problem on our side. No money was taken.";

/** YYYYMMDDHHmmss in Nairobi time (EAT, UTC+3, no daylight saving), as the STK password needs. */
export function darajaTimestamp(at: Date): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Africa/Nairobi",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}${part("month")}${part("day")}${part("hour")}${part("minute")}${part("second")}`;
}

export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`).toString("base64");
}

export class DarajaCollections implements CollectionProvider {
  readonly name = "mpesa" as const;
  readonly currency = "KES" as const;
  // KES 1 to KES 250,000 per STK transaction.
  readonly limits = { min: 100, max: 25_000_000 };

  readonly #config: DarajaConfig;
  readonly #client: DarajaClient;

  /** `client` is shared with the payouts adapter when both use the same Daraja app. */
  constructor(config: DarajaConfig, client?: DarajaClient) {
    this.#config = config;
    this.#client = client ?? new DarajaClient(config);
  }

  async initiate(input: InitiateCollectionInput): Promise<InitiateCollectionResult> {
    const timestamp = darajaTimestamp(this.#client.now());
    const phone = internationalDigits(input.phone);
    const body = {
      BusinessShortCode: this.#config.shortcode,
      Password: stkPassword(this.#config.shortcode, this.#config.passkey, timestamp),
      Timestamp: timestamp,
      TransactionType: this.#config.transactionType,
      Amount: toWholeMajor(input.amount, "KES"),
      PartyA: phone,
      PartyB: this.#config.partyB,
      PhoneNumber: phone,
      CallBackURL: `${this.#config.callbackUrl}/${this.#config.callbackSecret}`,
      AccountReference: fitText(input.reference, 12),
      TransactionDesc: fitText(input.description, 13),
    };
    const reply = stkPushReplySchema.safeParse(await this.#client.post("/mpesa/stkpush/v1/processrequest", body));
    if (!reply.success) {
      throw new ProviderInvalidRequestError(
        `mpesa push: unexpected reply (${describeIssues(reply.error.issues)})`,
        OUR_SIDE,
      );
    }
    if (reply.data.ResponseCode !== "0") {
      throw new ProviderDeclinedError(
        `mpesa push refused: ${reply.data.ResponseCode} ${reply.data.ResponseDescription ?? ""}`,
        reply.data.CustomerMessage ?? "M-Pesa could not start the payment. No money was taken.",
        reply.data.ResponseCode,
      );
    }
    return {
      providerReference: reply.data.CheckoutRequestID,
      customerMessage: "Check your phone and enter your M-Pesa PIN to complete the payment.",
    };
  }

  async queryStatus(input: { paymentId: string; providerReference?: string | undefined }): Promise<CollectionStatus> {
    const reference = input.providerReference;
    if (!reference) {
      // Daraja can only be asked about a CheckoutRequestID; without one the push never got an answer.
      return {
        outcome: "pending",
        providerReference: "",
        customerMessage: "We are confirming your payment with M-Pesa.",
      };
    }
    const timestamp = darajaTimestamp(this.#client.now());
    let data: unknown;
    try {
      data = await this.#client.post("/mpesa/stkpushquery/v1/query", {
        BusinessShortCode: this.#config.shortcode,
        Password: stkPassword(this.#config.shortcode, this.#config.passkey, timestamp),
        Timestamp: timestamp,
        CheckoutRequestID: reference,
      });
    } catch (error) {
      // "The transaction is being processed": the prompt is still open. Pending, not failure.
      if (error instanceof ProviderDeclinedError && error.providerCode === STILL_PROCESSING) {
        return {
          outcome: "pending",
          providerReference: reference,
          customerMessage: "Waiting for you to confirm on your phone.",
        };
      }
      throw error;
    }
    const reply = stkQueryReplySchema.safeParse(data);
    if (!reply.success) {
      throw new ProviderInvalidRequestError(
        `mpesa query: unexpected reply (${describeIssues(reply.error.issues)})`,
        OUR_SIDE,
      );
    }
    const meaning = describeResultCode(reply.data.ResultCode);
    return {
      outcome: meaning.outcome,
      providerReference: reference,
      customerMessage: meaning.customerMessage,
      ...(meaning.outcome === "succeeded" ? {} : { failureCode: `mpesa:${reply.data.ResultCode}` }),
    };
  }

  readCallback(request: CallbackRequest): Promise<CollectionCallback> {
    // Daraja callbacks are unsigned: the secret path segment is what authenticates them.
    const secret = request.path.replace(/^\/+/, "").split("/")[0] ?? "";
    if (!constantTimeEqual(secret, this.#config.callbackSecret)) {
      return Promise.reject(new ProviderAuthError("mpesa callback: wrong path secret", ""));
    }
    const parsed = stkCallbackSchema.safeParse(request.body);
    if (!parsed.success) {
      return Promise.reject(
        new ProviderInvalidRequestError(`mpesa callback: ${describeIssues(parsed.error.issues)}`, ""),
      );
    }
    return Promise.resolve(toCallback(parsed.data.Body.stkCallback));
  }
}

function toCallback(callback: StkCallback): CollectionCallback {
  const meaning = describeResultCode(callback.ResultCode);
  const amount = metadataValue(callback, "Amount");
  const phone = metadataValue(callback, "PhoneNumber");
  const receipt = metadataValue(callback, "MpesaReceiptNumber");
  return {
    eventKey: `${callback.CheckoutRequestID}:${callback.ResultCode}`,
    status: {
      outcome: meaning.outcome,
      providerReference: callback.CheckoutRequestID,
      customerMessage: meaning.customerMessage,
      ...(meaning.outcome === "succeeded" ? {} : { failureCode: `mpesa:${callback.ResultCode}` }),
      ...(receipt === undefined ? {} : { receipt: String(receipt) }),
      ...(amount === undefined ? {} : { amount: fromWholeMajor(Number(amount), "KES"), currency: "KES" as const }),
      ...(phone === undefined ? {} : { phone: `+${String(phone)}` }),
    },
  };
}
