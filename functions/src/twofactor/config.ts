// Which purchases need a step-up for a user with two-step verification: a parameter, so operators
// set it per project (.env.<project>) without a code change. A JSON object by currency, in minor
// units: a purchase whose amount is above its currency's value needs a fresh code. A currency not
// listed needs one for every purchase (the safe side), and a value that does not parse stops such
// purchases with an operator's sentence, never a guess. Withdrawals and PIN changes always need one.
import { z } from "zod";

import { AppError } from "../core/errors.js";
import { CURRENCY_CODES, type Currency } from "../shared/catalog.js";

export { DEFAULT_STEP_UP_PURCHASE_OVER, twoFactorParams } from "./params.js";

const thresholdsSchema = z.partialRecord(z.enum(CURRENCY_CODES), z.number().int().min(0));
export type StepUpThresholds = z.infer<typeof thresholdsSchema>;

export function parseStepUpThresholds(text: string): StepUpThresholds {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = thresholdsSchema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      "failed-precondition",
      "Purchases are not available right now (STEP_UP_PURCHASE_OVER is not set correctly; operators: see docs/accounts.md).",
    );
  }
  return parsed.data;
}

export function purchaseNeedsStepUp(thresholds: StepUpThresholds, amount: number, currency: Currency): boolean {
  const over = thresholds[currency];
  return over === undefined || amount > over;
}
