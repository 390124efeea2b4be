// Changing the account's email, through the Functions and Auth emulators: the code mailed to the
// new address and the warnings to the old one, the change only once the code is shown, the step-up
// a user with two-step verification must bring, and the pause on money while Auth's email was
// changed around the flow (the client SDK's updateEmail). The wrong-code limit runs in-process
// with a clock the test moves (the route's own rate limit allows 5 tries per 15 minutes).
import { randomUUID } from "node:crypto";

import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { describe, expect, it } from "vitest";

import { signInWithEmail, signUpWithEmail, type EmailUser } from "../../../tests/support/accounts.ts";
import { call, randomIp, signUpAnonymous } from "../../../tests/support/client.ts";
import { PROJECT_ID } from "../../../tests/support/emulators.ts";
import { adminDb } from "../../../tests/support/firestore.ts";
import { totpCode } from "../twofactor/totp.js";
import { ACCOUNT_EMAILS, EMAIL_CHANGES } from "./collections.js";
import {
  confirmEmailChange,
  EMAIL_CHANGE_MAX_ATTEMPTS,
  requestEmailChange,
  type EmailChangeView,
} from "./email-change.js";

const auth = () => getAuth(getApps()[0] ?? initializeApp({ projectId: PROJECT_ID }));

const newAddress = () => `moved-${randomUUID()}@example.com`;

async function mailOf(changeId: string, part: "code" | "notice" | "done") {
  return (await adminDb().collection("mail").doc(`email-change-${changeId}-${part}`).get()).data();
}

/** The code in the mail sent to the new address. */
async function mailedCode(changeId: string): Promise<string> {
  const mail = (await mailOf(changeId, "code")) as { message?: { text?: string } } | undefined;
  const code = /Your code is (\d{6})/.exec(mail?.message?.text ?? "")?.[1];
  if (!code) throw new Error(`no code mailed for ${changeId}`);
  return code;
}

async function request(user: EmailUser, data: Record<string, unknown>) {
  return call<EmailChangeView>("requestEmailChange", data, { user });
}

describe("changing the account's email", () => {
  it("mails a code to the new address and a warning to the old one, and changes Auth's email only with that code", async () => {
    const user = await signUpWithEmail();
    const to = newAddress();
    const asked = await request(user, { newEmail: to.toUpperCase() });
    if (!asked.ok) throw new Error(asked.message);
    const { changeId } = asked.result;
    expect(asked.result).toMatchObject({ status: "pending", email: to });
    expect(await mailOf(changeId, "code")).toMatchObject({ to, kind: "email-change-code" });
    expect(await mailOf(changeId, "notice")).toMatchObject({ to: user.email, kind: "email-change-requested" });
    // Nothing changed yet.
    expect((await auth().getUser(user.uid)).email).toBe(user.email);

    const code = await mailedCode(changeId);
    const wrong = code === "000000" ? "000001" : "000000";
    expect(await call("confirmEmailChange", { changeId, code: wrong }, { user })).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: expect.stringContaining(`not the code we mailed to ${to}. 4 tries left`),
    });
    expect((await auth().getUser(user.uid)).email).toBe(user.email);

    const confirmed = await call("confirmEmailChange", { changeId, code }, { user });
    expect(confirmed).toMatchObject({ ok: true, result: { changeId, status: "confirmed", email: to } });
    const account = await auth().getUser(user.uid);
    expect(account).toMatchObject({ email: to, emailVerified: true });
    expect((await ACCOUNT_EMAILS.ref(adminDb()).doc(user.uid).get()).data()).toMatchObject({
      email: to,
      via: "email-change",
    });
    expect(await mailOf(changeId, "done")).toMatchObject({ to: user.email, kind: "email-changed" });
    expect((await EMAIL_CHANGES.ref(adminDb()).doc(changeId).get()).data()).toMatchObject({
      uid: user.uid,
      from: user.email,
      to,
      status: "confirmed",
      attempts: 1,
    });
    // Auth ended every session of the account with the change (a "major account change"): the
    // old token is refused by money and account calls.
    expect(await call("setPin", { pin: "4821" }, { user })).toMatchObject({ ok: false, code: "unauthenticated" });
    // The account signs in with the new address, and money calls go on.
    const moved = await signInWithEmail({ email: to, password: user.password });
    expect(moved.uid).toBe(user.uid);
    expect(await call("setPin", { pin: "4821" }, { user: moved })).toMatchObject({ ok: true });
    // The same code again answers the confirmed change and changes nothing more.
    expect(await call("confirmEmailChange", { changeId, code }, { user: moved })).toMatchObject({
      ok: true,
      result: { status: "confirmed" },
    });
  });

  it("refuses, with a sentence and no change started, what cannot become the account's email", async () => {
    const anonymous = await signUpAnonymous();
    expect(await call("requestEmailChange", { newEmail: newAddress() }, { user: anonymous })).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: expect.stringContaining("keep your wallet with an email and a password first"),
    });
    const user = await signUpWithEmail();
    const other = await signUpWithEmail();
    expect(await request(user, { newEmail: other.email })).toMatchObject({
      ok: false,
      code: "already-exists",
      message: expect.stringContaining("another Malipo account signs in with that email"),
    });
    expect(await request(user, { newEmail: user.email })).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: expect.stringContaining("already your account's email"),
    });
    expect(await request(user, { newEmail: "not an email" })).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: expect.stringContaining("newEmail"),
    });
    expect(
      await call("confirmEmailChange", { changeId: "0".repeat(32), code: "123456" }, { user: other }),
    ).toMatchObject({ ok: false, code: "not-found" });
    const changes = await EMAIL_CHANGES.ref(adminDb()).where("uid", "in", [user.uid, anonymous.uid]).get();
    expect(changes.size).toBe(0);
  });

  it("another user cannot confirm someone's change, even with the right code", async () => {
    const user = await signUpWithEmail();
    const asked = await request(user, { newEmail: newAddress() });
    if (!asked.ok) throw new Error(asked.message);
    const code = await mailedCode(asked.result.changeId);
    const thief = await signUpWithEmail();
    expect(await call("confirmEmailChange", { changeId: asked.result.changeId, code }, { user: thief })).toMatchObject({
      ok: false,
      code: "not-found",
    });
    expect((await auth().getUser(user.uid)).email).toBe(user.email);
  });

  it("asks a user with two-step verification for a step-up grant for an email change, used once", async () => {
    const user = await signUpWithEmail();
    const enrolment = await call<{ otpauthUri: string }>("startTwoFactorEnrolment", {}, { user });
    if (!enrolment.ok) throw new Error(enrolment.message);
    const secret = new URL(enrolment.result.otpauthUri).searchParams.get("secret") ?? "";
    const enrolled = await call<{ recoveryCodes: string[] }>(
      "confirmTwoFactorEnrolment",
      { code: totpCode(secret, Date.now()) },
      { user },
    );
    if (!enrolled.ok) throw new Error(enrolled.message);
    const [first = "", second = ""] = enrolled.result.recoveryCodes;

    const to = newAddress();
    const bare = await request(user, { newEmail: to });
    expect(bare).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: expect.stringContaining("an email change needs a code from your authenticator app"),
      details: { stepUpRequired: true, operation: "changeContact" },
    });
    // A grant for another operation does not do.
    const forPin = await call<{ grantId: string }>("stepUp", { operation: "changePin", recoveryCode: first }, { user });
    if (!forPin.ok) throw new Error(forPin.message);
    expect(await request(user, { newEmail: to, stepUpGrant: forPin.result.grantId })).toMatchObject({
      ok: false,
      message: expect.stringContaining("not an email change"),
    });
    const grant = await call<{ grantId: string }>(
      "stepUp",
      { operation: "changeContact", recoveryCode: second },
      { user },
    );
    if (!grant.ok) throw new Error(grant.message);
    const asked = await request(user, { newEmail: to, stepUpGrant: grant.result.grantId });
    expect(asked).toMatchObject({ ok: true, result: { status: "pending", email: to } });
    // Used: a second change needs a new code.
    expect(await request(user, { newEmail: newAddress(), stepUpGrant: grant.result.grantId })).toMatchObject({
      ok: false,
      message: expect.stringContaining("already used"),
    });
    const changes = await EMAIL_CHANGES.ref(adminDb()).where("uid", "==", user.uid).get();
    expect(changes.size).toBe(1);
  });

  it("pauses money and account changes while Auth's email was changed around the flow, until the new one is confirmed", async () => {
    const user = await signUpWithEmail();
    // The first money call records the address the wallet was kept with.
    expect(await call("setPin", { pin: "4821" }, { user })).toMatchObject({ ok: true });
    expect((await ACCOUNT_EMAILS.ref(adminDb()).doc(user.uid).get()).data()).toMatchObject({
      email: user.email,
      via: "first-seen",
    });
    // What the client SDK's updateEmail does, with no code: Auth's email moves, the other sessions
    // end, and the one that changed it carries on (here: a new sign-in with the new address).
    const around = newAddress();
    await auth().updateUser(user.uid, { email: around });
    const changer = await signInWithEmail({ email: around, password: user.password });
    const paused = await call("changePin", { currentPin: "4821", newPin: "5930" }, { user: changer });
    expect(paused).toMatchObject({
      ok: false,
      code: "failed-precondition",
      message: expect.stringContaining(`changed from ${user.email} to ${around} without a confirmation code`),
    });
    // Reads and the way out stay open.
    expect(await call("getWallet", {}, { user: changer })).toMatchObject({ ok: true });
    const asked = await request(changer, { newEmail: around });
    if (!asked.ok) throw new Error(asked.message);
    expect(await mailOf(asked.result.changeId, "notice")).toMatchObject({ to: user.email });
    const code = await mailedCode(asked.result.changeId);
    expect(
      await call("confirmEmailChange", { changeId: asked.result.changeId, code }, { user: changer }),
    ).toMatchObject({ ok: true });
    // Auth had the address already: it was not asked again, so this session goes on.
    expect(await call("changePin", { currentPin: "4821", newPin: "5930" }, { user: changer })).toMatchObject({
      ok: true,
    });
  });
});

/** An email user called in-process, with a clock the test moves and Auth's email change recorded. */
async function inProcess(authState: { fails: boolean } = { fails: false }) {
  const user = await signUpWithEmail();
  const clock = { at: Date.now() };
  const set: string[] = [];
  const deps = {
    db: adminDb(),
    now: () => clock.at,
    lookupUser: () => Promise.resolve({ email: user.email, password: true, disabled: false }),
    uidOfEmail: () => Promise.resolve(undefined),
    setAuthEmail: (_uid: string, email: string) => {
      if (authState.fails) return Promise.reject(new Error("Auth did not answer"));
      set.push(email);
      return Promise.resolve();
    },
  };
  return { caller: { uid: user.uid, ip: randomIp() }, clock, deps, set };
}

describe("the wrong-code limit (in-process)", () => {
  it(`ends a change after ${EMAIL_CHANGE_MAX_ATTEMPTS} wrong codes: the right one no longer works`, async () => {
    const { caller, clock, deps, set } = await inProcess();
    const { changeId } = await requestEmailChange({ newEmail: newAddress() }, caller, deps);
    const code = await mailedCode(changeId);
    const wrong = code === "000000" ? "000001" : "000000";
    for (let attempt = 1; attempt <= EMAIL_CHANGE_MAX_ATTEMPTS; attempt++) {
      // Past the route's own limit of 5 tries in 15 minutes, within the change's 30 minutes.
      if (attempt === EMAIL_CHANGE_MAX_ATTEMPTS) clock.at += 16 * 60_000;
      await expect(confirmEmailChange({ changeId, code: wrong }, caller, deps)).rejects.toMatchObject({
        code: "invalid-argument",
      });
    }
    clock.at += 16 * 60_000;
    await expect(confirmEmailChange({ changeId, code }, caller, deps)).rejects.toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("ended after too many wrong codes"),
    });
    expect(set).toEqual([]);
    expect((await EMAIL_CHANGES.ref(adminDb()).doc(changeId).get()).data()).toMatchObject({
      status: "cancelled",
      attempts: EMAIL_CHANGE_MAX_ATTEMPTS,
    });
  });

  it("refuses an expired code, and finishes a confirmation that stopped after the code was accepted", async () => {
    const authState = { fails: true };
    const { caller, clock, deps, set } = await inProcess(authState);
    const late = await requestEmailChange({ newEmail: newAddress() }, caller, deps);
    clock.at += 31 * 60_000;
    await expect(
      confirmEmailChange({ changeId: late.changeId, code: await mailedCode(late.changeId) }, caller, deps),
    ).rejects.toMatchObject({ code: "failed-precondition", message: expect.stringContaining("expired") });

    const to = newAddress();
    const change = await requestEmailChange({ newEmail: to }, caller, deps);
    const code = await mailedCode(change.changeId);
    await expect(confirmEmailChange({ changeId: change.changeId, code }, caller, deps)).rejects.toThrow(
      "Auth did not answer",
    );
    expect((await EMAIL_CHANGES.ref(adminDb()).doc(change.changeId).get()).get("status")).toBe("applying");
    authState.fails = false;
    // Even past its 30 minutes: the code was accepted in time.
    clock.at += 31 * 60_000;
    await expect(confirmEmailChange({ changeId: change.changeId, code }, caller, deps)).resolves.toMatchObject({
      status: "confirmed",
      email: to,
    });
    expect(set).toEqual([to]);
  });
});
