// Retrying work that is safe to repeat (idempotent by a key, or re-reading what it changes), for the
// writes that record something that happened outside Firestore and nobody would redo for us: a
// provider's callback, a provider's acceptance of a push. Firestore's client already retries a
// transaction on contention and expiry; this covers what it gives up on (the emulator closes a
// transaction it let wait too long with INVALID_ARGUMENT, which the client does not retry).
import { logger } from "firebase-functions/logger";

/** Pauses before the second and the third attempt. */
export const IDEMPOTENT_RETRY_DELAYS_MS = [100, 400] as const;

export async function retryIdempotent<T>(
  what: string,
  context: Readonly<Record<string, unknown>>,
  attempt: () => Promise<T>,
  delaysMs: readonly number[] = IDEMPOTENT_RETRY_DELAYS_MS,
): Promise<T> {
  for (const delayMs of delaysMs) {
    try {
      return await attempt();
    } catch (error) {
      logger.warn(`${what} failed; trying again`, {
        ...context,
        error: error instanceof Error ? error.message : String(error),
        delayMs,
      });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  return attempt();
}
