// Callable inputs, validated at the edge with messages a person can act on.
import { z } from "zod";

import { COLLECTION_CURRENCIES } from "../shared/catalog.js";
import { cleanText } from "../shared/text.js";
import { PROVIDERS, PURPOSES } from "./records.js";

const MAX_AMOUNT_MINOR = 1_000_000_000;

/** A caller's key for one attempt: the same key again is the same payment, bill or purchase. */
export const idempotencyKey = z
  .string({ error: "must be a string" })
  .min(8, "must be at least 8 characters (use a UUID)")
  .max(100, "must be at most 100 characters")
  .regex(/^[A-Za-z0-9_-]+$/, "may contain only letters, digits, '-' and '_'");

export const emailAddress = z
  .email({ error: "must be a valid email address" })
  .max(254, "must be at most 254 characters");

/** The payer's mobile number as typed; parsed per country by shared/phone.ts. */
export const payerPhone = z
  .string({ error: "must be the payer's mobile number as text" })
  .min(7, "is too short for a mobile number")
  .max(20, "is too long for a mobile number");

/** The payer's name, for receipts. */
export const payerName = cleanText(
  z.string({ error: "must be text" }).trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
);

/** A provider the payer chose; by default the phone's country decides. */
export const providerChoice = z.enum(PROVIDERS, { error: `must be one of: ${PROVIDERS.join(", ")}` });

export const createPaymentInput = z
  .object({
    idempotencyKey,
    purpose: z.enum(PURPOSES, { error: `must be one of: ${PURPOSES.join(", ")}` }),
    amount: z
      .number({ error: "must be a number of minor units (e.g. 10000 for KES 100.00)" })
      .int("must be a whole number of minor units (e.g. 10000 for KES 100.00), not a fraction")
      .positive("must be greater than zero")
      .max(MAX_AMOUNT_MINOR, "is larger than any single mobile money payment"),
    currency: z.enum(COLLECTION_CURRENCIES, {
      error: "must be KES (M-Pesa, Kenya), UGX (MTN/Airtel, Uganda) or NGN (Paystack, Nigeria)",
    }),
    phone: payerPhone,
    email: emailAddress.optional(),
    name: payerName.optional(),
    provider: providerChoice.optional(),
    reference: z
      .string({ error: "must be text" })
      .max(64, "must be at most 64 characters")
      .regex(/^[A-Za-z0-9 _#/-]*$/, "may contain only letters, digits, spaces and - _ # /")
      .optional(),
    /** The competition an entry is for (purpose `entry` only); its fee is the amount. */
    competitionId: z
      .string({ error: "must be the id of a competition from the list" })
      .regex(/^[A-Za-z0-9_-]{1,100}$/, "must be the id of a competition from the list")
      .optional(),
  })
  .strict()
  .superRefine((input, context) => {
    if (input.purpose === "entry" && !input.email) {
      context.addIssue({
        code: "custom",
        path: ["email"],
        message: "is required for an entry payment: the verification code is sent there",
      });
    }
    if (input.purpose === "entry" && !input.competitionId) {
      context.addIssue({
        code: "custom",
        path: ["competitionId"],
        message: "is required for an entry payment: say which competition the entry is for",
      });
    }
    if (input.purpose !== "entry" && input.competitionId !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["competitionId"],
        message: "is only for entry payments",
      });
    }
  });
export type CreatePaymentInput = z.infer<typeof createPaymentInput>;

export const paymentId = z
  .string({ error: "must be the payment id returned by createPayment" })
  .regex(/^[A-Za-z0-9]{10,40}$/, "must be the payment id returned by createPayment");

export const getPaymentStatusInput = z.object({ paymentId }).strict();
export type GetPaymentStatusInput = z.infer<typeof getPaymentStatusInput>;
