// The accounts callables' inputs, validated at the edge with messages a person can act on.
import { z } from "zod";

import { emailAddress } from "../payments/schemas.js";
import { stepUpGrant } from "../twofactor/schemas.js";

export const signOutEverywhereInput = z.object({}).strict();
export type SignOutEverywhereInput = z.infer<typeof signOutEverywhereInput>;

const deviceIdField = z
  .string({ error: "must be the id of one of your devices (from your devices list)" })
  .regex(/^[A-Za-z0-9_-]{16,64}$/, "must be the id of one of your devices (from your devices list)");

export const removeDeviceInput = z.object({ device: deviceIdField }).strict();
export type RemoveDeviceInput = z.infer<typeof removeDeviceInput>;

export const setDeviceTrustedInput = z
  .object({ device: deviceIdField, trusted: z.boolean({ error: "must be true or false" }) })
  .strict();
export type SetDeviceTrustedInput = z.infer<typeof setDeviceTrustedInput>;

export const requestEmailChangeInput = z
  .object({
    newEmail: emailAddress,
    stepUpGrant: stepUpGrant.optional(),
  })
  .strict();
export type RequestEmailChangeInput = z.infer<typeof requestEmailChangeInput>;

export const confirmEmailChangeInput = z
  .object({
    changeId: z
      .string({ error: "must be the changeId requestEmailChange answered" })
      .regex(/^[a-f0-9]{32}$/, "must be the changeId requestEmailChange answered"),
    code: z
      .string({ error: "must be the 6-digit code we mailed" })
      .regex(/^[0-9]{6}$/, "must be the 6-digit code we mailed"),
  })
  .strict();
export type ConfirmEmailChangeInput = z.infer<typeof confirmEmailChangeInput>;
