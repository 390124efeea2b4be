// What the callable edge checks about the caller's session before a handler runs
// (core/callable.ts, EdgePolicy.admit), for the routes where it matters:
//
// - Revoked sessions. The SDK accepts any unexpired ID token; after "sign out everywhere" (or a
//   removed device) a token already issued would work for up to an hour. For the routes that move
//   money or change the account, the token's auth_time is compared with the user's
//   tokensValidAfterTime, which is what verifyIdToken(token, true) does, read from Auth on every
//   call: a revoked session is refused at once, on every instance.
// - New accounts per address. Anonymous sign-in hands out a fresh uid per call, so per-user limits
//   alone stop nobody: each distinct uid an address uses is counted (accountsPerAddress).
// - The account's email. Auth's email must be the one Malipo confirmed (accounts/email-change.ts)
//   for money and account changes: one changed with the client SDK pauses them until confirmed.
// - The device. A call that carries a device id records it (devices/), first seen and last seen,
//   and mails the user when a device is new.
import type { Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { recordDevice, type AccountUser } from "./devices.js";
import { ACCOUNT_COUNTED, CONTACT_CHECKED, SESSION_CHECKED } from "./routes.js";

export const REVOKED_MESSAGE =
  "You were signed out everywhere (or this device was removed from your account). Sign in again to continue.";

export interface SessionDeps {
  readonly db: Firestore;
  readonly now: () => number;
  /** The Auth user (Admin SDK getUser), or undefined when it no longer exists. */
  readonly lookupUser: (uid: string) => Promise<AccountUser | undefined>;
}

/** The slice of the callable request the checks read. */
export interface SessionRequest {
  readonly auth?: { readonly token: { readonly auth_time?: unknown; readonly email?: unknown } } | undefined;
  readonly rawRequest: { readonly headers: Record<string, string | string[] | undefined> };
}

/**
 * Accounts this instance has already counted for an address in the current window: most calls
 * come from accounts already counted, and skip the bucket read. Bounded; losing it only costs a
 * read.
 */
const counted = new Map<string, number>();
const COUNTED_MAX = 10_000;

async function countAccount(deps: SessionDeps, caller: Caller, now: number): Promise<void> {
  const key = `${caller.ip}|${caller.uid}`;
  const until = counted.get(key);
  if (until !== undefined && until > now) return;
  // The uid is the attempt: the same account counts once per window, however often it calls.
  await enforceRateLimits(deps.db, "accountSeen", { ip: caller.ip }, now, { attemptKey: caller.uid });
  if (counted.size >= COUNTED_MAX) counted.clear();
  counted.set(key, now + 5 * 60_000);
}

/** Refuses a token issued before the user's sessions were revoked, as verifyIdToken(t, true). */
export function sessionRevoked(authTimeSeconds: unknown, user: AccountUser | undefined): boolean {
  if (!user || user.disabled) return true;
  if (!user.tokensValidAfterTime) return false;
  const validAfter = Date.parse(user.tokensValidAfterTime);
  if (!Number.isFinite(validAfter)) return false;
  const authTime = typeof authTimeSeconds === "number" ? authTimeSeconds * 1000 : 0;
  return authTime < validAfter;
}

export function createSessionCheck(
  deps: () => Promise<SessionDeps>,
): (name: string, caller: Caller, request: SessionRequest) => Promise<void> {
  return async (name, caller, request) => {
    const checked = SESSION_CHECKED.has(name);
    const countsAccount = ACCOUNT_COUNTED.has(name);
    if (!checked && !countsAccount && caller.deviceId === undefined) return;
    const resolved = await deps();
    const now = resolved.now();
    // The Auth read serves both the revocation check and a new device's mail.
    let user: Promise<AccountUser | undefined> | undefined;
    const lookup = () =>
      (user ??= resolved.lookupUser(caller.uid).catch((error: unknown) => {
        // Auth did not answer: nothing ran, and trying again is safe; not the caller's mistake.
        logger.warn("session check: Auth lookup failed", { uid: caller.uid, error: String(error) });
        throw new AppError("unavailable", "We could not check your session just now. Please try again in a moment.");
      }));
    await Promise.all([
      checked
        ? lookup().then((found) => {
            if (sessionRevoked(request.auth?.token.auth_time, found)) {
              throw new AppError("unauthenticated", REVOKED_MESSAGE);
            }
            if (found?.email && CONTACT_CHECKED.has(name)) {
              return refuseEmailDrift(resolved, caller.uid, found.email, now);
            }
          })
        : undefined,
      countsAccount ? countAccount(resolved, caller, now) : undefined,
    ]);
    if (caller.deviceId === undefined) return;
    try {
      await recordDevice(resolved.db, {
        uid: caller.uid,
        deviceId: caller.deviceId,
        ip: caller.ip,
        userAgent: headerOf(request.rawRequest.headers["user-agent"]),
        now,
        user: lookup,
      });
    } catch (error) {
      // The devices list is a convenience: a failure to update it never refuses the call.
      logger.warn("device not recorded", { uid: caller.uid, error: error instanceof Error ? error.message : error });
    }
  };
}

/**
 * Auth's email changed without a confirmed change (the client SDK's updateEmail, around
 * requestEmailChange): money and account changes wait until the user confirms the address.
 */
async function refuseEmailDrift(deps: SessionDeps, uid: string, authEmail: string, now: number): Promise<void> {
  const { emailDrift } = await import("./account-email.js");
  const recorded = await emailDrift(deps.db, uid, authEmail, now);
  if (recorded === undefined) return;
  throw new AppError(
    "failed-precondition",
    `Your account's sign-in email changed from ${recorded} to ${authEmail} without a confirmation code, so money and account changes are paused. Confirm the new address with Change email (a code is mailed to it), or change it back.`,
  );
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
