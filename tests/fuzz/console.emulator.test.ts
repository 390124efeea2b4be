// Fuzzing of the operator console's callable (retryMailDelivery), in a file of its own so it runs
// in a parallel worker. The same fixed seed and checks (tests/support/fuzz.ts): as an operator, so
// the cases reach past the role check to the mail lookup and the retry itself.
import { Timestamp } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";

import { idempotencyKey } from "../support/client.ts";
import { adminDb } from "../support/firestore.ts";
import { around, CALLABLE_RUNS, fuzzCallable, seed } from "../support/fuzz.ts";

const mailId = `fuzz-console-${Date.now()}`;

describe(`fuzzing the console's callables (seed ${seed})`, () => {
  // A mail that was not sent: near-valid cases that name it are retried for real.
  beforeAll(async () => {
    await adminDb()
      .collection("mail")
      .doc(mailId)
      .set({
        to: "fuzz@example.com",
        kind: "receipt",
        message: { subject: "Receipt", text: "Paid", html: "<p>Paid</p>" },
        createdAt: Timestamp.now(),
        delivery: { state: "error", at: Timestamp.now(), attempts: 5, error: "the email service refused the message" },
      });
  });

  it(`retryMailDelivery: ${CALLABLE_RUNS} cases, none internal, each retry audited once`, async () => {
    const { accepted, user } = await fuzzCallable(
      "retryMailDelivery",
      around(() => ({ mailId, idempotencyKey: idempotencyKey() })),
      { operator: true },
    );
    const audits = await adminDb().collection("adminAudit").where("by", "==", user.uid).get();
    expect(audits.size).toBeLessThanOrEqual(accepted);
    for (const audit of audits.docs) expect(audit.data()).toMatchObject({ action: "retry-mail", mailId });
    // Locally there is no SendGrid key: a retried mail is recorded, never sent.
    expect((await adminDb().collection("mail").doc(mailId).get()).get("delivery.state")).not.toBe("sent");
  });
});
