// The deployed reconcilePayments schedule. In production Cloud Scheduler POSTs to the function.
// firebase-tools' emulator registers v2 schedules with an "http" signature that its Pub/Sub bridge
// cannot dispatch ("Unsupported trigger signature: http"), so the test POSTs to the trigger path
// that bridge would have used, as Cloud Scheduler does.
import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { call, idempotencyKey, kenyanPhone, signUpAnonymous } from "../../../tests/support/client.js";
import { runSchedule } from "../../../tests/support/emulators.js";
import { adminDb, paymentEvents, waitForStatus } from "../../../tests/support/firestore.js";

describe("reconcilePayments (scheduled)", () => {
  it("expires a payment the provider still has not finished after 30 minutes", async () => {
    const user = await signUpAnonymous();
    const result = await call<{ paymentId: string; status: string }>(
      "createPayment",
      {
        idempotencyKey: idempotencyKey(),
        purpose: "wallet-topup",
        amount: 120_00,
        currency: "KES",
        phone: kenyanPhone("9999"),
      },
      { user },
    );
    if (!result.ok) throw new Error(result.message);
    expect(result.result.status).toBe("processing");
    const { paymentId } = result.result;
    await adminDb()
      .collection("payments")
      .doc(paymentId)
      .update({ createdAt: Timestamp.fromMillis(Date.now() - 31 * 60_000) });

    expect((await runSchedule("reconcilePayments")).status).toBe(200);

    const payment = await waitForStatus(paymentId, "expired");
    expect(payment).toMatchObject({ status: "expired", failureCode: "mpesa:no-final-status" });
    expect((await paymentEvents(paymentId)).map((event) => event.type)).toContain("expired");
  });
});
