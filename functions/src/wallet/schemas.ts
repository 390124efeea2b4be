// The wallet's read callables' inputs, validated at the edge with messages a person can act on.
// Dates are UTC: a day (2026-01-31) or an instant with its offset (2026-01-31T09:30:00Z). `from`
// is "on or after"; `to` is "up to and including": the whole day for a day, the instant itself
// otherwise.
import { z } from "zod";

import { LEDGER_CURRENCIES } from "../shared/catalog.js";

export const MAX_PAGE_SIZE = 20;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;
// Firestore timestamps end with 9999; nothing in the ledger is older than 1970.
const EARLIEST = 0;
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const DATE_HINT = "must be a date like 2026-01-31 or a time like 2026-01-31T09:30:00Z, from 1970 to 9999";

/** A moment in time, and whether a bound at it includes it. */
export interface Bound {
  readonly millis: number;
  readonly inclusive: boolean;
}

/** The calendar day is real (no 2026-02-30): a Date would roll it over silently. */
function realDay(year: string, month: string, day: string): number | undefined {
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day));
  const back = new Date(millis);
  const same =
    back.getUTCFullYear() === Number(year) &&
    back.getUTCMonth() === Number(month) - 1 &&
    back.getUTCDate() === Number(day);
  return same ? millis : undefined;
}

function parseDate(text: string, edge: "from" | "to"): Bound | undefined {
  const day = DAY.exec(text);
  if (day) {
    const start = realDay(day[1] ?? "", day[2] ?? "", day[3] ?? "");
    if (start === undefined || start < EARLIEST) return undefined;
    if (edge === "from") return { millis: start, inclusive: true };
    const end = start + DAY_MS;
    return end > LATEST ? { millis: LATEST, inclusive: true } : { millis: end, inclusive: false };
  }
  const instant = INSTANT.exec(text);
  if (!instant || realDay(instant[1] ?? "", instant[2] ?? "", instant[3] ?? "") === undefined) return undefined;
  const millis = Date.parse(text);
  const inRange = !Number.isNaN(millis) && millis >= EARLIEST && millis <= LATEST;
  return inRange ? { millis, inclusive: true } : undefined;
}

function dateField(edge: "from" | "to") {
  return z
    .string({ error: DATE_HINT })
    .max(40, DATE_HINT)
    .transform((text, context) => {
      const bound = parseDate(text, edge);
      if (!bound) {
        context.addIssue({ code: "custom", message: DATE_HINT });
        return z.NEVER;
      }
      return bound;
    });
}

export const getWalletInput = z.object({}).strict();
export type GetWalletInput = z.infer<typeof getWalletInput>;

export const listWalletActivityInput = z
  .object({
    currency: z.enum(LEDGER_CURRENCIES, { error: `must be one of: ${LEDGER_CURRENCIES.join(", ")}` }).optional(),
    kind: z
      .string({ error: "must be a kind of movement such as topup" })
      .regex(/^[a-z][a-z0-9-]{0,39}$/, "must be a kind of movement such as topup (lowercase letters and '-')")
      .optional(),
    from: dateField("from").optional(),
    to: dateField("to").optional(),
    cursor: z
      .string({ error: "must be the nextCursor of the previous page" })
      .min(1, "must be the nextCursor of the previous page")
      .max(600, "must be the nextCursor of the previous page")
      .optional(),
    pageSize: z
      .number({ error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
      .int(`must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .max(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
      .default(MAX_PAGE_SIZE),
  })
  .strict()
  .superRefine((input, context) => {
    const { from, to } = input;
    if (!from || !to) return;
    const empty = to.inclusive ? from.millis > to.millis : from.millis >= to.millis;
    if (empty) context.addIssue({ code: "custom", path: ["from"], message: "must not be after to" });
  });
export type ListWalletActivityInput = z.infer<typeof listWalletActivityInput>;
