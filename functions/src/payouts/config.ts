// Withdrawal limits and the payout float alert, per currency: parameters, so operators set them
// per project (.env.<project>) without a code change. Each is a JSON object by currency, in minor
// units; a value that does not parse stops withdrawals with an operator's sentence, never a guess.
import { defineString } from "firebase-functions/params";
import { z } from "zod";

import { AppError } from "../core/errors.js";
import { PAYOUT_CURRENCIES, type PayoutCurrency } from "./collections.js";

export const DEFAULT_WITHDRAWAL_LIMITS = {
  KES: { min: 10_00, max: 70_000_00, perDay: 150_000_00 },
  UGX: { min: 1_000, max: 2_000_000, perDay: 5_000_000 },
} as const satisfies Record<PayoutCurrency, WithdrawalLimit>;

export const DEFAULT_FLOAT_LOW = { KES: 50_000_00, UGX: 2_000_000 } as const satisfies Record<PayoutCurrency, number>;

export const payoutParams = {
  withdrawalLimits: defineString("WITHDRAWAL_LIMITS", {
    default: JSON.stringify(DEFAULT_WITHDRAWAL_LIMITS),
    description:
      'Per-user withdrawal limits in minor units, by currency: {"KES":{"min":1000,"max":7000000,"perDay":15000000},"UGX":{...}}',
  }),
  floatLow: defineString("PAYOUT_FLOAT_LOW", {
    default: JSON.stringify(DEFAULT_FLOAT_LOW),
    description:
      'Alert operators when a payout account reports less than this, in minor units: {"KES":5000000,"UGX":2000000}',
  }),
};

const minor = z.number().int().positive();
const limitSchema = z
  .object({ min: minor, max: minor, perDay: minor })
  .strict()
  .refine((limit) => limit.min <= limit.max && limit.max <= limit.perDay, "needs min <= max <= perDay");
export type WithdrawalLimit = z.infer<typeof limitSchema>;

const currencyKeys = z.enum(PAYOUT_CURRENCIES as [PayoutCurrency, ...PayoutCurrency[]]);
const limitsSchema = z.partialRecord(currencyKeys, limitSchema);
const floatSchema = z.partialRecord(currencyKeys, z.number().int().min(0));

export type WithdrawalLimits = z.infer<typeof limitsSchema>;
export type FloatThresholds = z.infer<typeof floatSchema>;

function parseJson<T>(name: string, text: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(
      "failed-precondition",
      `Withdrawals are not available right now (${name} is not set correctly; operators: see docs/payouts.md).`,
    );
  }
  return parsed.data;
}

export function parseWithdrawalLimits(text: string): WithdrawalLimits {
  return parseJson("WITHDRAWAL_LIMITS", text, limitsSchema);
}

export function parseFloatLow(text: string): FloatThresholds {
  return parseJson("PAYOUT_FLOAT_LOW", text, floatSchema);
}

const TIME_ZONES: Readonly<Record<PayoutCurrency, string>> = { KES: "Africa/Nairobi", UGX: "Africa/Kampala" };

/** The calendar day (YYYY-MM-DD) at `ms` where the currency is used: daily limits follow it. */
export function localDay(ms: number, currency: PayoutCurrency): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: TIME_ZONES[currency],
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(ms));
}
