import { describe, expect, it } from "vitest";

import { submitEntryInput } from "../entries/schemas.js";
import { createPaymentInput } from "../payments/schemas.js";
import { refundPaymentInput } from "../refunds/schemas.js";
import { isCleanText } from "../shared/text.js";
import { confirmEmailChangeInput, requestEmailChangeInput } from "./schemas.js";
import { CONTACT_CHECKED, SESSION_CHECKED } from "./routes.js";
import { USERS } from "./users.js";
import { sessionRevoked } from "./session.js";
import { signInMethod } from "./sign-in-history.js";
import { summarizeUserAgent } from "./user-agent.js";

describe("free text", () => {
  const refused = [
    "Ali\u0000ce",
    "\u0007\u0007",
    "Ali\u202Ece",
    "gpj\u202E.exe",
    "a\u2066b\u2069",
    "\u200Fx",
    "x\u001B[31m",
  ];

  it("refuses control characters and bidirectional controls, keeps ordinary names", () => {
    for (const text of refused) expect(isCleanText(text)).toBe(false);
    for (const text of ["Alice", "Wanjiru Kamau", "Ọláolúwa", "محمد", "张伟", "👩‍👩‍👧 family", ""]) {
      expect(isCleanText(text)).toBe(true);
    }
    expect(isCleanText("line one\nline two\ttab", { multiline: true })).toBe(true);
    expect(isCleanText("line one\nline two")).toBe(false);
    expect(isCleanText("a\u0000b", { multiline: true })).toBe(false);
  });

  it("is refused with a sentence by every free-text field: names, titles, descriptions, reasons", () => {
    const payment = {
      idempotencyKey: "k".repeat(20),
      purpose: "wallet-topup",
      amount: 10_000,
      currency: "KES",
      phone: "+254712345678",
    };
    for (const bad of refused) {
      const named = createPaymentInput.safeParse({ ...payment, name: bad });
      expect(named.success).toBe(false);
      expect(named.error?.issues[0]?.message).toMatch(/control characters/);
      expect(USERS.schema.safeParse({ displayName: bad }).success).toBe(false);
      const entry = {
        paymentId: "p".repeat(20),
        category: "Music",
        title: "My song",
        link: "https://example.com/x",
        description: "A song",
      };
      expect(submitEntryInput.safeParse({ ...entry, title: bad }).success).toBe(false);
      expect(submitEntryInput.safeParse({ ...entry, description: `ok ${bad}` }).success).toBe(false);
      expect(
        refundPaymentInput.safeParse({
          paymentId: "p".repeat(20),
          amount: 100,
          reason: `why ${bad}`,
          idempotencyKey: "k".repeat(20),
        }).success,
      ).toBe(false);
    }
    expect(createPaymentInput.safeParse({ ...payment, name: "Wanjiru Kamau" }).success).toBe(true);
  });
});

describe("user agents", () => {
  it("names the browser family, its major version and the system", () => {
    expect(
      summarizeUserAgent(
        "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36",
      ),
    ).toBe("Chrome 131 on Android");
    expect(
      summarizeUserAgent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      ),
    ).toBe("Safari 17 on iOS");
    expect(
      summarizeUserAgent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.68",
      ),
    ).toBe("Edge 130 on Windows");
    expect(summarizeUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")).toBe(
      "Firefox 128 on Linux",
    );
    expect(summarizeUserAgent("curl/8.5.0")).toBe("Unknown browser");
    expect(summarizeUserAgent(undefined)).toBe("Unknown browser");
  });
});

describe("revoked sessions (verifyIdToken(token, true) semantics)", () => {
  const revokedAt = "Thu, 03 Dec 2026 12:00:00 GMT";
  const at = Date.parse(revokedAt) / 1000;

  it("refuses a token signed in before the revocation, accepts one signed in at or after it", () => {
    const user = { disabled: false, tokensValidAfterTime: revokedAt };
    expect(sessionRevoked(at - 1, user)).toBe(true);
    expect(sessionRevoked(at, user)).toBe(false);
    expect(sessionRevoked(at + 60, user)).toBe(false);
  });

  it("refuses a disabled or deleted user, and a token without auth_time once sessions were revoked", () => {
    expect(sessionRevoked(at, { disabled: true })).toBe(true);
    expect(sessionRevoked(at, undefined)).toBe(true);
    expect(sessionRevoked(undefined, { disabled: false, tokensValidAfterTime: revokedAt })).toBe(true);
    expect(sessionRevoked(at, { disabled: false })).toBe(false);
  });
});

describe("the email change's routes and inputs", () => {
  it("checks the confirmed email only on routes that also check the session, and never on the way out", () => {
    for (const name of CONTACT_CHECKED) expect(SESSION_CHECKED.has(name)).toBe(true);
    for (const way of ["signOutEverywhere", "removeDevice", "stepUp", "requestEmailChange", "confirmEmailChange"]) {
      expect(CONTACT_CHECKED.has(way)).toBe(false);
    }
    for (const money of ["withdraw", "payBill", "checkout", "setPin", "changePin"]) {
      expect(CONTACT_CHECKED.has(money)).toBe(true);
    }
  });

  it("refuses a malformed address, grant, change id or code with the field to fix", () => {
    const issue = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
      result.error?.issues[0]?.path.join(".");
    expect(issue(requestEmailChangeInput.safeParse({ newEmail: "nobody" }))).toBe("newEmail");
    expect(issue(requestEmailChangeInput.safeParse({ newEmail: "a@b.co", stepUpGrant: "x" }))).toBe("stepUpGrant");
    expect(issue(requestEmailChangeInput.safeParse({ newEmail: "a@b.co", uid: "someone" }))).toBe("");
    expect(issue(confirmEmailChangeInput.safeParse({ changeId: "0".repeat(31), code: "123456" }))).toBe("changeId");
    expect(issue(confirmEmailChangeInput.safeParse({ changeId: "0".repeat(32), code: "12345" }))).toBe("code");
    expect(requestEmailChangeInput.safeParse({ newEmail: "a@b.co" }).success).toBe(true);
  });
});

describe("sign-in method", () => {
  it("comes from the event type's suffix or the credential", () => {
    expect(signInMethod({ eventType: "providers/cloud.auth/eventTypes/user.beforeSignIn:password" })).toBe("password");
    expect(signInMethod({ eventType: "x", credential: { signInMethod: "emailLink" } })).toBe("emailLink");
    expect(signInMethod({ eventType: "providers/cloud.auth/eventTypes/user.beforeSignIn" })).toBe("unknown");
  });
});
