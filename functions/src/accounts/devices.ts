// The devices a user calls from (devices/{uid}_{deviceId}): recorded at the callable edge
// (session.ts), listed to their owner through firestore.rules, removed and marked trusted by the
// owner's callables below.
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { createOnce } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { message } from "../notifications/templates.js";
import { sha256Hex } from "../shared/hashing.js";
import { deviceDocId, DEVICES } from "./collections.js";
import type { RemoveDeviceInput, SetDeviceTrustedInput, SignOutEverywhereInput } from "./schemas.js";
import { storedUserAgent, summarizeUserAgent } from "./user-agent.js";

/** What the accounts code needs of an Auth user (the Admin SDK's UserRecord has it). */
export interface AccountUser {
  readonly email?: string | undefined;
  /** The account signs in with an email and a password. */
  readonly password?: boolean;
  readonly disabled: boolean;
  readonly tokensValidAfterTime?: string | undefined;
}

/** lastSeenAt moves at most this often: a page's every call need not be a write. */
export const LAST_SEEN_RESOLUTION_MS = 5 * 60_000;

/** Devices this instance has seen lately, so a busy page costs no read per call. */
const recentlySeen = new Map<string, number>();
const RECENT_MAX = 10_000;

export interface DeviceSighting {
  readonly uid: string;
  readonly deviceId: string;
  readonly ip: string;
  readonly userAgent: string | undefined;
  readonly now: number;
  readonly user: () => Promise<AccountUser | undefined>;
}

/**
 * Records a call from a device: creates the record the first time (and mails the user, when they
 * have an email, that a new device used their account), else moves lastSeenAt when it is older
 * than LAST_SEEN_RESOLUTION_MS. Returns whether the device was new.
 */
export async function recordDevice(db: Firestore, sighting: DeviceSighting): Promise<boolean> {
  const id = deviceDocId(sighting.uid, sighting.deviceId);
  const seen = recentlySeen.get(id);
  if (seen !== undefined && sighting.now - seen < LAST_SEEN_RESOLUTION_MS) return false;
  const ref = DEVICES.ref(db).doc(id);
  const stored = (await ref.get()).data();
  const at = Timestamp.fromMillis(sighting.now);
  let created = false;
  if (!stored) {
    const summary = summarizeUserAgent(sighting.userAgent);
    created = await createOnce(ref, {
      uid: sighting.uid,
      deviceId: sighting.deviceId,
      summary,
      userAgent: storedUserAgent(sighting.userAgent),
      firstSeenAt: at,
      lastSeenAt: at,
      lastIp: sighting.ip,
      trusted: false,
    });
    if (created) await mailNewDevice(db, sighting, summary);
  } else if (sighting.now - stored.lastSeenAt.toMillis() >= LAST_SEEN_RESOLUTION_MS) {
    await ref.update({ lastSeenAt: at, lastIp: sighting.ip });
  }
  if (recentlySeen.size >= RECENT_MAX) recentlySeen.clear();
  recentlySeen.set(id, sighting.now);
  return created;
}

async function mailNewDevice(db: Firestore, sighting: DeviceSighting, summary: string): Promise<void> {
  const email = (await sighting.user())?.email;
  if (!email) return;
  const when = new Date(sighting.now).toISOString().replace("T", " ").slice(0, 16);
  // Loaded here, not with the edge: the mail module brings the SendGrid client.
  const { MAIL } = await import("../notifications/send.js");
  // One mail per device record: the id is derived, and created once.
  const ref = MAIL.ref(db).doc(sha256Hex(`new-device|${sighting.uid}|${sighting.deviceId}`).slice(0, 32));
  await createOnce(ref, {
    to: email,
    kind: "new-device",
    uid: sighting.uid,
    message: message("A new device used your Malipo account", "A new device used your account", [
      `${summary} used your Malipo account on ${when} UTC, from the network address ${sighting.ip}.`,
      "If this was you, there is nothing to do. If it was not, open your wallet, remove the device and choose Sign out everywhere, then change your password.",
    ]),
    createdAt: FieldValue.serverTimestamp(),
  });
}

/** Forgets what this instance remembers of a device (it was removed). */
function forget(id: string): void {
  recentlySeen.delete(id);
}

export interface AccountDeps {
  readonly db: Firestore;
  readonly now: () => number;
  /** Admin SDK revokeRefreshTokens: every session of the user ends. */
  readonly revokeSessions: (uid: string) => Promise<void>;
}

/**
 * Removes one of the caller's devices and revokes the caller's sessions: Firebase Auth revokes
 * per user, not per device, so every device, this one included, must sign in again (the page says
 * so). Removing a device that is not listed is not-found.
 */
export async function removeDevice(
  input: RemoveDeviceInput,
  caller: Caller,
  deps: AccountDeps,
): Promise<{ removed: true; signedOut: true }> {
  await enforceRateLimits(deps.db, "removeDevice", caller, deps.now());
  const id = deviceDocId(caller.uid, input.device);
  const ref = DEVICES.ref(deps.db).doc(id);
  if (!(await ref.get()).exists) {
    throw new AppError("not-found", "That device is not in your devices list (it may have been removed already).");
  }
  // Sessions first: a device whose record is gone but whose session still works would be worse
  // than a record left behind by a failure here.
  await deps.revokeSessions(caller.uid);
  await ref.delete();
  forget(id);
  return { removed: true, signedOut: true };
}

export async function setDeviceTrusted(
  input: SetDeviceTrustedInput,
  caller: Caller,
  deps: Omit<AccountDeps, "revokeSessions">,
): Promise<{ device: string; trusted: boolean }> {
  await enforceRateLimits(deps.db, "setDeviceTrusted", caller, deps.now());
  const ref = DEVICES.ref(deps.db).doc(deviceDocId(caller.uid, input.device));
  const stored = await ref.get();
  if (!stored.exists || !stored.updateTime) {
    throw new AppError("not-found", "That device is not in your devices list (it may have been removed already).");
  }
  // Unchanged since read: a removal in between is not undone by this write.
  await ref.update({ trusted: input.trusted }, { lastUpdateTime: stored.updateTime });
  return { device: input.device, trusted: input.trusted };
}

/** Revokes every session of the caller: each device must sign in again. */
export async function signOutEverywhere(
  _input: SignOutEverywhereInput,
  caller: Caller,
  deps: AccountDeps,
): Promise<{ signedOut: true }> {
  await enforceRateLimits(deps.db, "signOutEverywhere", caller, deps.now());
  await deps.revokeSessions(caller.uid);
  return { signedOut: true };
}
