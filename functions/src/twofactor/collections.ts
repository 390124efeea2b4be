// The second factor's documents. Both are server-only: no client reads or writes them, not even
// operators (the secret is encrypted, but its ciphertext, the recovery codes' hashes and the
// grants are nobody's business but the functions'). The wallet page learns the state through
// getWallet (enabled, since when, recovery codes left).
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { CURRENCY_CODES } from "../shared/catalog.js";

const timestamp = z.instanceof(Timestamp);

export const encryptedSecretSchema = z.object({
  alg: z.literal("aes-256-gcm"),
  iv: z.string(),
  ciphertext: z.string(),
  tag: z.string(),
});

export const twoFactorSchema = z.object({
  uid: z.string(),
  /** pending: enrolment started, no code confirmed yet (not in force); enabled: in force. */
  status: z.enum(["pending", "enabled"]),
  secret: encryptedSecretSchema,
  /**
   * The last time step whose code was accepted (null before the first): a code of this step or an
   * earlier one is refused, so no code is ever accepted twice. Set by compare-and-set.
   */
  lastStep: z.number().int().nullable(),
  /** HMAC-SHA256 hashes of the 10 recovery codes, each spent once (usedAt set). */
  recoveryCodes: z.array(z.object({ hash: z.string(), usedAt: timestamp.nullable() })),
  /** Wrong codes in a row, and the lock they set: the PIN's policy (wallet/pin-policy.ts). */
  wrongAttempts: z.number().int().nonnegative(),
  lockedUntil: timestamp.nullable(),
  createdAt: timestamp,
  enrolledAt: timestamp.nullable(),
});
export type TwoFactorRecord = z.infer<typeof twoFactorSchema>;

export const TWO_FACTOR = defineCollection("twoFactor", twoFactorSchema);

/** What a grant lets its holder do once. */
export const STEP_UP_OPERATIONS = ["withdraw", "changePin", "payBill", "changeContact"] as const;
export type StepUpOperation = (typeof STEP_UP_OPERATIONS)[number];
/** The operations that move money: their grants are bound to an amount and currency too. */
export const MONEY_OPERATIONS: ReadonlySet<StepUpOperation> = new Set(["withdraw", "payBill"]);

const currency = z.enum(CURRENCY_CODES);

export const stepUpGrantSchema = z.object({
  uid: z.string(),
  operation: z.enum(STEP_UP_OPERATIONS),
  /** Minor units and currency, for money operations; null otherwise. */
  amount: z.number().int().positive().nullable(),
  currency: currency.nullable(),
  /** How the second factor was shown: a current code or one of the recovery codes. */
  method: z.enum(["totp", "recovery-code"]),
  createdAt: timestamp,
  expiresAt: timestamp,
  /** The operation attempt that consumed it (its idempotency id), set once by compare-and-set. */
  usedBy: z.string().nullable(),
  usedAt: timestamp.nullable(),
});
export type StepUpGrantRecord = z.infer<typeof stepUpGrantSchema>;

export const STEP_UP_GRANTS = defineCollection("stepUpGrants", stepUpGrantSchema);
