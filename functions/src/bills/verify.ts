// verifyBillCustomer: asks the biller whose meter, smartcard or account a number is, before any
// money moves, and keeps the answer for 30 minutes as billVerifications/{id} for payBill to name.
import { Timestamp, type Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { ProviderError } from "../providers/errors.js";
import { currentVariation, sellableService, type SellableService } from "./catalogue.js";
import { BILL_VERIFICATIONS, type BillVerificationRecord } from "./collections.js";
import type { BillsDeps } from "./deps.js";
import type { VerifyBillCustomerInput } from "./schemas.js";

export const VERIFICATION_TTL_MS = 30 * 60_000;

export interface VerificationView {
  readonly verificationId: string;
  readonly customerName: string;
  readonly details: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/**
 * The caller's own, unexpired verification of `serviceId` (and of `customerNumber` when given):
 * what payBill names, and what a renewal is priced from.
 */
export async function usableVerification(
  db: Firestore,
  request: { verificationId: string | undefined; uid: string; service: SellableService; customerNumber?: string },
  now: number,
): Promise<BillVerificationRecord> {
  const { service } = request;
  if (!request.verificationId) {
    throw new AppError(
      "failed-precondition",
      `verificationId: check the ${service.verification ?? "customer"} number with verifyBillCustomer first.`,
    );
  }
  const verification = (await BILL_VERIFICATIONS.ref(db).doc(request.verificationId).get()).data();
  if (
    verification?.uid !== request.uid ||
    verification.serviceId !== service.id ||
    (request.customerNumber !== undefined && verification.customerNumber !== request.customerNumber)
  ) {
    throw new AppError(
      "failed-precondition",
      "verificationId: it does not belong to this service and number; check the number again.",
    );
  }
  if (verification.expiresAt.toMillis() <= now) {
    throw new AppError("failed-precondition", "verificationId: the check has expired; check the number again.");
  }
  return verification;
}

/** What renewing the verified smartcard's current bouquet costs, as the biller said. */
export function renewalAmountOf(service: SellableService, verification: BillVerificationRecord): number {
  if (service.category !== "tv") {
    throw new AppError("invalid-argument", `subscriptionType: only TV subscriptions are renewed, not ${service.name}.`);
  }
  if (!verification.renewalAmount) {
    throw new AppError(
      "failed-precondition",
      `subscriptionType: ${service.name} gave no renewal price for smartcard ${verification.customerNumber}; choose a plan to change to instead.`,
    );
  }
  return verification.renewalAmount;
}

export async function verifyBillCustomer(
  input: VerifyBillCustomerInput,
  caller: Caller,
  deps: Pick<BillsDeps, "db" | "provider" | "now">,
): Promise<VerificationView> {
  const { db } = deps;
  const now = deps.now();
  await enforceRateLimits(db, "verifyBillCustomer", caller, now);
  const provider = deps.provider();
  const stored = await sellableService(db, input.serviceId, now);
  if (input.variationCode) currentVariation(stored, input.variationCode);
  if (stored.verification === null) {
    throw new AppError(
      "failed-precondition",
      `serviceId: ${stored.name} needs no verification; pay with the phone number directly.`,
    );
  }
  let customer;
  try {
    customer = await provider.verifyCustomer({
      serviceId: input.serviceId,
      customerNumber: input.customerNumber,
      variationCode: input.variationCode,
    });
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "declined") {
      throw new AppError("not-found", `customerNumber: ${error.customerMessage}`);
    }
    if (error instanceof ProviderError) throw new AppError("unavailable", error.customerMessage);
    throw error;
  }
  const ref = BILL_VERIFICATIONS.ref(db).doc();
  const expiresAt = Timestamp.fromMillis(now + VERIFICATION_TTL_MS);
  await ref.create({
    uid: caller.uid,
    serviceId: input.serviceId,
    customerNumber: input.customerNumber,
    variationCode: input.variationCode ?? null,
    customerName: customer.customerName,
    details: { ...customer.details },
    renewalAmount: customer.renewalAmount ?? null,
    createdAt: Timestamp.fromMillis(now),
    expiresAt,
  });
  return {
    verificationId: ref.id,
    customerName: customer.customerName,
    details: customer.details,
    expiresAt: expiresAt.toDate().toISOString(),
  };
}
