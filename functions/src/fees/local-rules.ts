// The fee rules `npm start` seeds (tools/seed.ts), and that the quote tests load the same way:
// one rule per service and currency, in force since 2025. They are local, illustrative prices
// (a real project's are written by its operators), sized in each currency from one Kenyan table
// so that every currency has a rule of every kind. The example customers see: airtime for
// KES 1,000 costs a KES 50 fee, KES 1,050 in all, and earns 10 points.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

import { CURRENCY_CODES, PRICED_SERVICES, type Currency, type PricedService } from "../shared/catalog.js";
import { minorPerMajor } from "../shared/money.js";
import type { FeePrice } from "./fee.js";
import { FEE_RULES, feeRuleId, feeRuleSchema, type FeeRule } from "./rules.js";

export const LOCAL_RULES_FROM = Timestamp.fromMillis(Date.UTC(2025, 0, 1));

/** About how many units of each currency a Kenyan shilling buys, so local prices look right. */
const PER_KES: Readonly<Record<Currency, number>> = { KES: 1, UGX: 30, NGN: 12, MWK: 13 };

/** Each service's price in Kenyan shillings (major units), and its major units per point. */
function kenyanPrice(
  service: PricedService,
  kes: (major: number) => number,
): { price: FeePrice; pointsDivisor: number } {
  switch (service) {
    case "airtime":
      return { price: { kind: "bps", bps: 500, min: kes(5), max: kes(500) }, pointsDivisor: 100 };
    case "data":
      return { price: { kind: "bps", bps: 300, min: kes(5), max: kes(300) }, pointsDivisor: 100 };
    case "electricity":
      return {
        price: {
          kind: "tiers",
          tiers: [
            { upTo: kes(1_000), flat: kes(20) },
            { upTo: kes(10_000), flat: kes(50) },
            { upTo: null, flat: kes(50), bps: 50 },
          ],
          max: kes(500),
        },
        pointsDivisor: 200,
      };
    case "tv":
    case "internet":
      return { price: { kind: "flat", flat: kes(30) }, pointsDivisor: 100 };
    case "education":
    case "insurance":
      return { price: { kind: "flat", flat: kes(20) }, pointsDivisor: 100 };
    case "withdrawal":
      // Banded like mobile-money tariffs; a withdrawal earns no points whatever the divisor.
      return {
        price: {
          kind: "tiers",
          tiers: [
            { upTo: kes(1_000), flat: kes(15) },
            { upTo: kes(10_000), flat: kes(30) },
            { upTo: null, flat: kes(50) },
          ],
        },
        pointsDivisor: 100,
      };
  }
}

function localRule(service: PricedService, currency: Currency): FeeRule {
  const scale = PER_KES[currency];
  // Kenyan major units → this currency's minor units.
  const kes = (major: number) => major * scale * minorPerMajor(currency);
  const { price, pointsDivisor } = kenyanPrice(service, kes);
  return feeRuleSchema.parse({
    ...price,
    service,
    currency,
    version: 1,
    effectiveFrom: LOCAL_RULES_FROM,
    // A point is worth one major unit in every currency (rewards/earn.ts), so the same divisor
    // gives the same reward rate everywhere: 1 % for airtime.
    pointsDivisor,
  });
}

export const LOCAL_FEE_RULES: readonly FeeRule[] = PRICED_SERVICES.flatMap((service) =>
  CURRENCY_CODES.map((currency) => localRule(service, currency)),
);

/** Writes LOCAL_FEE_RULES (the same documents every time, so running it twice is harmless). */
export async function seedLocalFeeRules(db: Firestore): Promise<number> {
  const batch = db.batch();
  for (const rule of LOCAL_FEE_RULES) batch.set(FEE_RULES.ref(db).doc(feeRuleId(rule)), rule);
  await batch.commit();
  return LOCAL_FEE_RULES.length;
}
