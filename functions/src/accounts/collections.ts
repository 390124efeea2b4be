// The accounts feature's records: the devices a user calls from, and their sign-in history. Both
// are written by functions only; their owner reads them (firestore.rules).
import { Timestamp } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";

const timestamp = z.instanceof(Timestamp);

/**
 * devices/{uid}_{deviceId}: one browser a user has called from (its id is generated once and kept
 * in the browser's local storage, hosting/src/device.ts). A removed device's document is deleted
 * and its sessions revoked; calling again from it makes it a new device.
 */
export const DEVICES = defineCollection(
  "devices",
  z.object({
    uid: z.string(),
    deviceId: z.string(),
    /** "Chrome 131 on Android", from the User-Agent (user-agent.ts). */
    summary: z.string(),
    userAgent: z.string(),
    firstSeenAt: timestamp,
    lastSeenAt: timestamp,
    lastIp: z.string(),
    /** The user said this is their own device (setDeviceTrusted). */
    trusted: z.boolean(),
  }),
);
export type DeviceRecord = z.infer<typeof DEVICES.schema>;

export const SIGN_IN_HISTORY_DAYS = 180;

/**
 * signIns/{eventId}: one sign-in, recorded by the beforeUserSignedIn blocking function. Deleted by
 * the TTL policy on `expiresAt` (firestore.indexes.json), 180 days after.
 */
export const SIGN_INS = defineCollection(
  "signIns",
  z.object({
    uid: z.string(),
    at: timestamp,
    ip: z.string(),
    userAgent: z.string(),
    summary: z.string(),
    /** How: "password", "emailLink", "google.com", … (the event's sign-in method). */
    method: z.string(),
    /** What the blocking function let happen: every recorded sign-in was allowed. */
    outcome: z.enum(["allowed"]),
    expiresAt: timestamp,
  }),
);
export type SignInRecord = z.infer<typeof SIGN_INS.schema>;

export function deviceDocId(uid: string, deviceId: string): string {
  return `${uid}_${deviceId}`;
}

/**
 * emailChanges/{changeId}: one request to change the account's email (email-change.ts), with its
 * code hashed. pending until the code is shown; applying while Auth is told; confirmed, or
 * cancelled (5 wrong codes, or the address was taken meanwhile). Server-only: it holds the code's
 * hash. Kept as the record of who moved the account where, and when.
 */
export const EMAIL_CHANGES = defineCollection(
  "emailChanges",
  z.object({
    uid: z.string(),
    /** The address the account had, which is told of the request and of the change. */
    from: z.string(),
    to: z.string(),
    status: z.enum(["pending", "applying", "confirmed", "cancelled"]),
    hash: z.string(),
    salt: z.string(),
    attempts: z.number().int().nonnegative(),
    createdAt: timestamp,
    expiresAt: timestamp,
    confirmedAt: timestamp.nullable(),
  }),
);
export type EmailChangeRecord = z.infer<typeof EMAIL_CHANGES.schema>;

/**
 * accountEmails/{uid}: the email Malipo knows the account by: the first one seen on a session
 * check (kept from the page with an email and a password), then each confirmed change. While
 * Auth's email differs from it, money and account changes are paused (session.ts). Server-only.
 */
export const ACCOUNT_EMAILS = defineCollection(
  "accountEmails",
  z.object({ email: z.string(), confirmedAt: timestamp, via: z.enum(["first-seen", "email-change"]) }),
);
