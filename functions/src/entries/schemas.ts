// The entry code's callable input, validated at the edge with messages a person can act on.
import { z } from "zod";

import { paymentId } from "../payments/schemas.js";

export const verifyPaymentCodeInput = z
  .object({
    paymentId,
    code: z
      .string({ error: "must be the 6-digit code from the email" })
      .regex(/^\d{6}$/, "must be the 6-digit code from the email"),
  })
  .strict();
export type VerifyPaymentCodeInput = z.infer<typeof verifyPaymentCodeInput>;

export const resendPaymentCodeInput = z.object({ paymentId }).strict();
export type ResendPaymentCodeInput = z.infer<typeof resendPaymentCodeInput>;

const text = (max: number, what: string) =>
  z
    .string({ error: `must be ${what} as text` })
    .trim()
    .min(1, "must not be empty")
    .max(max, `must be at most ${max} characters`);

/** The entry itself: where the judges watch or listen to it, and what it is. */
export const submitEntryInput = z
  .object({
    paymentId,
    category: text(60, "one of the competition's categories"),
    title: text(120, "the entry's title"),
    link: z
      .url({ protocol: /^https$/, error: "must be an https:// link to your performance" })
      .max(500, "must be at most 500 characters"),
    description: text(1_000, "a short description"),
  })
  .strict();
export type SubmitEntryInput = z.infer<typeof submitEntryInput>;

/** A competition's id, as operators see it in the console (competitions/{id}). */
export const publishResultsInput = z
  .object({
    competitionId: z
      .string({ error: "must be the competition's id (competitions/{id})" })
      .regex(/^[A-Za-z0-9_-]{1,100}$/, "must be the competition's id (competitions/{id})"),
  })
  .strict();
export type PublishResultsInput = z.infer<typeof publishResultsInput>;
