// VTpass's codes and transaction statuses as Malipo outcomes, with what the customer is told and
// what they receive. Anything not listed here is unexpected and therefore `pending`: re-query,
// never assume a failure (docs/providers.md, "VTpass").
import type { BillDelivery, BillOutcome, BillStatus } from "../bills.js";
import { nairaToKobo, type VtpassTransactionReply } from "./wire.js";

const NOT_FINAL = "Your payment is being processed. We will confirm it shortly; the money stays reserved until then.";
const TRY_LATER = "Bill payments are unavailable right now. Nothing was charged; please try again later.";

/** Codes with which VTpass refuses a request before processing it, and what the customer should do. */
export const REFUSALS: Readonly<Record<string, string>> = {
  "010": "That plan is no longer offered. Choose another plan and try again.",
  "011": "Some payment details were missing or not valid. Check the number and the amount and try again.",
  "012": "This service is not available right now. Choose another provider.",
  "013": "The amount is below the minimum for this service. Enter a larger amount.",
  "017": "The amount is above the maximum for this service. Enter a smaller amount.",
  // 018 is Malipo's own float at VTpass running low, never the customer's balance.
  "018": TRY_LATER,
  "019":
    "You paid the same number at this biller a moment ago. Wait 30 seconds, then try again if you meant to pay twice.",
  "021": TRY_LATER,
  "022": TRY_LATER,
  "023": TRY_LATER,
  "024": TRY_LATER,
  "030": "The biller cannot be reached right now. Nothing was charged; please try again in a few minutes.",
};

/** Refusals that mean Malipo's VTpass account needs an operator (low float, locked, suspended...). */
export const ACCOUNT_ALERTS: ReadonlySet<string> = new Set(["018", "021", "022", "023", "024"]);

function outcomeOf(reply: VtpassTransactionReply): BillOutcome {
  switch (reply.code) {
    case "000": {
      const status = reply.content?.transactions?.status?.toLowerCase();
      if (status === "delivered") return "delivered";
      if (status === "failed" || status === "reversed") return "failed";
      return "pending";
    }
    case "016":
      return "failed";
    case "091":
      return "not-processed";
    default:
      return Object.hasOwn(REFUSALS, reply.code) ? "refused" : "pending";
  }
}

const ABSENT = new Set(["", "n/a", "null", "none"]);
function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed && !ABSENT.has(trimmed.toLowerCase()) ? trimmed : undefined;
}

const TOKEN_PREFIX = /^\s*(?:main\s*)?token\s*:\s*/i;

function deliveryOf(reply: VtpassTransactionReply): BillDelivery {
  const purchased = present(reply.purchased_code);
  const tokenText =
    present(reply.token) ??
    present(reply.mainToken) ??
    (purchased && TOKEN_PREFIX.test(purchased) ? purchased : undefined);
  if (tokenText) {
    const units = present(reply.units) ?? present(reply.mainTokenUnits);
    return { token: tokenText.replace(TOKEN_PREFIX, "").trim(), ...(units ? { units } : {}) };
  }
  const pins = (reply.cards ?? []).flatMap((card) => {
    const pin = present(card.Pin);
    if (!pin) return [];
    const serial = present(card.Serial);
    return [serial ? `Serial ${serial}, PIN ${pin}` : `PIN ${pin}`];
  });
  if (pins.length > 0) return { pins };
  if (purchased && /\bpin\b/i.test(purchased)) return { pins: [purchased] };
  const product = present(reply.content?.transactions?.product_name) ?? "Payment";
  const receipt = present(reply.exchangeReference);
  return {
    confirmation: `${product}: ${present(reply.response_description) ?? "delivered"}${purchased ? ` (${purchased})` : ""}${receipt ? `, receipt ${receipt}` : ""}`,
  };
}

function deliveredMessage(delivery: BillDelivery): string {
  if (delivery.token) {
    return `Your electricity token is ${delivery.token}${delivery.units ? ` (${delivery.units})` : ""}. Enter it on your meter.`;
  }
  if (delivery.pins) return `Your PIN is ready: ${delivery.pins.join("; ")}.`;
  return "Payment delivered. Thank you!";
}

function messageOf(outcome: BillOutcome, code: string, delivery: BillDelivery | undefined): string {
  switch (outcome) {
    case "delivered":
      return delivery ? deliveredMessage(delivery) : "Payment delivered. Thank you!";
    case "failed":
      return "The biller could not complete this payment. Nothing was charged; please try again.";
    case "not-processed":
      return "The payment was not processed. Nothing was charged; please try again.";
    case "refused":
      return REFUSALS[code] ?? TRY_LATER;
    case "unknown":
      return "The biller has no record of this payment, so nothing was charged.";
    default:
      return NOT_FINAL;
  }
}

export function describeReply(reply: VtpassTransactionReply): string {
  const status = reply.content?.transactions?.status;
  const error = reply.content?.error;
  return [reply.response_description ?? "", status ? `(${status})` : "", error ?? ""].filter(Boolean).join(" ");
}

export function toStatus(reply: VtpassTransactionReply, requestId: string, outcome = outcomeOf(reply)): BillStatus {
  const delivery = outcome === "delivered" ? deliveryOf(reply) : undefined;
  return {
    outcome,
    requestId: reply.requestId ?? requestId,
    providerReference: reply.content?.transactions?.transactionId,
    amount: nairaToKobo(reply.amount ?? reply.content?.transactions?.amount),
    ...(delivery ? { delivery } : {}),
    providerCode: reply.code,
    providerDescription: describeReply(reply),
    customerMessage: messageOf(outcome, reply.code, delivery),
  };
}

/** A status when VTpass's answer is missing or unreadable: the bill may have been processed. */
export function pendingStatus(requestId: string, providerCode: string, providerDescription: string): BillStatus {
  return { outcome: "pending", requestId, providerCode, providerDescription, customerMessage: NOT_FINAL };
}
