// What the callables' edge counts for the alert rules (operations/alert-rules.ts): every
// unexpected error (answered `internal`) and every answer slower than SLOW_CALL_MS, per UTC minute.
// A counter is incremented without being read, so counting never contends with the call it counts
// beyond one small write; a failure to count is logged and never fails the call.
import { FieldValue, Timestamp, type Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import { OPS_COUNTERS } from "./collections.js";

/** "Responses slower than 5 s" (the seeds' rule), measured from the edge's first check to its answer. */
export const SLOW_CALL_MS = 5_000;

export type CallMetricKind = "error" | "slow";

export interface CallMetric {
  readonly kind: CallMetricKind;
  /** The callable's name. */
  readonly name: string;
  /** When the answer was given (ms). */
  readonly at: number;
}

/** The UTC minute of `ms`, as the counter's id suffix: 202612031405. */
export function minuteKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-T:]/g, "");
}

export function counterId(kind: CallMetricKind, ms: number): string {
  return `${kind}:${minuteKey(ms)}`;
}

export async function recordCallMetric(db: Firestore, metric: CallMetric): Promise<void> {
  const minute = Math.floor(metric.at / 60_000) * 60_000;
  try {
    // Not through the converter: increments are FieldValues, not numbers.
    await db
      .collection(OPS_COUNTERS.id)
      .doc(counterId(metric.kind, metric.at))
      .set(
        {
          kind: metric.kind,
          minute: Timestamp.fromMillis(minute),
          count: FieldValue.increment(1),
          byName: { [metric.name]: FieldValue.increment(1) },
        },
        { merge: true },
      );
  } catch (error) {
    logger.warn("call metric not recorded", {
      ...metric,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
