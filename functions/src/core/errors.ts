// Malipo's one error taxonomy. Domain code throws AppError with a code from this closed set and a
// message written for the person who must fix the input; the edge (core/callable.ts, HTTP
// handlers) converts it. Anything else is a bug: logged in full, surfaced as `internal` only.
import type { FunctionsErrorCode } from "firebase-functions/v2/https";

export type AppErrorCode = Extract<
  FunctionsErrorCode,
  | "invalid-argument"
  | "not-found"
  | "already-exists"
  | "failed-precondition"
  | "resource-exhausted"
  | "permission-denied"
  | "unauthenticated"
  | "unavailable"
  | "deadline-exceeded"
>;

export class AppError extends Error {
  override name = "AppError";
  readonly code: AppErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: AppErrorCode, message: string, details?: Readonly<Record<string, unknown>>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** The gRPC status codes Firestore reports that callers act on. */
export const FIRESTORE_STATUS = { ALREADY_EXISTS: 6, FAILED_PRECONDITION: 9, ABORTED: 10 } as const;

export function firestoreStatus(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** Readable `field: problem` sentences from a zod error, without echoing the rejected values. */
