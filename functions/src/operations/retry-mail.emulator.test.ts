// retryMailDelivery: in-process for the states and the audit, over HTTP for the wiring and the
// role check. Mail documents here are written with a delivery state already, so the deployed
// sendMail trigger (which only attempts new mail) leaves them alone.
import { randomUUID } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { call, idempotencyKey, signUpAnonymous } from "../../../tests/support/client.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { signUpOperator } from "../../../tests/support/operators.js";
import { deliverMail } from "../notifications/send.js";
import { retryMailDelivery } from "./retry-mail.js";

async function mailIn(state: string | undefined) {
  const ref = adminDb().collection("mail").doc(`retry-${randomUUID()}`);
  await ref.set({
    to: "payer@example.com",
    kind: "receipt",
    message: { subject: "Receipt", text: "Paid", html: "<p>Paid</p>" },
    createdAt: Timestamp.now(),
    ...(state ? { delivery: { state, at: Timestamp.now(), attempts: 5 } } : {}),
  });
  return ref;
}

const operator = { uid: `op-${randomUUID()}`, ip: "127.0.0.1", admin: true };

describe("retryMailDelivery", () => {
  it("sends a failed mail again, once per key, and audits it", async () => {
    const ref = await mailIn("error");
    const sent: unknown[] = [];
    const deps = {
      db: adminDb(),
      now: Date.now,
      deliver: (target: typeof ref) =>
        deliverMail(target, {
          db: adminDb(),
          apiKey: "SG.test",
          from: "x",
          send: (message) => Promise.resolve(sent.push(message)),
        }),
    };
    const input = { mailId: ref.id, idempotencyKey: idempotencyKey() };
    const results = await Promise.all([
      retryMailDelivery(input, operator, deps),
      retryMailDelivery(input, operator, deps),
      retryMailDelivery(input, operator, deps),
    ]);
    expect(results.map((result) => result.state)).toEqual(["sent", "sent", "sent"]);
    expect(results.filter((result) => !result.repeated)).toHaveLength(1);
    expect(sent).toHaveLength(1);
    const audits = await adminDb().collection("adminAudit").where("mailId", "==", ref.id).get();
    expect(audits.docs.map((doc) => doc.data())).toEqual([
      expect.objectContaining({
        action: "retry-mail",
        previousState: "error",
        by: operator.uid,
        email: "payer@example.com",
      }),
    ]);
    // Sent now: a new key is refused, never a second copy.
    await expect(
      retryMailDelivery({ mailId: ref.id, idempotencyKey: idempotencyKey() }, operator, deps),
    ).rejects.toMatchObject({ code: "failed-precondition", message: expect.stringContaining("delivered") });
  });

  it("refuses a mail whose last attempt may have gone out, a missing mail, and a reused key", async () => {
    const deps = { db: adminDb(), now: Date.now, deliver: () => Promise.reject(new Error("must not send")) };
    const sending = await mailIn("sending");
    await expect(
      retryMailDelivery({ mailId: sending.id, idempotencyKey: idempotencyKey() }, operator, deps),
    ).rejects.toMatchObject({ code: "failed-precondition", message: expect.stringContaining("may have been sent") });
    await expect(
      retryMailDelivery({ mailId: "no-such-mail", idempotencyKey: idempotencyKey() }, operator, deps),
    ).rejects.toMatchObject({ code: "not-found" });
    const first = await mailIn("not-sent");
    const key = idempotencyKey();
    await retryMailDelivery({ mailId: first.id, idempotencyKey: key }, operator, {
      ...deps,
      deliver: (target) => deliverMail(target, { db: adminDb(), apiKey: "disabled", from: "x" }),
    });
    const other = await mailIn("error");
    await expect(retryMailDelivery({ mailId: other.id, idempotencyKey: key }, operator, deps)).rejects.toMatchObject({
      code: "invalid-argument",
    });
  });

  it("over HTTP: an operator retries (locally: recorded, not sent); anyone else is refused", async () => {
    const ref = await mailIn("not-sent");
    const visitor = await signUpAnonymous();
    const refused = await call(
      "retryMailDelivery",
      { mailId: ref.id, idempotencyKey: idempotencyKey() },
      { user: visitor },
    );
    expect(refused).toMatchObject({ ok: false, code: "permission-denied" });
    const result = await call(
      "retryMailDelivery",
      { mailId: ref.id, idempotencyKey: idempotencyKey() },
      {
        user: await signUpOperator(),
      },
    );
    expect(result).toMatchObject({ ok: true, result: { mailId: ref.id, state: "not-sent", repeated: false } });
  });
});
