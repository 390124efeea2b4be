// The limiter's guarantees, proven against the Firestore emulator by calling the function every
// handler calls (enforceRateLimits) with 100+ concurrent callers: exactly the limit admitted, a Retry-After no longer
// than what is left of the window, refused attempts writing nothing, and every route sharing the
// general per-address bucket. Going through the Functions emulator instead would start a worker
// process per call in flight; tests/edge.emulator.test.ts proves the wiring with a handful of calls.
import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { adminDb } from "../../../tests/support/firestore.js";
import { bucketCount } from "../../../tests/support/limits.js";
import { AppError } from "./errors.js";
import { enforceRateLimits, LIMIT_CLASSES, type Requester, type Route } from "./rate-limit.js";

const db = adminDb();

type Outcome = { readonly admitted: true } | { readonly admitted: false; readonly error: AppError };

/** Runs every attempt at once; anything but an admission or a limiter refusal fails the test. */
async function attemptAll(attempts: readonly (() => Promise<unknown>)[]): Promise<Outcome[]> {
  return Promise.all(
    attempts.map(async (attempt): Promise<Outcome> => {
      try {
        await attempt();
        return { admitted: true };
      } catch (error) {
        if (error instanceof AppError && error.code === "resource-exhausted") return { admitted: false, error };
        throw error;
      }
    }),
  );
}

function admitted(outcomes: readonly Outcome[]): number {
  return outcomes.filter((outcome) => outcome.admitted).length;
}

function refusals(outcomes: readonly Outcome[]): AppError[] {
  return outcomes.flatMap((outcome) => (outcome.admitted ? [] : [outcome.error]));
}

function retryAfter(error: AppError): number {
  return error.details?.retryAfterSeconds as number;
}

let addresses = 0;
/** A client address no other caller in this run uses (IPv6 documentation range). */
function address(): string {
  addresses += 1;
  return `2001:db8::${addresses.toString(16)}`;
}
const uid = (): string => `limit-${randomUUID()}`;

describe("enforceRateLimits with 100+ concurrent callers", () => {
  it("frequent: 150 status checks by one user at once admit exactly 30; the refused write nothing", async () => {
    const [rule] = LIMIT_CLASSES.frequent;
    const user = uid();
    const requesters = Array.from({ length: 150 }, () => ({ uid: user, ip: address() }));
    const now = Date.now();
    const outcomes = await attemptAll(
      requesters.map((requester) => () => enforceRateLimits(db, "getPaymentStatus", requester, now)),
    );

    expect(admitted(outcomes)).toBe(rule.limit);
    const refused = refusals(outcomes);
    expect(refused).toHaveLength(150 - rule.limit);
    for (const error of refused) {
      expect(error.message).toMatch(/^Too many status checks\. Please wait \d+ seconds and try again\.$/);
      expect(retryAfter(error)).toBeGreaterThanOrEqual(1);
      expect(retryAfter(error)).toBeLessThanOrEqual(rule.windowMs / 1000);
    }
    // The user's bucket holds exactly the admitted attempts; a refused attempt did not even count
    // against its own address (all of an attempt's buckets are written, or none).
    expect(await bucketCount(`getPaymentStatus:frequent:uid:${user}`)).toBe(rule.limit);
    const perAddress = await Promise.all(
      requesters.map(async (requester) => await bucketCount(`general:ip:${requester.ip}`)),
    );
    expect(perAddress.filter((count) => count === 1)).toHaveLength(rule.limit);
    expect(perAddress.filter((count) => count === 0)).toHaveLength(150 - rule.limit);
  });

  it("sensitive: 120 verification attempts by one user at once admit exactly 5", async () => {
    const [rule] = LIMIT_CLASSES.sensitive;
    const user = uid();
    const now = Date.now();
    const outcomes = await attemptAll(
      Array.from(
        { length: 120 },
        () => () => enforceRateLimits(db, "verifyPaymentCode", { uid: user, ip: address() }, now),
      ),
    );
    expect(admitted(outcomes)).toBe(rule.limit);
    for (const error of refusals(outcomes)) {
      expect(error.message).toContain("Too many verification attempts");
      expect(retryAfter(error)).toBeLessThanOrEqual(rule.windowMs / 1000);
    }
  });

  it("general: 160 requests from one address across four routes admit exactly 100 in all", async () => {
    const [rule] = LIMIT_CLASSES.general;
    const ip = address();
    const routes: Route[] = ["health", "getPaymentStatus", "verifyPaymentCode", "rejectedCallback"];
    const attempts = Array.from({ length: 160 }, (_, i) => {
      const route = routes[i % routes.length]!;
      // Signed-in routes come from different users, so only the shared address limit can refuse.
      const requester: Requester =
        route === "getPaymentStatus" || route === "verifyPaymentCode" ? { uid: uid(), ip } : { ip };
      return { route, requester };
    });
    const now = Date.now();
    const outcomes = await attemptAll(
      attempts.map(
        ({ route, requester }) =>
          () =>
            enforceRateLimits(db, route, requester, now),
      ),
    );

    expect(admitted(outcomes)).toBe(rule.limit);
    for (const error of refusals(outcomes)) {
      expect(retryAfter(error)).toBeGreaterThanOrEqual(1);
      expect(retryAfter(error)).toBeLessThanOrEqual(rule.windowMs / 1000);
    }
    // Every route took from the one bucket.
    const admittedRoutes = new Set(attempts.filter((_, i) => outcomes[i]?.admitted).map(({ route }) => route));
    expect(admittedRoutes).toEqual(new Set(routes));
    expect(await bucketCount(`general:ip:${ip}`)).toBe(rule.limit);
    // A user refused by the address limit was not counted in their own bucket either.
    const userCounts = await Promise.all(
      attempts.map(async ({ route, requester }, i) => ({
        admitted: outcomes[i]?.admitted,
        own:
          requester.uid === undefined
            ? undefined
            : await bucketCount(
                `${route}:${route === "getPaymentStatus" ? "frequent" : "sensitive"}:uid:${requester.uid}`,
              ),
      })),
    );
    for (const { admitted: wasAdmitted, own } of userCounts.filter(({ own }) => own !== undefined)) {
      expect(own).toBe(wasAdmitted ? 1 : 0);
    }
  });
});

describe("payment attempts (createPayment counts before its transaction)", () => {
  /** What createPayment does for a new payment: count the attempt, then write the payment. */
  function pay(requester: Requester, attemptKey: string, now: number): () => Promise<void> {
    return async () => {
      await enforceRateLimits(db, "createPayment", requester, now, { attemptKey });
      await db.collection("limiterProbes").add({ uid: requester.uid ?? null, ip: requester.ip, attemptKey });
    };
  }

  async function probesOf(field: "uid" | "ip", value: string): Promise<number> {
    return (await db.collection("limiterProbes").where(field, "==", value).get()).size;
  }

  it("120 new payments by one user at once: exactly 5 admitted, the refused ones write nothing", async () => {
    const [perUser] = LIMIT_CLASSES.paymentCreation;
    const user = uid();
    const now = Date.now();
    const outcomes = await attemptAll(
      Array.from({ length: 120 }, () => pay({ uid: user, ip: address() }, randomUUID(), now)),
    );
    expect(admitted(outcomes)).toBe(perUser.limit);
    for (const error of refusals(outcomes)) {
      expect(error.message).toMatch(/^Too many payment attempts\. Please wait \d+ seconds and try again\.$/);
      expect(retryAfter(error)).toBeLessThanOrEqual(perUser.windowMs / 1000);
    }
    expect(await probesOf("uid", user)).toBe(perUser.limit);
    expect(await bucketCount(`createPayment:paymentCreation:uid:${user}`)).toBe(perUser.limit);
  });

  it("120 new payments from one address by different users at once: exactly 5 admitted", async () => {
    const perAddress = LIMIT_CLASSES.paymentCreation[1];
    const ip = address();
    const now = Date.now();
    const outcomes = await attemptAll(Array.from({ length: 120 }, () => pay({ uid: uid(), ip }, randomUUID(), now)));
    expect(admitted(outcomes)).toBe(perAddress.limit);
    for (const error of refusals(outcomes)) expect(retryAfter(error)).toBeLessThanOrEqual(perAddress.windowMs / 1000);
    expect(await probesOf("ip", ip)).toBe(perAddress.limit);
  });

  it("the same attempt arriving 100 times at once is counted once", async () => {
    const user = uid();
    const key = randomUUID();
    const now = Date.now();
    const outcomes = await attemptAll(
      Array.from(
        { length: 100 },
        () => () => enforceRateLimits(db, "createPayment", { uid: user, ip: address() }, now, { attemptKey: key }),
      ),
    );
    expect(admitted(outcomes)).toBe(100);
    expect(await bucketCount(`createPayment:paymentCreation:uid:${user}`)).toBe(1);
    // Four more attempts fit in the window, the fifth does not.
    for (let i = 0; i < 4; i++)
      await enforceRateLimits(db, "createPayment", { uid: user, ip: address() }, now, { attemptKey: randomUUID() });
    const sixth = await attemptAll([pay({ uid: user, ip: address() }, randomUUID(), now)]);
    expect(refusals(sixth)).toHaveLength(1);
  });
});

describe("windows and Retry-After", () => {
  it("promises exactly the wait left, opens a new window when it ends, and never more than the window", async () => {
    const [rule] = LIMIT_CLASSES.frequent;
    const requester = { uid: uid(), ip: address() };
    const start = Date.now();
    for (let i = 0; i < rule.limit; i++) await enforceRateLimits(db, "getPaymentStatus", requester, start);

    const late = await attemptAll([() => enforceRateLimits(db, "getPaymentStatus", requester, start + 45_500)]);
    expect(retryAfter(refusals(late)[0]!)).toBe(15);
    // A request that read the clock just before a concurrent one opened the window.
    const early = await attemptAll([() => enforceRateLimits(db, "getPaymentStatus", requester, start - 5_000)]);
    expect(retryAfter(refusals(early)[0]!)).toBe(rule.windowMs / 1000);

    await enforceRateLimits(db, "getPaymentStatus", requester, start + rule.windowMs);
    expect(await bucketCount(`getPaymentStatus:frequent:uid:${requester.uid}`)).toBe(1);
  });
});
