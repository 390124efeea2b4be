// The point of sale's callable inputs. Till records (sales, expenses, adjustments, voids) are not
// callables: tills write them to Firestore directly, offline or not, and firestore.rules checks them.
import { z } from "zod";

import { idempotencyKey } from "../payments/schemas.js";
import { STORE_CURRENCIES } from "./shape.js";

const label = (what: string) =>
  z
    .string({ error: `must be the ${what} as text` })
    .trim()
    .min(1, "must not be empty")
    .max(60, "must be at most 60 characters");

export const storeId = z
  .string({ error: "must be the store's id" })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be the store's id (letters, digits, '-' and '_')");

export const createStoreInput = z
  .object({
    idempotencyKey,
    name: label("store's name"),
    currency: z.enum(STORE_CURRENCIES, {
      error: "must be MWK (Malawi), KES (Kenya), UGX (Uganda) or NGN (Nigeria)",
    }),
  })
  .strict();
export type CreateStoreInput = z.infer<typeof createStoreInput>;

export const registerTillInput = z.object({ idempotencyKey, storeId, label: label("till's name") }).strict();
export type RegisterTillInput = z.infer<typeof registerTillInput>;
