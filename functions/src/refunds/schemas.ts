// refundPayment's input, validated at the edge with messages an operator can act on.
import { z } from "zod";

import { idempotencyKey, paymentId } from "../payments/schemas.js";
import { cleanText } from "../shared/text.js";

export const refundPaymentInput = z
  .object({
    paymentId,
    amount: z
      .number({ error: "must be a number of minor units (e.g. 10000 for KES 100.00)" })
      .int("must be a whole number of minor units (e.g. 10000 for KES 100.00), not a fraction")
      .positive("must be greater than zero")
      .max(1_000_000_000, "is larger than any payment"),
    reason: cleanText(
      z
        .string({ error: "must be text saying why the payment is refunded" })
        .trim()
        .min(3, "must say why the payment is refunded (at least 3 characters)")
        .max(500, "must be at most 500 characters"),
      { multiline: true },
    ),
    idempotencyKey,
  })
  .strict();
export type RefundPaymentInput = z.infer<typeof refundPaymentInput>;
