// Fee rules: feeRules/{service}:{currency}:v{version}, one document per version of a service's
// price in a currency, written by operators (Admin SDK) and readable by every signed-in customer
// (prices are public). A new price is a new version with its own effectiveFrom, never an edit, so
// a quote can always name the rule it was priced by. The rule in force at t is the one with the
// greatest effectiveFrom <= t, and of those the highest version.
//
// A rule that does not match the schema is an operator's mistake: it is logged, and the service
// is not quoted in that currency (failed-precondition) until it is fixed, rather than priced by a
// guess. A document whose effectiveFrom is not a timestamp is never found by the query, so it is
// never in force.
import { logger } from "firebase-functions/logger";
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { z } from "zod";

import { defineCollection } from "../core/collections.js";
import { AppError } from "../core/errors.js";
import {
  CURRENCY_CODES,
  PRICED_SERVICES,
  SERVICE_LABELS,
  type Currency,
  type PricedService,
} from "../shared/catalog.js";
import { bpsPrice, checkPrice, flatPrice, tiersPrice } from "./fee.js";

const identity = {
  service: z.enum(PRICED_SERVICES),
  currency: z.enum(CURRENCY_CODES),
  version: z.number().int().min(1),
  effectiveFrom: z.instanceof(Timestamp),
  /** Major units of purchase per reward point earned (100: KES 1,000 earns 10 points). */
  pointsDivisor: z.number().int().min(1).max(1_000_000),
};

export const feeRuleSchema = z
  .discriminatedUnion("kind", [
    flatPrice.extend(identity).strict(),
    bpsPrice.extend(identity).strict(),
    tiersPrice.extend(identity).strict(),
  ])
  .superRefine(checkPrice);
export type FeeRule = z.infer<typeof feeRuleSchema>;

export const FEE_RULES = defineCollection("feeRules", feeRuleSchema);

export function feeRuleId(rule: Pick<FeeRule, "service" | "currency" | "version">): string {
  return `${rule.service}:${rule.currency}:v${rule.version}`;
}

export interface RuleInForce {
  readonly id: string;
  readonly rule: FeeRule;
}

function laterFirst(a: RuleInForce, b: RuleInForce): number {
  return b.rule.effectiveFrom.toMillis() - a.rule.effectiveFrom.toMillis() || b.rule.version - a.rule.version;
}

/** The rule pricing `service` in `currency` at `at` (ms), or failed-precondition. */
export async function ruleInForce(
  db: Firestore,
  service: PricedService,
  currency: Currency,
  at: number,
): Promise<RuleInForce> {
  // A handful of versions per (service, currency): all that have started are read and ordered
  // here, so ties on effectiveFrom need no second index, and a broken one is never skipped over.
  const snapshot = await FEE_RULES.ref(db)
    .where("service", "==", service)
    .where("currency", "==", currency)
    .where("effectiveFrom", "<=", Timestamp.fromMillis(at))
    .orderBy("effectiveFrom", "desc")
    .get();
  const rules = snapshot.docs.map((doc): RuleInForce => {
    try {
      return { id: doc.id, rule: doc.data() };
    } catch (error) {
      logger.error("fee rule does not match its schema; quotes refused until it is fixed", {
        ruleId: doc.id,
        service,
        currency,
        error: error instanceof Error ? error.message : String(error),
      });
      throw new AppError(
        "failed-precondition",
        `service: ${SERVICE_LABELS[service]} in ${currency} cannot be priced right now. Please try again later.`,
      );
    }
  });
  const [current] = rules.sort(laterFirst);
  if (!current) {
    throw new AppError("failed-precondition", `service: ${SERVICE_LABELS[service]} is not offered in ${currency} yet.`);
  }
  return current;
}
