// How many X-Forwarded-For entries, counted from the right, our own proxies wrote
// (TRUSTED_PROXY_HOPS, README "Configuration"). Read at call time; kept apart from config.ts so
// that the callable edge does not load every other parameter's definition.
import { defineInt } from "firebase-functions/params";

export const TRUSTED_PROXY_HOPS = defineInt("TRUSTED_PROXY_HOPS", {
  default: 1,
  description:
    "X-Forwarded-For entries appended by trusted proxies, counted from the right: 1 on Cloud Functions called at its own URL",
});

/**
 * At least 1: a function is always behind Google's front end. An unresolved parameter reads as 0
 * (unit tests, tools), which means the default.
 */
export function trustedProxyHops(): number {
  return Math.max(1, TRUSTED_PROXY_HOPS.value());
}
