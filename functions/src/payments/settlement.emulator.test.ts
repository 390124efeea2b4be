// Money rule 5 (docs/money-rules.md): settlement dispatch delivered twice (same event id) or for two
// events of the same transition has one effect per handler. Dispatch runs here directly, against the
// Firestore emulator; the payer-mail and entry-code handlers answer for the mail.
import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { adminDb, eventually } from "../../../tests/support/firestore.js";
import { dispatchStatusChange } from "./settlement.js";
import type { PaymentRecord } from "./records.js";

function payment(overrides: Partial<PaymentRecord>): PaymentRecord {
  const now = Timestamp.now();
  return {
    uid: "u1",
    purpose: "entry",
    provider: "mpesa",
    amount: 100_00,
    currency: "KES",
    phone: "+254712345678",
    email: "dancer@example.com",
    name: "Njeri",
    reference: null,
    status: "processing",
    providerReference: "ws_CO_x",
    receipt: null,
    failureCode: null,
    customerMessage: "",
    idempotencyKey: "k",
    verified: false,
    initiatedAt: now,
    createdAt: now,
    updatedAt: now,
    settledAt: null,
    ...overrides,
  };
}

async function mailsOf(paymentId: string) {
  // The sendMail trigger also records delivery on these; only their number and kinds matter here.
  return (await adminDb().collection("mail").where("paymentId", "==", paymentId).get()).docs.map(
    (doc) => doc.get("kind") as string,
  );
}

describe("settlement dispatch: payer mail and entry codes", () => {
  it("one receipt and one code however often the success is delivered", async () => {
    const id = `notify-${Date.now()}-a`;
    const before = payment({});
    const after = payment({ status: "succeeded", receipt: "SAB12", settledAt: Timestamp.now() });
    await Promise.all([
      dispatchStatusChange(adminDb(), id, before, after, "event-1"),
      dispatchStatusChange(adminDb(), id, before, after, "event-1"),
      dispatchStatusChange(adminDb(), id, before, after, "event-2"),
    ]);
    await dispatchStatusChange(adminDb(), id, before, after, "event-1");
    expect((await mailsOf(id)).sort()).toEqual(["receipt", "verification-code"]);
    const code = await adminDb().collection("paymentCodes").doc(id).get();
    expect(code.get("attempts")).toBe(0);
  });

  it("no second code when the success is delivered again after the TTL policy deleted the first", async () => {
    const id = `notify-${Date.now()}-e`;
    const before = payment({});
    const after = payment({ status: "succeeded", receipt: "SAB13", settledAt: Timestamp.now() });
    await dispatchStatusChange(adminDb(), id, before, after, "event-1");
    // What the TTL policy does to the expired code (the emulator does not run TTL policies).
    await adminDb().collection("paymentCodes").doc(id).delete();
    await dispatchStatusChange(adminDb(), id, before, after, "event-2");
    expect((await mailsOf(id)).sort()).toEqual(["receipt", "verification-code"]);
    expect((await adminDb().collection("paymentCodes").doc(id).get()).exists).toBe(false);
  });

  it("one failure notice for a failed payment, none when the status did not change", async () => {
    const id = `notify-${Date.now()}-b`;
    const failed = payment({ status: "failed", customerMessage: "Your M-Pesa balance is not enough." });
    await Promise.all([1, 2, 3].map((n) => dispatchStatusChange(adminDb(), id, payment({}), failed, `e${n}`)));
    await dispatchStatusChange(adminDb(), id, failed, failed, "e4");
    const kinds = await eventually(
      () => mailsOf(id),
      (k) => k.length >= 1,
    );
    expect(kinds).toEqual(["failure-notice"]);
  });

  it("nothing for a conflict: the money is in question, so no receipt and no failure notice", async () => {
    const id = `notify-${Date.now()}-d`;
    await dispatchStatusChange(
      adminDb(),
      id,
      payment({}),
      payment({ status: "conflict", failureCode: "mismatch:amount" }),
      "e1",
    );
    expect(await mailsOf(id)).toEqual([]);
  });

  it("nothing for a payment without an email address", async () => {
    const id = `notify-${Date.now()}-c`;
    await dispatchStatusChange(
      adminDb(),
      id,
      payment({ email: null }),
      payment({ email: null, status: "succeeded" }),
      "e1",
    );
    expect(await mailsOf(id)).toEqual([]);
  });
});
