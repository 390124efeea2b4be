// The activity list's page cursor: the last line's position (its time, then its document path, the
// query's order) plus a checksum over that position, the caller and the filters. The checksum is
// not a secret and does not need to be: every page is queried with uid == caller, so a forged
// cursor can only move through the caller's own lines. It turns an edited cursor, or one reused
// with other filters or by another user, into a sentence instead of a wrong page.
import { createHash } from "node:crypto";

import { AppError } from "../core/errors.js";

export interface Position {
  readonly seconds: number;
  readonly nanoseconds: number;
  /** The line's document path: ledgerAccounts/{accountId}/activity/{lineId}. */
  readonly path: string;
}

const VERSION = 1;
const LINE_PATH = /^ledgerAccounts\/[^/]+\/activity\/[^/]+$/;
/** Ids Firestore reserves or refuses. */
const RESERVED_ID = /^(\.{1,2}|__.*__)$/;
/** Firestore's Timestamp range: 0001-01-01 to 9999-12-31. */
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;

function checksum(scope: string, position: Position): string {
  return createHash("sha256")
    .update(JSON.stringify([VERSION, scope, position.seconds, position.nanoseconds, position.path]))
    .digest("base64url")
    .slice(0, 22);
}

/** `scope` names the caller and the filters a cursor is good for. */
export function encodeCursor(scope: string, position: Position): string {
  const body = [VERSION, position.seconds, position.nanoseconds, position.path, checksum(scope, position)];
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

function refused(): AppError {
  return new AppError(
    "invalid-argument",
    "cursor: is not a cursor from this list; send the nextCursor of the previous page unchanged, with the same filters, or leave it out to start from the newest.",
  );
}

export function decodeCursor(scope: string, cursor: string): Position {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refused();
  }
  if (!Array.isArray(body) || body.length !== 5) throw refused();
  const [version, seconds, nanoseconds, path, sum] = body as unknown[];
  if (
    version !== VERSION ||
    !Number.isSafeInteger(seconds) ||
    !Number.isSafeInteger(nanoseconds) ||
    typeof path !== "string" ||
    !LINE_PATH.test(path) ||
    path.split("/").some((segment) => RESERVED_ID.test(segment)) ||
    typeof sum !== "string"
  ) {
    throw refused();
  }
  const position = { seconds: seconds as number, nanoseconds: nanoseconds as number, path };
  const inRange =
    position.seconds >= MIN_SECONDS &&
    position.seconds <= MAX_SECONDS &&
    position.nanoseconds >= 0 &&
    position.nanoseconds <= 999_999_999;
  if (!inRange || sum !== checksum(scope, position)) {
    throw refused();
  }
  return position;
}
