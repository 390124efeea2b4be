// VTpass bills (Nigeria, NGN): catalogue, customer verification, pay, re-query and webhooks.
// VTpass speaks naira and its own codes; this adapter speaks kobo and Malipo's outcomes.
// Wire facts: docs/providers.md, "VTpass".
import { createHash } from "node:crypto";

import axios, { type AxiosInstance } from "axios";
import { logger } from "firebase-functions/logger";

import type { Service } from "../../shared/catalog.js";
import { describeIssues } from "../../shared/issues.js";
import type {
  BillerService,
  BillsProvider,
  BillsWebhook,
  BillStatus,
  BillVariation,
  PayBillInput,
  VerifiedCustomer,
  VerifyCustomerInput,
} from "../bills.js";
import type { CallbackRequest } from "../collections.js";
import {
  classifyHttpFailure,
  ProviderAuthError,
  ProviderDeclinedError,
  ProviderInvalidRequestError,
  ProviderUnavailableError,
} from "../errors.js";
import { ACCOUNT_ALERTS, pendingStatus, toStatus } from "./outcomes.js";
import { vtpassRequestId } from "./request-id.js";
import { billerName, IDENTIFIERS, inCategory, isAirtime, isElectricity, verificationOf } from "./services.js";
import {
  koboToNaira,
  merchantVerifyReplySchema,
  nairaToKobo,
  servicesReplySchema,
  transactionReplySchema,
  variationsReplySchema,
  webhookSchema,
} from "./wire.js";

export interface VtpassConfig {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly publicKey: string;
  readonly secretKey: string;
  readonly timeoutMs: number;
}

const TRY_LATER = "Bill payments are busy right now. Please try again in a minute.";
const OUR_SIDE = "We could not reach the biller because of a problem on our side. Nothing was charged.";

/** Electricity is sold by meter type; VTpass does not always list the two types as plans. */
const METER_TYPES: readonly BillVariation[] = [
  { code: "prepaid", name: "Prepaid meter", amount: 0, fixedPrice: false },
  { code: "postpaid", name: "Postpaid meter", amount: 0, fixedPrice: false },
];

/** Nigerian numbers in the local form VTpass uses (08011111111); anything else as its digits. */
function wireNumber(value: string): string {
  return /^\+234\d{10}$/.test(value) ? `0${value.slice(4)}` : value.replace(/[^\dA-Za-z]/g, "");
}

interface Reply {
  readonly status: number;
  readonly data: unknown;
}

export class VtpassBills implements BillsProvider {
  readonly name = "vtpass" as const;
  readonly currency = "NGN" as const;
  readonly webhookReply = { response: "success" };

  readonly #config: VtpassConfig;
  readonly #http: AxiosInstance;

  constructor(config: VtpassConfig, http?: AxiosInstance) {
    this.#config = config;
    this.#http = http ?? axios.create({ baseURL: config.baseUrl, timeout: config.timeoutMs });
  }

  newRequestId(at: Date): string {
    return vtpassRequestId(at);
  }

  async #get(path: string, params: Record<string, string>): Promise<unknown> {
    try {
      const response = await this.#http.get(path, {
        params,
        headers: { "api-key": this.#config.apiKey, "public-key": this.#config.publicKey },
      });
      return response.data;
    } catch (error) {
      throw classifyHttpFailure(`vtpass ${path}`, error);
    }
  }

  /** Every reply comes back, whatever its HTTP status: VTpass's code is in the body. */
  async #post(path: string, body: unknown): Promise<Reply> {
    const response = await this.#http.post(path, body, {
      headers: {
        "api-key": this.#config.apiKey,
        "secret-key": this.#config.secretKey,
        "Content-Type": "application/json",
      },
      validateStatus: () => true,
    });
    if (response.status === 401 || response.status === 403) {
      logger.error("vtpass refused Malipo's API keys: check VTPASS_API_KEY and VTPASS_SECRET_KEY", {
        path,
        status: response.status,
      });
    }
    return { status: response.status, data: response.data };
  }

  async services(category: Service): Promise<readonly BillerService[]> {
    const parsed = servicesReplySchema.safeParse(await this.#get("/services", { identifier: IDENTIFIERS[category] }));
    if (!parsed.success) {
      throw new ProviderUnavailableError(
        `vtpass services: unexpected reply (${describeIssues(parsed.error.issues)})`,
        TRY_LATER,
      );
    }
    return parsed.data.content
      .filter((service) => inCategory(category, service.serviceID))
      .map((service) => ({
        id: service.serviceID,
        name: service.name,
        category,
        minAmount: nairaToKobo(service.minimium_amount ?? service.minimum_amount),
        maxAmount: nairaToKobo(service.maximum_amount),
        image: service.image,
        verification: verificationOf(service.serviceID),
      }));
  }

  async variations(serviceId: string): Promise<readonly BillVariation[]> {
    if (isAirtime(serviceId)) return [];
    const parsed = variationsReplySchema.safeParse(await this.#get("/service-variations", { serviceID: serviceId }));
    if (!parsed.success) {
      throw new ProviderUnavailableError(
        `vtpass service-variations: unexpected reply (${describeIssues(parsed.error.issues)})`,
        TRY_LATER,
      );
    }
    const content = parsed.data.content;
    const listed = content?.variations ?? content?.varations ?? [];
    if (listed.length === 0 && isElectricity(serviceId)) return METER_TYPES;
    if (listed.length === 0 && parsed.data.response_description === "012") {
      throw new ProviderDeclinedError(
        `vtpass service-variations ${serviceId}: 012`,
        `${billerName(serviceId)} is not available right now. Choose another provider.`,
        "012",
      );
    }
    return listed.map((variation) => ({
      code: variation.variation_code,
      name: variation.name,
      amount: nairaToKobo(variation.variation_amount) ?? 0,
      fixedPrice: variation.fixedPrice === true || /^yes$/i.test(String(variation.fixedPrice)),
    }));
  }

  async verifyCustomer(input: VerifyCustomerInput): Promise<VerifiedCustomer> {
    const biller = billerName(input.serviceId);
    let reply: Reply;
    try {
      reply = await this.#post("/merchant-verify", {
        billersCode: input.customerNumber,
        serviceID: input.serviceId,
        ...(input.variationCode ? { type: input.variationCode } : {}),
      });
    } catch (error) {
      throw classifyHttpFailure("vtpass merchant-verify", error);
    }
    if (reply.status === 401 || reply.status === 403) {
      throw new ProviderAuthError(`vtpass merchant-verify: HTTP ${reply.status}`, OUR_SIDE, String(reply.status));
    }
    const parsed = merchantVerifyReplySchema.safeParse(reply.data);
    if (reply.status >= 500 || !parsed.success) {
      throw new ProviderUnavailableError(`vtpass merchant-verify: unexpected reply (HTTP ${reply.status})`, TRY_LATER);
    }
    const { code, content, response_description: description } = parsed.data;
    const name = content?.Customer_Name;
    if (
      content &&
      code === "000" &&
      content.WrongBillersCode !== true &&
      !content.error &&
      typeof name === "string" &&
      name.trim()
    ) {
      const raw = content.Renewal_Amount;
      const renewal = typeof raw === "string" || typeof raw === "number" ? nairaToKobo(raw) : undefined;
      return {
        customerName: name.trim(),
        details: detailsOf(content),
        ...(renewal !== undefined && renewal > 0 ? { renewalAmount: renewal } : {}),
      };
    }
    const what = `vtpass merchant-verify ${input.serviceId} ${code}: ${description ?? (typeof content?.error === "string" ? content.error : "")}`;
    if (code === "000") {
      const noun = verificationOf(input.serviceId) ?? "account";
      const kind = input.variationCode && isElectricity(input.serviceId) ? `${input.variationCode} ` : "";
      throw new ProviderDeclinedError(
        what,
        `We could not find ${kind}${noun} ${input.customerNumber} at ${biller}. Check the number.`,
        code,
      );
    }
    if (code === "030") {
      throw new ProviderUnavailableError(
        what,
        `${biller} cannot be reached right now. Please try again in a few minutes.`,
        code,
      );
    }
    if (code === "012") {
      throw new ProviderDeclinedError(what, `${biller} is not available right now. Choose another provider.`, code);
    }
    throw new ProviderInvalidRequestError(what, OUR_SIDE, code);
  }

  async pay(input: PayBillInput): Promise<BillStatus> {
    const airtime = isAirtime(input.serviceId);
    const body = {
      request_id: input.requestId,
      serviceID: input.serviceId,
      amount: koboToNaira(input.amount),
      phone: wireNumber(airtime ? input.customerNumber : input.phone),
      ...(airtime ? {} : { billersCode: wireNumber(input.customerNumber) }),
      ...(input.variationCode ? { variation_code: input.variationCode } : {}),
      ...(input.subscriptionType ? { subscription_type: input.subscriptionType } : {}),
    };
    let reply: Reply;
    try {
      reply = await this.#post("/pay", body);
    } catch (error) {
      const failure = classifyHttpFailure("vtpass pay", error);
      // Only a refused connection proves VTpass never saw the request.
      if (failure instanceof ProviderUnavailableError && failure.notProcessed) throw failure;
      return pendingStatus(input.requestId, failure.providerCode ?? "network", failure.message);
    }
    const parsed = this.#transaction("pay", input.requestId, reply);
    if ("outcome" in parsed) return parsed;
    // 014: the id is already VTpass's; what happened to it is the answer, never a second request.
    if (parsed.code === "014") return this.requery(input.requestId);
    return toStatus(parsed, input.requestId);
  }

  async requery(requestId: string): Promise<BillStatus> {
    let reply: Reply;
    try {
      reply = await this.#post("/requery", { request_id: requestId });
    } catch (error) {
      const failure = classifyHttpFailure("vtpass requery", error);
      return pendingStatus(requestId, failure.providerCode ?? "network", failure.message);
    }
    const parsed = this.#transaction("requery", requestId, reply);
    if ("outcome" in parsed) return parsed;
    return toStatus(parsed, requestId, parsed.code === "015" ? "unknown" : undefined);
  }

  /** The parsed reply, or `pending` when there is none to trust. */
  #transaction(operation: string, requestId: string, reply: Reply) {
    if (reply.status >= 500)
      return pendingStatus(requestId, String(reply.status), `vtpass ${operation}: HTTP ${reply.status}`);
    const parsed = transactionReplySchema.safeParse(reply.data);
    if (!parsed.success) {
      return pendingStatus(
        requestId,
        String(reply.status),
        `vtpass ${operation}: unexpected reply (${describeIssues(parsed.error.issues)})`,
      );
    }
    if (ACCOUNT_ALERTS.has(parsed.data.code)) {
      logger.error("vtpass: Malipo's VTpass account needs an operator (float or account status)", {
        operation,
        requestId,
        code: parsed.data.code,
        description: parsed.data.response_description,
      });
    }
    return parsed.data;
  }

  readWebhook(request: CallbackRequest): BillsWebhook {
    const parsed = webhookSchema.safeParse(request.body);
    if (!parsed.success) {
      throw new ProviderInvalidRequestError(`vtpass webhook: ${describeIssues(parsed.error.issues)}`, "");
    }
    const body = parsed.data;
    if (body.type === "transaction-update") {
      const requestId = body.data.requestId ?? body.data.request_id;
      if (!requestId) throw new ProviderInvalidRequestError("vtpass webhook: data.requestId is missing", "");
      const status = body.data.content?.transactions?.status ?? body.data.code ?? "update";
      return { kind: "transaction-update", requestId, eventKey: `${requestId}:${status}` };
    }
    const serviceId = body.data?.serviceID ?? body.serviceID;
    if (!serviceId) throw new ProviderInvalidRequestError("vtpass webhook: serviceID is missing", "");
    // The same delivery repeated hashes the same; a later change to the plans does not.
    const digest = createHash("sha256").update(JSON.stringify(request.body)).digest("hex").slice(0, 16);
    return { kind: "variations-update", serviceId, eventKey: `variations:${serviceId}:${digest}` };
  }
}

/** What the biller says about the customer besides the name, as text. */
function detailsOf(content: Record<string, unknown>): Record<string, string> {
  const skip = new Set(["Customer_Name", "WrongBillersCode", "commission_details", "error"]);
  const details: Record<string, string> = {};
  for (const [key, value] of Object.entries(content)) {
    if (skip.has(key)) continue;
    if ((typeof value === "string" && value.trim()) || typeof value === "number") details[key] = String(value).trim();
  }
  return details;
}
