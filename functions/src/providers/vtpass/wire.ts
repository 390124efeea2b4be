// VTpass's wire formats (docs/providers.md, "VTpass"), as zod schemas with VTpass's field names.
// VTpass is loose about types: amounts and codes arrive as strings or numbers, and `content` is
// missing or a bare `{error}` on errors, so everything beyond `code` is optional here.
import { z } from "zod";

const scalar = z.union([z.string(), z.number()]);
const text = scalar.transform(String);
const optionalText = scalar
  .nullish()
  .transform((value) => (value === null || value === undefined ? undefined : String(value)));

/** "000", or 0 from a client that sent the code as a number. */
const code = scalar.transform((value) => (typeof value === "number" ? String(value).padStart(3, "0") : value));

/**
 * Naira (major units, maybe decimals: "900.00", 1860.47, "1,000") to kobo, read from the decimal
 * text so no float rounding enters. Undefined when the text is not an exact naira amount.
 */
export function nairaToKobo(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const match = /^(\d+)(?:\.(\d*))?$/.exec(String(value).trim().replace(/,/g, ""));
  if (!match?.[1]) return undefined;
  const fraction = match[2] ?? "";
  if (/[1-9]/.test(fraction.slice(2))) return undefined;
  const kobo = Number(match[1]) * 100 + Number(fraction.slice(0, 2).padEnd(2, "0"));
  return Number.isSafeInteger(kobo) ? kobo : undefined;
}

/** Kobo to the naira VTpass expects: a whole number when there are no kobo, else two decimals. */
export function koboToNaira(kobo: number): number {
  const whole = Math.trunc(kobo / 100);
  const rest = kobo % 100;
  return rest === 0 ? whole : Number(`${whole}.${String(rest).padStart(2, "0")}`);
}

export const transactionReplySchema = z.object({
  code,
  response_description: optionalText,
  requestId: optionalText,
  amount: scalar.nullish(),
  transaction_date: z.unknown().optional(),
  purchased_code: optionalText,
  content: z
    .object({
      transactions: z
        .object({
          status: optionalText,
          transactionId: optionalText,
          product_name: optionalText,
          type: optionalText,
          amount: scalar.nullish(),
        })
        .nullish(),
      error: optionalText,
      errors: z.unknown().optional(),
    })
    .nullish(),
  // Electricity (prepaid): the token (often "Token : 1234..."), units; postpaid: the receipt.
  token: optionalText,
  mainToken: optionalText,
  units: optionalText,
  mainTokenUnits: optionalText,
  exchangeReference: optionalText,
  customerName: optionalText,
  // Education: one serial and PIN per card bought.
  cards: z
    .array(z.object({ Serial: optionalText, Pin: optionalText }))
    .nullish()
    .catch(undefined),
});
export type VtpassTransactionReply = z.infer<typeof transactionReplySchema>;

export const servicesReplySchema = z.object({
  response_description: optionalText,
  content: z.array(
    z.object({
      serviceID: text,
      name: text,
      // sic: VTpass spells it "minimium".
      minimium_amount: scalar.nullish(),
      minimum_amount: scalar.nullish(),
      maximum_amount: scalar.nullish(),
      image: optionalText,
    }),
  ),
});

const variationSchema = z.object({
  variation_code: text,
  name: text,
  variation_amount: scalar.nullish(),
  fixedPrice: z.union([z.string(), z.boolean()]).nullish(),
});

export const variationsReplySchema = z.object({
  response_description: optionalText,
  content: z
    .object({
      ServiceName: optionalText,
      serviceID: optionalText,
      // VTpass has sent both spellings.
      variations: z.array(variationSchema).nullish(),
      varations: z.array(variationSchema).nullish(),
      errors: z.unknown().optional(),
    })
    .nullish(),
});

export const merchantVerifyReplySchema = z.object({
  code,
  response_description: optionalText,
  content: z.record(z.string(), z.unknown()).nullish(),
});

export const webhookSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("transaction-update"),
    data: z.object({
      code: code.optional(),
      requestId: optionalText,
      request_id: optionalText,
      content: z.object({ transactions: z.object({ status: optionalText }).nullish() }).nullish(),
    }),
  }),
  z.object({
    type: z.literal("variations-update"),
    serviceID: optionalText,
    data: z.object({ serviceID: optionalText }).catchall(z.unknown()).nullish(),
  }),
]);
