// The edge for callable functions: authentication, input validation and error conversion happen
// here once, so handlers receive a typed, validated input and a caller they can trust.
import { logger } from "firebase-functions/logger";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import type { z } from "zod";

import { describeIssues } from "../shared/issues.js";
import { AppError, FIRESTORE_STATUS, firestoreStatus } from "./errors.js";
import { originAllowed, originOf, refusedOriginMessage } from "./origins.js";
import { trustedProxyHops } from "./proxy-hops.js";

export interface Caller {
  readonly uid: string;
  /**
   * The client's address: the X-Forwarded-For hop Google's front end appended, counted
   * TRUSTED_PROXY_HOPS from the right (clientIp below), never a hop the client wrote.
   */
  readonly ip: string;
  /**
   * An operator: the ID token carries the `admin` custom claim (tools/admin.ts, firestore.rules'
   * isAdmin). Absent for callers built without a token (tests, internal calls): not an operator.
   */
  readonly admin?: boolean;
  /**
   * The browser's device id (hosting/src/device.ts), sent as the reserved `deviceId` field of any
   * call's data: per-device limits and the devices list (accounts/). Absent when not sent.
   */
  readonly deviceId?: string | undefined;
}

/**
 * The client's address from X-Forwarded-For. Each proxy appends the address it received the
 * request from, so only the last `trustedHops` entries were written by proxies we trust; the
 * client's address is the entry `trustedHops` from the right, and everything left of it is
 * whatever the client sent. On Cloud Functions (2nd gen) called at its own URL, Google's front end
 * appends the client's address and nothing else: 1 hop (README, "Configuration"). With fewer
 * entries than hops, the leftmost is the nearest to the client we have.
 */
export function clientIp(
  request: { headers: Record<string, string | string[] | undefined>; ip?: string | undefined },
  trustedHops: number,
): string {
  const forwarded = request.headers["x-forwarded-for"];
  const hops = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? ""))
    .split(",")
    .map((hop) => hop.trim())
    .filter((hop) => hop.length > 0);
  const counted = Math.max(1, Math.floor(trustedHops) || 1);
  const chosen = hops.length >= counted ? hops[hops.length - counted] : hops[0];
  return chosen || request.ip || "unknown";
}

/** clientIp with the configured TRUSTED_PROXY_HOPS (1 when unset: the platform's front end). */
export function callerIp(request: {
  headers: Record<string, string | string[] | undefined>;
  ip?: string | undefined;
}): string {
  return clientIp(request, trustedProxyHops());
}

/** The reserved field a page sends its device id in: a letters-digits-dash id, 16 to 64 long. */
const DEVICE_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** The call's data without the reserved `deviceId`, and the device id (validated) when sent. */
function takeDeviceId(data: object): { data: object; deviceId: string | undefined } {
  if (!Object.hasOwn(data, "deviceId")) return { data, deviceId: undefined };
  const { deviceId, ...rest } = data as { deviceId: unknown };
  if (typeof deviceId !== "string" || !DEVICE_ID.test(deviceId)) {
    throw new HttpsError(
      "invalid-argument",
      "deviceId: must be the id this browser generated (16 to 64 letters, digits, - or _).",
    );
  }
  return { data: rest, deviceId };
}

export function toHttpsError(error: unknown, context: Record<string, unknown>): HttpsError {
  if (error instanceof HttpsError) return error;
  if (error instanceof AppError) return new HttpsError(error.code, error.message, error.details);
  if (firestoreStatus(error) === FIRESTORE_STATUS.ABORTED) {
    // A transaction that kept losing to concurrent ones: nothing was written, trying again is safe.
    logger.warn("transaction contention in callable", { ...context, error: String(error) });
    return new HttpsError(
      "unavailable",
      "We are handling many requests for this right now. Please try again in a few seconds.",
    );
  }
  logger.error("unexpected error in callable", {
    ...context,
    error: error instanceof Error ? error.stack : String(error),
  });
  return new HttpsError("internal", "Something went wrong on our side. Please try again in a moment.");
}

/** What every callable checks before its input, read at call time from the parameters. */
export interface EdgePolicy {
  /** Pages allowed to call (ALLOWED_ORIGINS). */
  readonly allowedOrigins: () => readonly string[];
  /** Whether calls must carry a valid App Check token (ENFORCE_APP_CHECK). */
  readonly enforceAppCheck: () => boolean;
  /**
   * Checks of the caller's session made after the input is valid and before the handler runs
   * (accounts/session.ts: a revoked session, the device, new accounts per address). A thrown
   * AppError is the caller's answer.
   */
  readonly admit?: (name: string, caller: Caller, request: CallableRequest<unknown>) => Promise<void>;
  /**
   * Counts an unexpected error (answered `internal`) or an answer slower than `slowMs`, for the
   * alert rules (operations/metrics.ts). Must not throw; absent in tests that do not count.
   */
  readonly record?: (metric: { kind: "error" | "slow"; name: string; at: number }) => Promise<void>;
  /** What counts as a slow answer, in ms (5 s in production). */
  readonly slowMs?: number;
  /** The clock answers are timed by. */
  readonly now?: () => number;
}

/**
 * `schema` loads the input's schema (imported on the first call, with the handler's own modules,
 * so that loading the entry point does not load zod and every feature's schemas).
 */
export function handleCallable<Schema extends z.ZodType, Result>(
  name: string,
  schema: () => Promise<Schema>,
  policy: EdgePolicy,
  handler: (input: z.infer<Schema>, caller: Caller) => Promise<Result>,
): (request: CallableRequest<unknown>) => Promise<Result> {
  return async (request) => {
    const now = policy.now ?? Date.now;
    const started = now();
    const outcome = { unexpected: false };
    try {
      return await answer(request, () => (outcome.unexpected = true));
    } finally {
      const at = now();
      if (policy.record) {
        if (outcome.unexpected) await policy.record({ kind: "error", name, at });
        if (at - started > (policy.slowMs ?? 5_000)) await policy.record({ kind: "slow", name, at });
      }
    }
  };

  async function answer(request: CallableRequest<unknown>, unexpected: () => void): Promise<Result> {
    const origin = originOf(request.rawRequest.headers);
    if (!originAllowed(origin, policy.allowedOrigins())) {
      throw new HttpsError("permission-denied", refusedOriginMessage(origin ?? ""));
    }
    // The SDK verifies a token when one is sent (request.app); enforcing here rather than with
    // the SDK's enforceAppCheck option gives the caller a sentence instead of "Unauthenticated".
    if (policy.enforceAppCheck() && !request.app?.appId) {
      throw new HttpsError(
        "unauthenticated",
        "This app could not be verified (App Check). Reload the page; if this keeps happening, update the app.",
      );
    }
    const uid = request.auth?.uid;
    if (!uid) throw new HttpsError("unauthenticated", "Sign in first: this call needs a signed-in user.");
    if (typeof request.data !== "object" || request.data === null || Array.isArray(request.data)) {
      throw new HttpsError("invalid-argument", `${name}: send the call's fields as an object.`);
    }
    const { data, deviceId } = takeDeviceId(request.data);
    const parsed = (await schema()).safeParse(data);
    if (!parsed.success) throw new HttpsError("invalid-argument", describeIssues(parsed.error.issues));
    const caller: Caller = {
      uid,
      ip: callerIp(request.rawRequest),
      admin: request.auth?.token.admin === true,
      ...(deviceId === undefined ? {} : { deviceId }),
    };
    try {
      await policy.admit?.(name, caller, request);
      return await handler(parsed.data, caller);
    } catch (error) {
      const converted = toHttpsError(error, { callable: name, uid });
      if (converted.code === "internal") unexpected();
      throw converted;
    }
  }
}
