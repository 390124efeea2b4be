// verifyBillCustomer: asks the biller whose meter, smartcard or account a number is, before any
// money moves, and keeps the answer for 30 minutes as billVerifications/{id} for payBill to name.
import { Timestamp } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { AppError } from "../core/errors.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { ProviderError } from "../providers/errors.js";
import { currentVariation, sellableService } from "./catalogue.js";
import { BILL_VERIFICATIONS } from "./collections.js";
import type { BillsDeps } from "./deps.js";
import type { VerifyBillCustomerInput } from "./schemas.js";

export const VERIFICATION_TTL_MS = 30 * 60_000;

export interface VerificationView {
  readonly verificationId: string;
  readonly customerName: string;
  readonly details: Readonly<Record<string, string>>;
  readonly expiresAt: string;
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
