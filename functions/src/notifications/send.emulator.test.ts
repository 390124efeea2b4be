// The mail sender against the Firestore emulator. SendGrid itself is outside this machine's reach,
// so its client is the one thing replaced: by a recorder that can also fail.
import { describe, expect, it } from "vitest";

import { adminDb } from "../../../tests/support/firestore.js";
import { deliverMail, isSendgridKey } from "./send.js";

// A collection of its own: in mail/ the deployed sendMail trigger would claim the documents first.
const outbox = () => adminDb().collection("mailDeliveryTest");

async function mailDoc(extra: Record<string, unknown> = {}) {
  const ref = outbox().doc();
  await ref.set({
    to: "someone@example.com",
    message: { subject: "Hi", text: "Hello", html: "<p>Hello</p>" },
    ...extra,
  });
  return ref;
}

describe("deliverMail", () => {
  it("sends once with a SendGrid key, however often the trigger fires", async () => {
    const ref = await mailDoc();
    const sent: unknown[] = [];
    const deps = {
      db: adminDb(),
      apiKey: "SG.test",
      from: "Malipo <r@malipo.test>",
      send: (m: unknown) => Promise.resolve(sent.push(m)),
    };
    await Promise.all([deliverMail(ref, deps), deliverMail(ref, deps), deliverMail(ref, deps)]);
    expect(sent).toEqual([
      { to: "someone@example.com", from: "Malipo <r@malipo.test>", subject: "Hi", text: "Hello", html: "<p>Hello</p>" },
    ]);
    expect((await ref.get()).get("delivery.state")).toBe("sent");
  });

  it("records that nothing was sent without a SendGrid key", async () => {
    const ref = await mailDoc();
    await deliverMail(ref, { db: adminDb(), apiKey: "disabled", from: "x" });
    expect((await ref.get()).get("delivery")).toMatchObject({
      state: "not-sent",
      reason: expect.stringContaining("not a SendGrid key"),
    });
    expect(isSendgridKey("")).toBe(false);
  });

  it("records a refusal without the provider's error text", async () => {
    const ref = await mailDoc();
    const send = () => Promise.reject(new Error("401 Unauthorized: key SG.abc revoked"));
    await deliverMail(ref, { db: adminDb(), apiKey: "SG.test", from: "x", send });
    const delivery = (await ref.get()).get("delivery") as Record<string, unknown>;
    expect(delivery).toMatchObject({ state: "error", error: "the email service refused the message" });
    expect(JSON.stringify(delivery)).not.toContain("SG.abc");
  });

  it("marks a malformed mail document instead of throwing", async () => {
    const ref = outbox().doc();
    await ref.set({ to: 42 });
    await deliverMail(ref, {
      db: adminDb(),
      apiKey: "SG.test",
      from: "x",
      send: () => Promise.reject(new Error("must not send")),
    });
    expect((await ref.get()).get("delivery.state")).toBe("error");
  });
});
