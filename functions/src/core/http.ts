// The edge for HTTPS endpoints that browsers call: only configured origins get CORS headers (the
// rest are refused before anything runs), and every request counts against the route's limits.
// Provider callbacks do not come through here: they are not CORS endpoints.
import type { Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { callerIp } from "./callable.js";
import { AppError } from "./errors.js";
import { originAllowed, originOf, refusedOriginMessage } from "./origins.js";
import { enforceRateLimits, type Route } from "./rate-limit.js";

/** The slice of Express's request and response these handlers use. */
export interface HttpRequest {
  readonly method: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly ip?: string | undefined;
}
export interface HttpAnswer {
  status(code: number): this;
  set(field: string, value: string): this;
  json(body: unknown): void;
}
export interface HttpResponse extends HttpAnswer {
  end(): void;
}

/** Sends a refused rate limit as 429 with Retry-After. */
function sendRateLimited(res: HttpAnswer, error: AppError): void {
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === "number") res.set("Retry-After", String(retryAfter));
  res.status(429).json({ error: error.message });
}

/** Counts the request against `route`'s limits; false when it answered (429 or 503) instead. */
export async function admitRequest(
  db: Firestore,
  route: Route,
  req: Pick<HttpRequest, "headers" | "ip">,
  res: HttpAnswer,
  now: number,
): Promise<boolean> {
  try {
    await enforceRateLimits(db, route, { ip: callerIp(req) }, now);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "resource-exhausted") {
      sendRateLimited(res, error);
      return false;
    }
    logger.error("rate limiter unavailable", { route, error: error instanceof Error ? error.message : String(error) });
    res.status(503).json({ error: "Service unavailable. Please try again in a moment." });
    return false;
  }
}

export interface BrowserEndpoint {
  readonly route: Route;
  readonly methods: readonly string[];
  readonly db: () => Firestore;
  readonly allowedOrigins: () => readonly string[];
  readonly now: () => number;
}

export function browserEndpoint(
  endpoint: BrowserEndpoint,
  handler: (req: HttpRequest, res: HttpResponse) => Promise<void>,
): (req: HttpRequest, res: HttpResponse) => Promise<void> {
  return async (req, res) => {
    const origin = originOf(req.headers);
    res.set("Vary", "Origin");
    if (!originAllowed(origin, endpoint.allowedOrigins())) {
      res.status(403).json({ error: refusedOriginMessage(origin ?? "") });
      return;
    }
    if (origin !== undefined) res.set("Access-Control-Allow-Origin", origin);
    if (req.method === "OPTIONS") {
      res
        .set("Access-Control-Allow-Methods", endpoint.methods.join(", "))
        .set("Access-Control-Allow-Headers", "Content-Type")
        .set("Access-Control-Max-Age", "3600")
        .status(204)
        .end();
      return;
    }
    if (!(await admitRequest(endpoint.db(), endpoint.route, req, res, endpoint.now()))) return;
    await handler(req, res);
  };
}
