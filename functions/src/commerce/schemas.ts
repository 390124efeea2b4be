// The shop's callable inputs. A cart line is a product id and a quantity; checkout takes the
// payer's details and the total the payer was shown, never a price.
import { z } from "zod";

import { emailAddress, idempotencyKey, payerName, payerPhone, providerChoice } from "../payments/schemas.js";
import { COLLECTION_CURRENCIES } from "../shared/catalog.js";
import { MAX_LINE_QUANTITY } from "./collections.js";

const productId = z
  .string({ error: "must be a product id" })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a product id (letters, digits, '-' and '_')");

const quantity = z
  .number({ error: "must be a whole number of items" })
  .int("must be a whole number of items")
  .min(1, "must be at least 1 (remove the line with removeFromCart)")
  .max(MAX_LINE_QUANTITY, `must be at most ${MAX_LINE_QUANTITY}`);

export const addToCartInput = z.object({ productId, quantity }).strict();
export type AddToCartInput = z.infer<typeof addToCartInput>;

export const updateCartLineInput = z.object({ productId, quantity }).strict();
export type UpdateCartLineInput = z.infer<typeof updateCartLineInput>;

export const removeFromCartInput = z.object({ productId }).strict();
export type RemoveFromCartInput = z.infer<typeof removeFromCartInput>;

export const getCartInput = z.object({}).strict();

export const checkoutInput = z
  .object({
    idempotencyKey,
    currency: z.enum(COLLECTION_CURRENCIES, {
      error: "must be KES (M-Pesa, Kenya), UGX (MTN/Airtel, Uganda) or NGN (Paystack, Nigeria)",
    }),
    /** What the page showed: a different server total means the payer has not seen the real one. */
    expectedTotal: z
      .number({ error: "must be the cart's total in minor units, as shown to the payer" })
      .int("must be a whole number of minor units")
      .nonnegative("must not be negative"),
    phone: payerPhone,
    email: emailAddress,
    name: payerName.optional(),
    provider: providerChoice.optional(),
  })
  .strict();
export type CheckoutInput = z.infer<typeof checkoutInput>;

export const getInvoiceLinkInput = z
  .object({
    orderId: z
      .string({ error: "must be an order id" })
      .regex(/^[0-9a-f]{32}$/, "must be an order id (the checkout id: 32 hexadecimal digits)"),
  })
  .strict();
export type GetInvoiceLinkInput = z.infer<typeof getInvoiceLinkInput>;
