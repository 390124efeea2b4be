// The shared parts of property-based fuzzing: the fixed seed, the adversarial values, payloads
// near a callable's valid shape, and the check every callable's cases must pass. Each feature's
// fuzz file (tests/fuzz.emulator.test.ts, tests/fuzz/*.emulator.test.ts) lists its own callables,
// so the files run in parallel workers.
import fc from "fast-check";
import { expect } from "vitest";

import { call, randomIp, signUpAnonymous, type TestUser } from "./client.ts";
import { adminDb } from "./firestore.ts";
import { signUpOperator } from "./operators.ts";

const FIXED_SEED = 20_261_122;
export const seed =
  process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? FIXED_SEED);
export const CALLABLE_RUNS = 500;
export const HTTP_RUNS = 100;
/** Webhooks added with bills are fuzzed as hard as the callables. */
export const WEBHOOK_RUNS = 500;

export const nasty = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.string({ unit: "grapheme", maxLength: 300 }),
  fc.double(),
  fc.bigInt().map(String),
  fc.constant("x".repeat(100_000)),
  fc.constant(JSON.parse(`{"__proto__": {"admin": true}, "constructor": {"prototype": {"admin": true}}}`) as unknown),
  fc.array(fc.nat(), { maxLength: 20 }).map((path) => path.reduce<unknown>((inner) => [inner], {})),
);

/** Payloads near the valid shape (one field replaced or added) and far from it. */
export function around(valid: () => Record<string, unknown>): fc.Arbitrary<unknown> {
  const field = fc.constantFrom(...Object.keys(valid()), "__proto__", "constructor", "prototype", "admin", "uid", "");
  return fc.oneof(
    nasty,
    fc.tuple(field, nasty).map(([key, value]) => ({ ...valid(), [key]: value })),
    fc.dictionary(field, nasty, { maxKeys: 6 }),
  );
}

/** The payments and money callables fuzzed as an operator (the `admin` claim), past the role check. */
export const OPERATOR_CALLABLES: ReadonlySet<string> = new Set(["refundPayment"]);

/** The collections those callables write the caller's documents to, and which callables may. */
export const CALLER_WRITES: Record<string, readonly string[]> = {
  payments: ["createPayment", "checkout"],
  carts: ["addToCart", "updateCartLine", "removeFromCart"],
  checkouts: ["checkout"],
  orders: [],
  entries: ["submitEntry"],
  quotes: ["quote", "quoteBill"],
  bills: ["payBill"],
  withdrawals: ["withdraw"],
  billVerifications: ["verifyBillCustomer"],
  // A refund belongs to the payer, never to the operator who asks for it.
  refunds: [],
};

export async function hasPin(user: TestUser): Promise<boolean> {
  return (await adminDb().collection("pins").doc(user.uid).get()).exists;
}

export interface FuzzOptions {
  /** Sign the caller up as an operator (the `admin` claim), so the cases reach past the role check. */
  operator?: boolean;
  /** The collections callables write the caller's documents to (by `uid`), and which callables may. */
  writes?: Record<string, readonly string[]>;
}

async function ownedIn(collection: string, user: TestUser): Promise<number> {
  return (await adminDb().collection(collection).where("uid", "==", user.uid).get()).size;
}

/**
 * Runs CALLABLE_RUNS cases of `payload` against callable `name`, signed in or not, with App Check or
 * not: none may answer `internal` or a 5xx or leak a stack, and the caller owns no more documents in
 * `writes`' collections than the cases the callable accepted (none for a callable not listed).
 * Returns the number of accepted cases and the caller, for checks of the file's own.
 */
export async function fuzzCallable(
  name: string,
  payload: fc.Arbitrary<unknown>,
  options: FuzzOptions = {},
): Promise<{ accepted: number; user: TestUser }> {
  const user = options.operator ? await signUpOperator() : await signUpAnonymous();
  const caller = fc.record({ signedIn: fc.boolean(), appCheck: fc.boolean() });
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(payload, caller, async (data, { signedIn, appCheck }) => {
      const result = await call(name, data, { ...(signedIn ? { user } : {}), appCheck, ip: randomIp() });
      if (result.ok) {
        accepted++;
        return;
      }
      expect(result.code).not.toBe("internal");
      expect(result.httpStatus).toBeLessThan(500);
      expect(result.message.length).toBeGreaterThan(0);
      expect(result.message).not.toMatch(/at .+\.js|TypeError|undefined is not/);
      if (!signedIn || !appCheck) expect(result.code).toMatch(/unauthenticated|invalid-argument/);
    }),
    { numRuns: CALLABLE_RUNS, seed },
  );
  for (const [collection, writers] of Object.entries(options.writes ?? {})) {
    expect(await ownedIn(collection, user)).toBeLessThanOrEqual(writers.includes(name) ? accepted : 0);
  }
  return { accepted, user };
}
