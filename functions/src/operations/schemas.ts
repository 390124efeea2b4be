// The operator console's callable inputs, validated at the edge.
import { z } from "zod";

import { idempotencyKey } from "../payments/schemas.js";

export const retryMailInput = z
  .object({
    mailId: z
      .string({ error: "must be the id of a mail document (the Mailbox shows it)" })
      .regex(/^[A-Za-z0-9_-]{1,128}$/, "must be the id of a mail document (the Mailbox shows it)"),
    idempotencyKey,
  })
  .strict();
export type RetryMailInput = z.infer<typeof retryMailInput>;
