// ioTec Pay's wire formats (docs/providers.md, "ioTec Pay"), as zod schemas with ioTec's field names.
import { z } from "zod";

export const tokenReplySchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().positive()),
  token_type: z.string().optional(),
});

export const IOTEC_STATUSES = [
  "Pending",
  "SentToVendor",
  "Success",
  "Failed",
  "AwaitingApproval",
  "RolledBack",
  "Scheduled",
  "Cancelled",
  "Rejected",
] as const;
export type IotecStatus = (typeof IOTEC_STATUSES)[number];

export const transactionSchema = z.object({
  id: z.string().min(1),
  status: z.enum(IOTEC_STATUSES),
  statusCode: z.union([z.string(), z.number()]).optional(),
  statusMessage: z.string().nullish(),
  externalId: z.string().nullish(),
  amount: z.number(),
  currency: z.string(),
  vendor: z.string().nullish(),
  vendorTransactionId: z.string().nullish(),
  processedAt: z.string().nullish(),
});
export type IotecTransaction = z.infer<typeof transactionSchema>;

export const errorSchema = z.object({ message: z.string(), code: z.union([z.string(), z.number()]).optional() });
