// Every STK result code Malipo knows, with what it means for the payment and for the payer.
// Daraja's documented result codes (docs/providers.md), each with a customer message.
import type { CollectionOutcome } from "../collections.js";

interface ResultMeaning {
  readonly outcome: CollectionOutcome;
  readonly customerMessage: string;
}

export const MPESA_RESULT_CODES: Readonly<Record<string, ResultMeaning>> = {
  "0": { outcome: "succeeded", customerMessage: "Payment received. Thank you!" },
  "1": {
    outcome: "failed",
    customerMessage: "Your M-Pesa balance is not enough for this payment. Top up your M-Pesa and try again.",
  },
  "2": { outcome: "failed", customerMessage: "The amount is below the M-Pesa minimum. Enter a larger amount." },
  "3": {
    outcome: "failed",
    customerMessage: "The amount is above the M-Pesa limit for one transaction. Enter a smaller amount.",
  },
  "4": {
    outcome: "failed",
    customerMessage: "This payment would go over your daily M-Pesa limit. Try a smaller amount or try again tomorrow.",
  },
  "8": {
    outcome: "failed",
    customerMessage:
      "M-Pesa refused the payment because the receiving account is at its maximum balance. Please contact us.",
  },
  "17": {
    outcome: "failed",
    customerMessage:
      "M-Pesa blocked this as a repeat of a payment of the same amount made in the last 2 minutes. Wait 2 minutes, then try again.",
  },
  "1019": {
    outcome: "expired",
    customerMessage: "The M-Pesa request expired before it was completed. No money was taken; please try again.",
  },
  "1025": {
    outcome: "failed",
    customerMessage: "M-Pesa could not show the payment prompt on your phone. No money was taken; please try again.",
  },
  "1032": { outcome: "cancelled", customerMessage: "You cancelled the M-Pesa prompt. No money was taken." },
  "1037": {
    outcome: "failed",
    customerMessage:
      "We could not reach your phone. Make sure it is switched on and has network, then try again. No money was taken.",
  },
  "2001": {
    outcome: "failed",
    customerMessage: "The M-Pesa PIN entered was wrong. No money was taken; please try again with your correct PIN.",
  },
  "2028": {
    outcome: "failed",
    customerMessage: "M-Pesa does not permit this payment for your number. No money was taken.",
  },
  "8006": {
    outcome: "failed",
    customerMessage: "Your M-Pesa PIN is locked. Unlock it with Safaricom (dial *234#), then try again.",
  },
  SFC_IC0003: {
    outcome: "failed",
    customerMessage: "This number is not registered for M-Pesa. Pay with a Safaricom M-Pesa number.",
  },
};

export function describeResultCode(code: string): ResultMeaning {
  return (
    MPESA_RESULT_CODES[code] ?? {
      outcome: "failed",
      customerMessage: `M-Pesa could not complete the payment (code ${code}). Please try again or contact us.`,
    }
  );
}
