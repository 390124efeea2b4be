// The PIN callables' inputs, validated at the edge: a refused PIN costs no hash and writes nothing.
import { z } from "zod";

import { stepUpGrant } from "../twofactor/schemas.js";
import { PIN_DIGITS, pinWeakness } from "./pin-policy.js";

const FORMAT = `must be ${PIN_DIGITS.min} to ${PIN_DIGITS.max} digits (0-9)`;

/** Any PIN's format: what a person types to prove it is them. */
export const pinDigits = z
  .string({ error: FORMAT })
  .regex(new RegExp(`^[0-9]{${PIN_DIGITS.min},${PIN_DIGITS.max}}$`), FORMAT);

/** A PIN being chosen: the format, and not one of the first a thief would try. */
const newPin = pinDigits.superRefine((pin, context) => {
  const weakness = pinWeakness(pin);
  if (weakness) context.addIssue({ code: "custom", message: weakness });
});

export const setPinInput = z.object({ pin: newPin }).strict();
export type SetPinInput = z.infer<typeof setPinInput>;

export const changePinInput = z
  // stepUpGrant: from stepUp, for users with two-step verification (docs/accounts.md).
  .object({ currentPin: pinDigits, newPin, stepUpGrant: stepUpGrant.optional() })
  .strict()
  .refine((input) => input.currentPin !== input.newPin, {
    path: ["newPin"],
    message: "must differ from your current PIN",
  });
export type ChangePinInput = z.infer<typeof changePinInput>;
