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
