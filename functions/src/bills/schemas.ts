// The bills callables' inputs, validated at the edge with messages a person can act on.
import { z } from "zod";

import { quoteId, redeemPoints } from "../fees/schemas.js";
import { emailAddress, idempotencyKey } from "../payments/schemas.js";
import { pinDigits } from "../wallet/pin-schemas.js";

const MAX_BILL_MINOR = 100_000_000; // NGN 1,000,000.00: above any biller's limit

export const serviceId = z
  .string({ error: "must be a service id from the catalogue, e.g. ikeja-electric" })
  .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, "must be a service id from the catalogue, e.g. ikeja-electric");

const variationCode = z
  .string({ error: "must be a plan code from the catalogue" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/, "must be a plan code from the catalogue");

/** Meter, smartcard, account or phone number, as printed: digits (some billers use letters). */
export const customerNumber = z
  .string({ error: "must be the meter, smartcard, account or phone number as text" })
  .trim()
  .regex(/^[A-Za-z0-9]{6,20}$/, "must be 6 to 20 letters or digits, without spaces or dashes");

const phone = z
  .string({ error: "must be a phone number as text" })
  .trim()
  .regex(/^\+?[0-9]{10,15}$/, "must be a phone number of 10 to 15 digits, e.g. 08031234567");

export const billId = z
  .string({ error: "must be the bill id returned by payBill" })
  .regex(/^[a-f0-9]{32}$/, "must be the bill id returned by payBill");

const verificationId = z
  .string({ error: "must be the verificationId returned by verifyBillCustomer" })
  .regex(/^[A-Za-z0-9]{10,40}$/, "must be the verificationId returned by verifyBillCustomer");

/** TV only: renew the current bouquet (at the biller's renewal price) or change to a plan. */
const subscriptionType = z.enum(["change", "renew"], { error: "must be change or renew" });

export const quoteBillInput = z
  .object({
    serviceId,
    variationCode: variationCode.optional(),
    /** A renewal is priced from the verification's renewal amount, so it names the verification. */
    subscriptionType: subscriptionType.optional(),
    verificationId: verificationId.optional(),
    amount: z
      .number({ error: "must be a number of minor units (e.g. 100000 for NGN 1,000.00)" })
      .int("must be a whole number of minor units (e.g. 100000 for NGN 1,000.00), not a fraction")
      .positive("must be greater than zero")
      .max(MAX_BILL_MINOR, "is larger than any single bill")
      .optional(),
    redeemPoints: redeemPoints.optional(),
  })
  .strict();
export type QuoteBillInput = z.infer<typeof quoteBillInput>;

export const verifyBillCustomerInput = z
  .object({ serviceId, customerNumber, variationCode: variationCode.optional() })
  .strict();
export type VerifyBillCustomerInput = z.infer<typeof verifyBillCustomerInput>;

export const payBillInput = z
  .object({
    idempotencyKey,
    quoteId,
    serviceId,
    variationCode: variationCode.optional(),
    customerNumber,
    /** The customer's phone; for airtime and data the number being topped up is used when absent. */
    phone: phone.optional(),
    /** Required for services that verify the customer number first. */
    verificationId: verificationId.optional(),
    subscriptionType: subscriptionType.optional(),
    email: emailAddress.optional(),
    pin: pinDigits,
  })
  .strict();
export type PayBillInput = z.infer<typeof payBillInput>;

export const resendBillReceiptInput = z
  .object({
    billId,
    email: emailAddress.optional(),
  })
  .strict();
export type ResendBillReceiptInput = z.infer<typeof resendBillReceiptInput>;
