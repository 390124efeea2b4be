// The edge for callable functions: authentication, input validation and error conversion happen
// here once, so handlers receive a typed, validated input and a caller they can trust.
import { logger } from "firebase-functions";
import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import type { z } from "zod";

import { AppError, describeIssues } from "./errors.js";

export interface Caller {
  readonly uid: string;
  /** The client's address: the first X-Forwarded-For hop on Cloud Functions. */
  readonly ip: string;
}

export function callerIp(request: {
  headers: Record<string, string | string[] | undefined>;
  ip?: string | undefined;
}): string {
  const forwarded = request.headers["x-forwarded-for"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
  return first || request.ip || "unknown";
}

export function toHttpsError(error: unknown, context: Record<string, unknown>): HttpsError {
  if (error instanceof HttpsError) return error;
  if (error instanceof AppError) return new HttpsError(error.code, error.message, error.details);
  logger.error("unexpected error in callable", {
    ...context,
    error: error instanceof Error ? error.stack : String(error),
  });
  return new HttpsError("internal", "Something went wrong on our side. Please try again in a moment.");
}

export function handleCallable<Schema extends z.ZodType, Result>(
  name: string,
  schema: Schema,
  handler: (input: z.infer<Schema>, caller: Caller) => Promise<Result>,
): (request: CallableRequest<unknown>) => Promise<Result> {
  return async (request) => {
    const uid = request.auth?.uid;
    if (!uid) throw new HttpsError("unauthenticated", "Sign in first: this call needs a signed-in user.");
    if (typeof request.data !== "object" || request.data === null || Array.isArray(request.data)) {
      throw new HttpsError("invalid-argument", `${name}: send the call's fields as an object.`);
    }
    const parsed = schema.safeParse(request.data);
    if (!parsed.success) throw new HttpsError("invalid-argument", describeIssues(parsed.error.issues));
    try {
      return await handler(parsed.data, { uid, ip: callerIp(request.rawRequest) });
    } catch (error) {
      throw toHttpsError(error, { callable: name, uid });
    }
  };
}
