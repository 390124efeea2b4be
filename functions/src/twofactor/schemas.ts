// The second factor's callables' inputs, validated at the edge: a malformed code costs no read
// and no try.
import { z } from "zod";

import { CURRENCY_CODES } from "../shared/catalog.js";
import { MONEY_OPERATIONS, STEP_UP_OPERATIONS } from "./collections.js";

const CODE_FORMAT = "must be the 6-digit code your authenticator app shows";
export const totpCode = z.string({ error: CODE_FORMAT }).regex(/^[0-9]{6}$/, CODE_FORMAT);

const RECOVERY_FORMAT = "must be one of your recovery codes, like 7K3QM-X9D2A";
export const recoveryCode = z
  .string({ error: RECOVERY_FORMAT })
  .regex(/^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/, RECOVERY_FORMAT);

/** A step-up grant id as stepUp answers it. */
export const stepUpGrant = z
  .string({ error: "must be the grantId returned by stepUp" })
  .regex(/^[a-f0-9]{40}$/, "must be the grantId returned by stepUp");

/** A current code or a recovery code, exactly one. */
function oneFactor(input: { code?: string | undefined; recoveryCode?: string | undefined }): boolean {
  return (input.code === undefined) !== (input.recoveryCode === undefined);
}
const ONE_FACTOR = {
  path: ["code"],
  message: "send either code (from your authenticator app) or recoveryCode, not both",
};

export const startTwoFactorEnrolmentInput = z.object({}).strict();
export type StartTwoFactorEnrolmentInput = z.infer<typeof startTwoFactorEnrolmentInput>;

export const confirmTwoFactorEnrolmentInput = z.object({ code: totpCode }).strict();
export type ConfirmTwoFactorEnrolmentInput = z.infer<typeof confirmTwoFactorEnrolmentInput>;

export const disableTwoFactorInput = z
  .object({ code: totpCode.optional(), recoveryCode: recoveryCode.optional() })
  .strict()
  .refine(oneFactor, ONE_FACTOR);
export type DisableTwoFactorInput = z.infer<typeof disableTwoFactorInput>;

export const stepUpInput = z
  .object({
    operation: z.enum(STEP_UP_OPERATIONS, { error: `must be one of: ${STEP_UP_OPERATIONS.join(", ")}` }),
    amount: z
      .number({ error: "must be the operation's amount in minor units (e.g. 30000 for KES 300.00)" })
      .int("must be a whole number of minor units, not a fraction")
      .positive("must be greater than zero")
      .max(Number.MAX_SAFE_INTEGER, "is too large")
      .optional(),
    currency: z.enum(CURRENCY_CODES, { error: `must be one of: ${CURRENCY_CODES.join(", ")}` }).optional(),
    code: totpCode.optional(),
    recoveryCode: recoveryCode.optional(),
  })
  .strict()
  .refine(oneFactor, ONE_FACTOR)
  .superRefine((input, context) => {
    const money = MONEY_OPERATIONS.has(input.operation);
    for (const field of ["amount", "currency"] as const) {
      if (money && input[field] === undefined) {
        context.addIssue({ code: "custom", path: [field], message: `is required for ${input.operation}` });
      }
      if (!money && input[field] !== undefined) {
        context.addIssue({ code: "custom", path: [field], message: `is not part of ${input.operation}; leave it out` });
      }
    }
  });
export type StepUpInput = z.infer<typeof stepUpInput>;
