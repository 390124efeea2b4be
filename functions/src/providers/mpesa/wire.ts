// Daraja's wire formats (docs/providers.md, "M-Pesa Daraja"), as zod schemas. Field names
// are Safaricom's own. Parsing is lenient about extra fields and strict about what we rely on.
import { z } from "zod";

export const tokenReplySchema = z.object({
  access_token: z.string().min(1),
  // Arrives as a string ("3599").
  expires_in: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().positive()),
});

export const gatewayErrorSchema = z.object({
  requestId: z.string().optional(),
  errorCode: z.string(),
  errorMessage: z.string().optional(),
});

export const stkPushReplySchema = z.object({
  MerchantRequestID: z.string(),
  CheckoutRequestID: z.string().min(1),
  ResponseCode: z.union([z.string(), z.number()]).transform(String),
  ResponseDescription: z.string().optional(),
  CustomerMessage: z.string().optional(),
});

export const stkQueryReplySchema = z.object({
  ResponseCode: z.union([z.string(), z.number()]).transform(String),
  ResponseDescription: z.string().optional(),
  MerchantRequestID: z.string().optional(),
  CheckoutRequestID: z.string(),
  // A string here ("1032"), unlike the callback.
  ResultCode: z.union([z.string(), z.number()]).transform(String),
  ResultDesc: z.string().optional(),
});

const metadataItemSchema = z.object({
  Name: z.string(),
  // A `Balance` item may come with no Value at all.
  Value: z.union([z.string(), z.number()]).optional(),
});

export const stkCallbackSchema = z.object({
  Body: z.object({
    stkCallback: z.object({
      MerchantRequestID: z.string(),
      CheckoutRequestID: z.string().min(1),
      // Usually a number; string codes such as "SFC_IC0003" occur.
      ResultCode: z.union([z.number(), z.string()]).transform(String),
      ResultDesc: z.string().optional(),
      CallbackMetadata: z.object({ Item: z.array(metadataItemSchema) }).optional(),
    }),
  }),
});
export type StkCallback = z.infer<typeof stkCallbackSchema>["Body"]["stkCallback"];

export function metadataValue(callback: StkCallback, name: string): string | number | undefined {
  return callback.CallbackMetadata?.Item.find((item) => item.Name === name)?.Value;
}

// Daraja's asynchronous APIs (B2C payment, Transaction Status, Reversal) answer "accepted" at
// once and post the outcome to a ResultURL later.
export const asyncAcceptedSchema = z.object({
  ConversationID: z.string().optional(),
  OriginatorConversationID: z.string().optional(),
  ResponseCode: z.union([z.string(), z.number()]).transform(String),
  ResponseDescription: z.string().optional(),
});

const resultParameterSchema = z.object({
  Key: z.string(),
  Value: z.union([z.string(), z.number()]).optional(),
});

export const asyncResultSchema = z.object({
  Result: z.object({
    ResultType: z.union([z.number(), z.string()]).optional(),
    // A number in the documented examples; string codes occur elsewhere in Daraja, so both.
    ResultCode: z.union([z.number(), z.string()]).transform(String),
    ResultDesc: z.string().optional(),
    OriginatorConversationID: z.string().optional(),
    ConversationID: z.string().optional(),
    TransactionID: z.string().optional(),
    ResultParameters: z
      .object({
        // One parameter may come as a bare object rather than a one-element list.
        ResultParameter: z.union([z.array(resultParameterSchema), resultParameterSchema]),
      })
      .optional(),
  }),
});
export type AsyncResult = z.infer<typeof asyncResultSchema>["Result"];

/** A result parameter by its Key: their order is not part of the contract. */
export function resultParameter(result: AsyncResult, key: string): string | number | undefined {
  const parameters = result.ResultParameters?.ResultParameter;
  const list = parameters === undefined ? [] : Array.isArray(parameters) ? parameters : [parameters];
  return list.find((parameter) => parameter.Key === key)?.Value;
}
