// verifyPaymentCode: the payer of a paid entry confirms their email with the 6-digit code.
// At most CODE_MAX_ATTEMPTS tries; a wrong try is counted (committed) before the error is thrown.
import { FieldValue, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { noSuchPayment, paymentsCollection } from "../payments/records.js";
import { appendEvent } from "../payments/transitions.js";
import { constantTimeEqual } from "../shared/hashing.js";
import { hashCode } from "../shared/hashing.js";
import { CODE_MAX_ATTEMPTS, PAYMENT_CODES } from "./codes.js";
import type { VerifyPaymentCodeInput } from "./schemas.js";

type Outcome =
  | { readonly kind: "verified" }
  | { readonly kind: "wrong"; readonly attemptsLeft: number }
  | { readonly kind: "error"; readonly error: AppError };

export async function verifyPaymentCode(
  input: VerifyPaymentCodeInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<{ paymentId: string; verified: true }> {
  const { db } = deps;
  const paymentRef = paymentsCollection(db).doc(input.paymentId);
  const codeRef = PAYMENT_CODES.ref(db).doc(input.paymentId);
  // Every attempt counts, right or wrong and for any payment id: codes are guessable secrets.
  await enforceRateLimits(db, "verifyPaymentCode", caller, deps.now());
  const outcome = await db.runTransaction(async (tx): Promise<Outcome> => {
    const [paymentSnap, codeSnap] = await Promise.all([tx.get(paymentRef), tx.get(codeRef)]);
    const payment = paymentSnap.data();
    const code = codeSnap.data();
    if (payment?.uid !== caller.uid) {
      return { kind: "error", error: noSuchPayment() };
    }
    if (payment.verified) return { kind: "verified" };
    if (payment.purpose === "entry" && payment.status === "succeeded" && !code) {
      // Deleted by the TTL policy once expired (or, briefly, not issued yet): a new one can be
      // asked for either way.
      return {
        kind: "error",
        error: new AppError(
          "deadline-exceeded",
          "There is no valid code for this entry: it expired, or it is still on its way. Ask for a new code if none arrives.",
        ),
      };
    }
    if (payment.purpose !== "entry" || payment.status !== "succeeded" || !code) {
      return {
        kind: "error",
        error: new AppError(
          "failed-precondition",
          "This payment has no verification code to confirm (only paid entries do).",
        ),
      };
    }
    const { attempts } = code;
    if (attempts >= CODE_MAX_ATTEMPTS) {
      return {
        kind: "error",
        error: new AppError("resource-exhausted", "Too many wrong codes. Contact us to verify this entry."),
      };
    }
    if (code.expiresAt.toMillis() <= deps.now()) {
      return {
        kind: "error",
        error: new AppError("deadline-exceeded", "This code has expired. Ask for a new code."),
      };
    }
    const given = hashCode(input.code, code.salt);
    if (!constantTimeEqual(code.hash, given)) {
      tx.update(codeRef, { attempts: FieldValue.increment(1) });
      appendEvent(tx, paymentRef, { type: "code-rejected", data: { attempt: attempts + 1 } });
      return { kind: "wrong", attemptsLeft: CODE_MAX_ATTEMPTS - attempts - 1 };
    }
    tx.update(codeRef, { verifiedAt: FieldValue.serverTimestamp() });
    tx.update(paymentRef, { verified: true, updatedAt: FieldValue.serverTimestamp() });
    appendEvent(tx, paymentRef, { type: "code-verified" });
    return { kind: "verified" };
  });
  if (outcome.kind === "error") throw outcome.error;
  if (outcome.kind === "wrong") {
    throw new AppError(
      "invalid-argument",
      outcome.attemptsLeft > 0
        ? `code: that code is not right. ${outcome.attemptsLeft} ${outcome.attemptsLeft === 1 ? "try" : "tries"} left.`
        : "code: that code is not right, and that was the last try. Contact us to verify this entry.",
    );
  }
  return { paymentId: input.paymentId, verified: true };
}
