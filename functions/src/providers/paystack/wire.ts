// Paystack's wire formats (docs/providers.md, "Paystack"), as zod schemas with Paystack's field
// names. Every reply is wrapped in {status, message, data}; `status: false` is a refusal.
import { z } from "zod";

export const PAYSTACK_STATUSES = [
  "success",
  "failed",
  "abandoned",
  "ongoing",
  "pending",
  "processing",
  "queued",
  "reversed",
] as const;

export const initializeReplySchema = z.object({
  status: z.literal(true),
  message: z.string().optional(),
  data: z.object({
    authorization_url: z.url(),
    access_code: z.string().min(1),
    reference: z.string().min(1),
  }),
});

export const transactionSchema = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  status: z.enum(PAYSTACK_STATUSES),
  reference: z.string().min(1),
  amount: z.number().int(),
  currency: z.string(),
  gateway_response: z.string().nullish(),
  paid_at: z.string().nullish(),
  channel: z.string().nullish(),
});
export type PaystackTransaction = z.infer<typeof transactionSchema>;

export const verifyReplySchema = z.object({
  status: z.literal(true),
  message: z.string().optional(),
  data: transactionSchema,
});

export const refusalSchema = z.object({ status: z.literal(false), message: z.string() });

/** Paystack's reference alphabet; our references are payment ids, well inside it. */
export const referenceSchema = z
  .string()
  .regex(/^[A-Za-z0-9.=-]{1,100}$/, "must be a Paystack reference (letters, digits, - . =)");

/** A webhook event: only its name and the transaction's reference and id are read from it. */
export const webhookSchema = z.object({
  event: z.string().min(1).max(100),
  data: z.looseObject({
    id: z
      .union([z.number(), z.string().max(100)])
      .transform(String)
      .optional(),
    reference: referenceSchema.optional(),
  }),
});

/** The one event about a collection; the rest (transfers, refunds, disputes, ...) is ignored. */
export const CHARGE_SUCCESS = "charge.success";
