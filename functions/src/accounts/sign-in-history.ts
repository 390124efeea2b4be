// The sign-in history (signIns/{eventId}), written by the beforeUserSignedIn blocking function.
// Firebase Auth waits for a blocking function before it answers the sign-in (at most 7 seconds,
// then the sign-in fails), so recording must be quick and must never decide the outcome: the write
// gets a budget, and a failure or a slow database is logged and the sign-in goes ahead.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { SIGN_IN_HISTORY_DAYS, SIGN_INS } from "./collections.js";
import { storedUserAgent, summarizeUserAgent } from "./user-agent.js";

/** How long the write may take before the sign-in goes ahead without waiting for it. */
export const HISTORY_BUDGET_MS = 1_500;
const DAY = 86_400_000;

/** The slice of the blocking event the history reads (firebase-functions' AuthBlockingEvent). */
export interface SignInEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly ipAddress: string;
  readonly userAgent: string;
  readonly credential?: { readonly signInMethod?: string } | null | undefined;
  readonly data?: { readonly uid: string } | undefined;
}

/** "password" from "providers/cloud.auth/eventTypes/user.beforeSignIn:password". */
export function signInMethod(event: Pick<SignInEvent, "eventType" | "credential">): string {
  const method = event.credential?.signInMethod ?? event.eventType.split(":")[1];
  return method && /^[\w.-]{1,40}$/.test(method) ? method : "unknown";
}

export type HistoryOutcome = "recorded" | "failed" | "over-budget" | "no-user";

/**
 * Records one sign-in and says what happened to the record; never throws, and returns within
 * `budgetMs` whatever the database does.
 */
export async function recordSignIn(
  db: Firestore,
  event: SignInEvent,
  now: number,
  budgetMs = HISTORY_BUDGET_MS,
): Promise<HistoryOutcome> {
  const uid = event.data?.uid;
  if (!uid) return "no-user";
  let timer: NodeJS.Timeout | undefined;
  try {
    const write = SIGN_INS.ref(db)
      .doc(event.eventId.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 100) || `${uid}_${now}`)
      .set({
        uid,
        at: Timestamp.fromMillis(now),
        ip: event.ipAddress.slice(0, 64),
        userAgent: storedUserAgent(event.userAgent),
        summary: summarizeUserAgent(event.userAgent),
        method: signInMethod(event),
        outcome: "allowed",
        expiresAt: Timestamp.fromMillis(now + SIGN_IN_HISTORY_DAYS * DAY),
      })
      .then((): HistoryOutcome => "recorded");
    const late = new Promise<HistoryOutcome>((resolve) => {
      timer = setTimeout(() => {
        resolve("over-budget");
      }, budgetMs);
    });
    const outcome = await Promise.race([write, late]);
    if (outcome === "over-budget") {
      // The write may still land; the sign-in does not wait for it.
      write.catch((error: unknown) => {
        logger.error("sign-in history not recorded", { uid, error: String(error) });
      });
      logger.warn("sign-in history write over budget; sign-in allowed", { uid, budgetMs });
    }
    return outcome;
  } catch (error) {
    logger.error("sign-in history not recorded; sign-in allowed", { uid, error: String(error) });
    return "failed";
  } finally {
    clearTimeout(timer);
  }
}
