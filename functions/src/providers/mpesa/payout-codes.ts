// What Daraja's B2C and Reversal result codes mean for a payout: the outcome, a sentence for the
// customer and, when the cause is on Malipo's side (credentials, float), one for the operator.
// The money of a failed payout is still the customer's in Malipo (the lead's ledger releases the
// hold), which is what the customer messages say.
import type { PayoutOutcome } from "../payouts.js";

export interface PayoutCodeMeaning {
  readonly outcome: PayoutOutcome;
  readonly customerMessage: string;
  readonly operatorMessage?: string;
}

const KEPT = "The money is still in your Malipo wallet.";
const OUR_SIDE = `We could not send the money to M-Pesa because of a problem on our side. ${KEPT}`;

export const MPESA_PAYOUT_CODES: Readonly<Record<string, PayoutCodeMeaning>> = {
  "0": { outcome: "succeeded", customerMessage: "The money has been sent to your M-Pesa." },
  "1": {
    outcome: "failed",
    customerMessage: `M-Pesa payouts are paused for a moment. ${KEPT} Please try again later.`,
    operatorMessage: "Daraja 1: the B2C utility account has too little money for this payout. Top up the float.",
  },
  "2": { outcome: "failed", customerMessage: `The amount is below the M-Pesa minimum. ${KEPT}` },
  "3": { outcome: "failed", customerMessage: `The amount is above the M-Pesa limit for one payout. ${KEPT}` },
  "8": {
    outcome: "failed",
    customerMessage: `Your M-Pesa account cannot take this amount (it would pass its maximum balance). ${KEPT}`,
  },
  "11": {
    outcome: "failed",
    customerMessage: OUR_SIDE,
    operatorMessage: "Daraja 11: the paying shortcode (DebitParty) is in an invalid state. Contact Safaricom.",
  },
  "17": {
    outcome: "failed",
    customerMessage: `M-Pesa blocked this as a repeat of a payout of the same amount made in the last minutes. ${KEPT} Try again in a few minutes.`,
  },
  "2001": {
    outcome: "failed",
    customerMessage: OUR_SIDE,
    operatorMessage:
      "Daraja 2001, the initiator information is invalid: check MPESA_INITIATOR_NAME and MPESA_SECURITY_CREDENTIAL (the initiator password encrypted with the current M-Pesa certificate).",
  },
  "2028": { outcome: "failed", customerMessage: `M-Pesa does not permit payouts to this number. ${KEPT}` },
  "2040": {
    outcome: "failed",
    customerMessage: `This number cannot receive M-Pesa payouts (it may not be registered for M-Pesa). ${KEPT}`,
  },
  "8006": {
    outcome: "failed",
    customerMessage: OUR_SIDE,
    operatorMessage: "Daraja 8006: the initiator's security credential is locked. Unlock it on the M-Pesa portal.",
  },
  SFC_IC0003: { outcome: "failed", customerMessage: `This number is not registered for M-Pesa. ${KEPT}` },
};

export const MPESA_REVERSAL_CODES: Readonly<Record<string, PayoutCodeMeaning>> = {
  "0": { outcome: "succeeded", customerMessage: "The payment has been reversed to your M-Pesa." },
  R000001: {
    outcome: "failed",
    customerMessage: "This M-Pesa payment was already reversed.",
    operatorMessage: "Daraja R000001: the transaction has already been reversed.",
  },
  R000002: {
    outcome: "failed",
    customerMessage: "We could not reverse this M-Pesa payment. Please contact us.",
    operatorMessage: "Daraja R000002: M-Pesa does not know this TransactionID on our shortcode.",
  },
  "2001": {
    outcome: "failed",
    customerMessage: "We could not reverse this M-Pesa payment because of a problem on our side. Please contact us.",
    operatorMessage:
      "Daraja 2001, the initiator information is invalid: check MPESA_INITIATOR_NAME and MPESA_SECURITY_CREDENTIAL.",
  },
};

export function describePayoutCode(
  code: string,
  table: Readonly<Record<string, PayoutCodeMeaning>>,
): PayoutCodeMeaning {
  return (
    // A code we do not know is not a definite failure: releasing the money on it could pay twice
    // if M-Pesa did pay. It stays pending until a status request says what happened.
    table[code] ?? {
      outcome: "pending",
      customerMessage: "We are confirming this with M-Pesa.",
      operatorMessage: `Daraja result code ${code} is not in Malipo's table: it is treated as not known yet (a status request settles it); look it up and add it.`,
    }
  );
}
