// The deployed reconcilePayments schedule, triggered the way the emulator delivers schedules: a
// message on its Pub/Sub topic.
import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { call, idempotencyKey, kenyanPhone, signUpAnonymous } from "../../../tests/support/client.js";
import { emulatorOrigin, PROJECT_ID } from "../../../tests/support/emulators.js";
import { adminDb, paymentEvents, waitForStatus } from "../../../tests/support/firestore.js";

async function scheduleTopic(): Promise<string> {
  const response = await fetch(`${await emulatorOrigin("pubsub")}/v1/projects/${PROJECT_ID}/topics`);
  const { topics } = (await response.json()) as { topics?: { name: string }[] };
  const topic = topics
    ?.map((t) => t.name)
    .find((name) => name.includes("firebase-schedule") && name.includes("reconcilePayments"));
  if (!topic) throw new Error(`no schedule topic for reconcilePayments among ${JSON.stringify(topics)}`);
  return topic;
}

describe("reconcilePayments (scheduled)", () => {
  it("expires a payment the provider still has not finished after 30 minutes", async () => {
    const user = await signUpAnonymous();
    const result = await call<{ paymentId: string; status: string }>(
      "createPayment",
      {
        idempotencyKey: idempotencyKey(),
        purpose: "order",
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

    const topic = await scheduleTopic();
    const publish = await fetch(`${await emulatorOrigin("pubsub")}/v1/${topic}:publish`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ messages: [{ data: Buffer.from("{}").toString("base64") }] }),
    });
    expect(publish.status).toBe(200);

    const payment = await waitForStatus(paymentId, "expired", 25_000);
    expect(payment).toMatchObject({ status: "expired", failureCode: "mpesa:no-final-status" });
    expect((await paymentEvents(paymentId)).map((event) => event.type)).toContain("expired");
  });
});
