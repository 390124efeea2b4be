// The mail sender against the Firestore emulator. SendGrid itself is outside this machine's reach,
// so its client is the one thing replaced: by a recorder that can also fail.
import { describe, expect, it } from "vitest";

import { adminDb } from "../../../tests/support/firestore.js";
import { deliverMail, isSendgridKey, isTransientMailError, mailRetryDelayMs, retryDueMail } from "./send.js";

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

  it("a SendGrid stand-in that fails twice (429, then 503) then succeeds sends once, with backoff", async () => {
    const ref = await mailDoc();
    let clock = Date.now();
    const sent: unknown[] = [];
    const failures = [{ code: 429 }, { code: 503 }];
    const send = (message: unknown) => {
      const failure = failures.shift();
      if (failure) return Promise.reject(Object.assign(new Error("SendGrid busy"), failure));
      sent.push(message);
      return Promise.resolve();
    };
    const deps = { db: adminDb(), apiKey: "SG.test", from: "x", send, now: () => clock };
    const retry = () => retryDueMail(deps, outbox());

    await deliverMail(ref, deps);
    expect((await ref.get()).get("delivery")).toMatchObject({ state: "retrying", attempts: 1 });
    // Not due yet: nothing is attempted before the backoff has passed.
    expect(await retry()).toBe(0);
    clock += mailRetryDelayMs(1);
    await Promise.all([retry(), retry(), deliverMail(ref, deps)]);
    expect((await ref.get()).get("delivery")).toMatchObject({ state: "retrying", attempts: 2 });
    clock += mailRetryDelayMs(1);
    await retry();
    expect((await ref.get()).get("delivery.state")).toBe("retrying");
    clock += mailRetryDelayMs(2);
    await Promise.all([retry(), retry()]);
    expect((await ref.get()).get("delivery")).toMatchObject({ state: "sent", attempts: 3 });
    clock += mailRetryDelayMs(5);
    await Promise.all([retry(), deliverMail(ref, deps)]);
    expect(sent).toHaveLength(1);
  });

  it("five transient failures end the retries and raise an alert; a 4xx is not retried", async () => {
    const ref = await mailDoc();
    let clock = Date.now();
    let attempts = 0;
    const send = () => {
      attempts++;
      return Promise.reject(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    };
    const deps = { db: adminDb(), apiKey: "SG.test", from: "x", send, now: () => clock };
    await deliverMail(ref, deps);
    for (let attempt = 1; attempt < 5; attempt++) {
      clock += mailRetryDelayMs(attempt);
      await retryDueMail(deps, outbox());
    }
    expect(attempts).toBe(5);
    expect((await ref.get()).get("delivery")).toMatchObject({
      state: "error",
      attempts: 5,
      error: "the email service was unavailable 5 times; no more attempts",
    });
    const alert = await adminDb().collection("alerts").doc(`mail-undelivered-${ref.id}`).get();
    expect(alert.data()).toMatchObject({ type: "mail-undelivered", resolved: false, detail: { attempts: 5 } });
    clock += mailRetryDelayMs(5);
    expect(await retryDueMail(deps, outbox())).toBe(0);
    expect(attempts).toBe(5);

    expect(isTransientMailError(Object.assign(new Error("Bad Request"), { code: 400 }))).toBe(false);
    expect(isTransientMailError(Object.assign(new Error("Too Many Requests"), { code: 429 }))).toBe(true);
    expect(isTransientMailError(new Error("no code"))).toBe(false);
  });
});
