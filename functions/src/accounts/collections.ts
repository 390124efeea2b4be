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
