// Step-up: a fresh second factor, exchanged for a grant that lets one operation through once.
// stepUp checks a current code (or a recovery code) and creates stepUpGrants/{id} in the same
// commit that spends the code, so a code buys at most one grant. The grant is bound to its
// operation, and for money to its amount and currency, and lasts 5 minutes.
//
// An operation consumes it with consumeStepUp before any money moves (or in the commit that makes
// its change): a compare-and-set of `usedBy` from null to the operation's own idempotency id, so
// of any number of concurrent operations exactly one uses a grant. The same id again (a retry of
// the same withdrawal after a wrong PIN) finds the grant already its own and goes on; any other
// use is refused with a sentence and nothing changed.
import { randomBytes } from "node:crypto";

import { Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { commitOptimistically, versionOf } from "../core/optimistic.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import type { Currency } from "../shared/catalog.js";
import { formatMoney } from "../shared/money.js";
import { MONEY_OPERATIONS, STEP_UP_GRANTS, type StepUpGrantRecord, type StepUpOperation } from "./collections.js";
import { factorOf, type TwoFactorDeps } from "./enrol.js";
import { checkFactor, twoFactorEnabled } from "./factor.js";
import type { StepUpInput } from "./schemas.js";

export const STEP_UP_GRANT_MS = 5 * 60_000;

const OPERATION_NAMES: Readonly<Record<StepUpOperation, string>> = {
  withdraw: "a withdrawal",
  changePin: "a PIN change",
  payBill: "a bill payment",
  changeContact: "an email change",
};

export interface StepUpGrantView {
  readonly grantId: string;
  readonly operation: StepUpOperation;
  readonly amount: number | null;
  readonly currency: Currency | null;
  /** epoch ms */
  readonly expiresAt: number;
}

export async function stepUp(input: StepUpInput, caller: Caller, deps: TwoFactorDeps): Promise<StepUpGrantView> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "stepUp", caller, now);
  const money = MONEY_OPERATIONS.has(input.operation);
  const grantId = randomBytes(20).toString("hex");
  const grant: StepUpGrantRecord = {
    uid: caller.uid,
    operation: input.operation,
    amount: money ? (input.amount ?? null) : null,
    currency: money ? (input.currency ?? null) : null,
    method: "code" in input && input.code !== undefined ? "totp" : "recovery-code",
    createdAt: Timestamp.fromMillis(now),
    expiresAt: Timestamp.fromMillis(now + STEP_UP_GRANT_MS),
    usedBy: null,
    usedAt: null,
  };
  const ref = STEP_UP_GRANTS.ref(db).doc(grantId);
  await checkFactor({
    db,
    uid: caller.uid,
    factor: factorOf(input),
    expected: "enabled",
    now,
    onRight: () => ({ also: (batch) => batch.create(ref, grant) }),
  });
  return {
    grantId,
    operation: grant.operation,
    amount: grant.amount,
    currency: grant.currency,
    expiresAt: grant.expiresAt.toMillis(),
  };
}

export interface StepUpNeed {
  readonly uid: string;
  readonly operation: StepUpOperation;
  /** For money operations: what the operation moves, minor units. */
  readonly amount?: number;
  readonly currency?: Currency;
}

function describeNeed(need: StepUpNeed): string {
  const what = OPERATION_NAMES[need.operation];
  return need.amount !== undefined && need.currency !== undefined
    ? `${what} of ${formatMoney(need.amount, need.currency)}`
    : what;
}

/** The answer to an operation that needs a (new) step-up: the page asks for a code and retries. */
function stepUpRefusal(need: StepUpNeed, why: string): AppError {
  return new AppError("failed-precondition", `stepUpGrant: ${why}`, {
    stepUpRequired: true,
    operation: need.operation,
    amount: need.amount ?? null,
    currency: need.currency ?? null,
  });
}

export interface Consumption extends StepUpNeed {
  readonly grantId: string;
  /** The operation attempt's own id (its idempotency id): the same id may present the grant again. */
  readonly claim: string;
  readonly now: number;
}

/** Uses the grant for this operation, once: compare-and-set of usedBy. Throws a sentence otherwise. */
export async function consumeStepUp(db: Firestore, use: Consumption): Promise<void> {
  const ref = STEP_UP_GRANTS.ref(db).doc(use.grantId);
  await commitOptimistically(async () => {
    const snapshot = await ref.get();
    const grant = snapshot.data();
    const version = versionOf([snapshot]);
    if (grant?.uid !== use.uid) {
      throw stepUpRefusal(
        use,
        "there is no such step-up grant for you. Enter a current code from your authenticator app.",
      );
    }
    if (grant.usedBy === use.claim) return { version, commit: () => Promise.resolve() };
    if (grant.usedBy !== null) {
      throw stepUpRefusal(
        use,
        "this step-up grant was already used; each is good for one operation. Enter a new code.",
      );
    }
    if (grant.operation !== use.operation) {
      throw stepUpRefusal(
        use,
        `this step-up grant is for ${OPERATION_NAMES[grant.operation]}, not ${OPERATION_NAMES[use.operation]}. Enter a new code for this one.`,
      );
    }
    if (MONEY_OPERATIONS.has(use.operation) && (grant.amount !== use.amount || grant.currency !== use.currency)) {
      const granted =
        grant.amount !== null && grant.currency !== null ? formatMoney(grant.amount, grant.currency) : "no amount";
      throw stepUpRefusal(
        use,
        `this step-up grant is for ${granted}, not for ${describeNeed(use)}. Enter a new code for this amount.`,
      );
    }
    if (grant.expiresAt.toMillis() <= use.now) {
      throw stepUpRefusal(use, "this step-up grant has expired (each lasts 5 minutes). Enter a new code.");
    }
    const updateTime = snapshot.updateTime;
    if (!updateTime) throw new Error(`${ref.path} was read without an update time`);
    const commit = async () => {
      await ref.update({ usedBy: use.claim, usedAt: Timestamp.fromMillis(use.now) }, { lastUpdateTime: updateTime });
    };
    return { version, commit };
  }, "This step-up grant is being used by several requests at once. Please try again in a few seconds.");
}

export interface StepUpRequest extends StepUpNeed {
  /** The grant the caller sent, if any. */
  readonly grantId: string | undefined;
  readonly claim: string;
  readonly now: number;
}

/**
 * Whether this operation must consume a grant: false for a user without two-step verification (the
 * PIN path, unchanged); for a user with it, true when a grant was sent, and a refusal (asking for a
 * code) when none was, before the operation tries anything else.
 */
export async function stepUpNeeded(db: Firestore, request: StepUpNeed & { readonly grantId: string | undefined }) {
  if (!(await twoFactorEnabled(db, request.uid))) return false;
  if (request.grantId === undefined) {
    throw stepUpRefusal(
      request,
      `${describeNeed(request)} needs a code from your authenticator app (two-step verification is on). Enter it, then try again.`,
    );
  }
  return true;
}

/**
 * For an operation that a user with two-step verification may do only after a step-up: a user
 * without it passes; a user with it must present a grant for exactly this operation (and amount),
 * which is used up here. Call it after the operation's own checks and before anything is held or
 * changed.
 */
export async function requireStepUp(db: Firestore, request: StepUpRequest): Promise<void> {
  if (!(await stepUpNeeded(db, request))) return;
  await consumeStepUp(db, { ...request, grantId: request.grantId ?? "" });
}
