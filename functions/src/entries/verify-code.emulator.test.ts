// verifyPaymentCode: the code from the email confirms a paid entry; wrong codes are counted.
import { Timestamp } from "firebase-admin/firestore";
import { beforeAll, describe, expect, it } from "vitest";

import { call, signUpAnonymous } from "../../../tests/support/client.js";
import { paidEntry, seedCompetitions } from "../../../tests/support/entries.js";
import { adminDb, paymentDoc } from "../../../tests/support/firestore.js";

beforeAll(seedCompetitions);

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("verifyPaymentCode", () => {
  it("confirms a paid entry with the emailed code, once and for all", async () => {
    const { user, paymentId, code } = await paidEntry();
    expect(code).toMatch(/^\d{6}$/);
    const stored = (await adminDb().collection("paymentCodes").doc(paymentId).get()).data();
    expect(JSON.stringify(stored)).not.toContain(code);
    expect(await call("verifyPaymentCode", { paymentId, code }, { user })).toEqual({
      ok: true,
      result: { paymentId, verified: true },
    });
    expect((await paymentDoc(paymentId))?.verified).toBe(true);
    expect(await call("verifyPaymentCode", { paymentId, code: wrong(code) }, { user })).toMatchObject({ ok: true });
  });

  it("counts wrong codes and stops after five, even for the right one", async () => {
    const { user, paymentId, code } = await paidEntry();
    for (let left = 4; left >= 0; left--) {
      const result = await call("verifyPaymentCode", { paymentId, code: wrong(code) }, { user });
      expect(result).toMatchObject({ ok: false, code: "invalid-argument" });
      if (!result.ok && left > 0) expect(result.message).toContain(`${left} ${left === 1 ? "try" : "tries"} left`);
    }
    expect(await call("verifyPaymentCode", { paymentId, code }, { user })).toMatchObject({
      ok: false,
      code: "resource-exhausted",
    });
    expect((await paymentDoc(paymentId))?.verified).toBe(false);
  });

  it("refuses an expired code", async () => {
    const { user, paymentId, code } = await paidEntry();
    await adminDb()
      .collection("paymentCodes")
      .doc(paymentId)
      .update({ expiresAt: Timestamp.fromMillis(Date.now() - 1_000) });
    expect(await call("verifyPaymentCode", { paymentId, code }, { user })).toMatchObject({
      ok: false,
      code: "deadline-exceeded",
      message: expect.stringContaining("Ask for a new code"),
    });
  });

  it("does not reveal another user's payment", async () => {
    const { paymentId, code } = await paidEntry();
    const stranger = await signUpAnonymous();
    expect(await call("verifyPaymentCode", { paymentId, code }, { user: stranger })).toMatchObject({
      ok: false,
      code: "not-found",
    });
  });

  it("rejects malformed input with a readable message", async () => {
    const user = await signUpAnonymous();
    const result = await call("verifyPaymentCode", { paymentId: "x", code: "12ab" }, { user });
    expect(result).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: expect.stringContaining("6-digit code"),
    });
  });
});
