// Accounts at the edge, through the Functions and Auth emulators: the client address from the
// trusted X-Forwarded-For hop, new accounts per address, revoked sessions refused at once, the
// devices list and its new-device mail, and the sign-in history written by the blocking function
// (which never blocks a sign-in). Most of a limit is spent in-process (tests/support/limits.ts),
// then the calls that cross it go over HTTP.
import { randomUUID } from "node:crypto";

import { initializeApp } from "firebase-admin/app";
import { getFirestore } from "firebase-admin/firestore";
import { describe, expect, it } from "vitest";

import { authTime, callWithHeaders, signInWithEmail, signUpWithEmail } from "../../../tests/support/accounts.ts";
import { call, idempotencyKey, kenyanPhone, randomIp, signUpAnonymous } from "../../../tests/support/client.ts";
import { PROJECT_ID } from "../../../tests/support/emulators.ts";
import { adminDb, eventually } from "../../../tests/support/firestore.ts";
import { bucketCount, spendLimit } from "../../../tests/support/limits.ts";
import { LIMIT_CLASSES } from "../core/rate-limit.js";
import { deviceDocId } from "./collections.js";
import { admitNewAccount } from "./new-accounts.js";
import { REVOKED_MESSAGE } from "./session.js";
import { recordSignIn } from "./sign-in-history.js";

const ANDROID_CHROME =
  "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36";

function device(): string {
  return randomUUID().replaceAll("-", "");
}

/** An address of the documentation range no other test uses (203.0.113.0/24 with a random part). */
function fixedHop(): string {
  return `198.51.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
}

/**
 * Waits for the clock to pass `seconds` (an auth_time): revocation has a one-second resolution,
 * and revokes the sessions that began before the second it happens in.
 */
async function secondAfter(seconds: number): Promise<void> {
  await eventually(
    () => Promise.resolve(Math.floor(Date.now() / 1000)),
    (second) => second > seconds,
  );
}

function topUp() {
  return {
    idempotencyKey: idempotencyKey(),
    purpose: "wallet-topup",
    amount: 150_00,
    currency: "KES",
    phone: kenyanPhone(),
  };
}

describe("the client address", () => {
  it("is the hop the front end appended: forged first hops neither change the key nor escape the per-IP limit", async () => {
    const address = fixedHop();
    const perAddress = LIMIT_CLASSES.paymentCreation[1];
    await spendLimit("createPayment", { ip: address }, perAddress.limit - 1);
    // Each call from a new account (so the per-user limit is not what refuses) with a different
    // forged first hop, behind the same trusted one.
    const first = await call("createPayment", topUp(), {
      user: await signUpAnonymous(),
      ip: `${randomIp()}, ${address}`,
    });
    expect(first.ok).toBe(true);
    const forged = await call("createPayment", topUp(), {
      user: await signUpAnonymous(),
      ip: `1.1.1.1, ${randomIp()}, ${address}`,
    });
    expect(forged).toMatchObject({
      ok: false,
      code: "resource-exhausted",
      message: expect.stringContaining("Too many"),
    });
    expect(await bucketCount(`createPayment:paymentCreation:ip:${address}`)).toBe(perAddress.limit);
    expect(await bucketCount("createPayment:paymentCreation:ip:1.1.1.1")).toBe(0);
    // The general limit is keyed by the same hop.
    expect(await bucketCount(`general:ip:${address}`)).toBe(perAddress.limit);
  });
});

describe("limits that fresh accounts do not escape", () => {
  it("admits the limit of distinct accounts from one address, each counted once, and refuses the next", async () => {
    const address = fixedHop();
    const [rule] = LIMIT_CLASSES.accountsPerAddress;
    await spendLimit("accountSeen", { ip: address }, rule.limit - 1);
    const last = await signUpAnonymous();
    const verify = (user: Awaited<ReturnType<typeof signUpAnonymous>>) =>
      call("verifyPaymentCode", { paymentId: "missing00000000", code: "123456" }, { user, ip: address });
    expect(await verify(last)).toMatchObject({ code: "not-found" });
    // The same account again is not a new one.
    expect(await verify(last)).toMatchObject({ code: "not-found" });
    const refused = await verify(await signUpAnonymous());
    expect(refused).toMatchObject({
      code: "resource-exhausted",
      message: expect.stringContaining("Too many new accounts from your network"),
    });
    expect(await bucketCount(`accountSeen:accountsPerAddress:ip:${address}`)).toBe(rule.limit);
  });

  it("sensitive attempts are counted per device too: fresh accounts from one browser share its budget", async () => {
    const id = device();
    const perDevice = LIMIT_CLASSES.sensitive[1];
    await spendLimit("verifyPaymentCode", { ip: randomIp(), deviceId: id }, perDevice.limit - 1);
    const verify = async () =>
      call(
        "verifyPaymentCode",
        { paymentId: "missing00000000", code: "123456", deviceId: id },
        { user: await signUpAnonymous() },
      );
    expect(await verify()).toMatchObject({ code: "not-found" });
    expect(await verify()).toMatchObject({
      code: "resource-exhausted",
      message: expect.stringContaining("Too many verification attempts"),
    });
    expect(await bucketCount(`verifyPaymentCode:sensitive:device:${id}`)).toBe(perDevice.limit);
  });

  it("at creation (beforeUserCreated, in-process: the Auth emulator calls it with 127.0.0.1 only)", async () => {
    const db = adminDb();
    const address = fixedHop();
    const [rule] = LIMIT_CLASSES.accountsPerAddress;
    const now = Date.now();
    for (let i = 0; i < rule.limit; i++)
      await admitNewAccount(db, { ipAddress: address, data: { uid: `new-${i}-${randomUUID()}` } }, now);
    await expect(admitNewAccount(db, { ipAddress: address, data: { uid: randomUUID() } }, now)).rejects.toMatchObject({
      code: "resource-exhausted",
    });
  });
});

describe("sessions", () => {
  it("sign out everywhere: a token issued before it is refused at once by money and account calls, a new sign-in works", async () => {
    const user = await signUpWithEmail();
    await secondAfter(authTime(user));
    const other = await signInWithEmail(user);
    expect(await call("signOutEverywhere", {}, { user: other })).toMatchObject({
      ok: true,
      result: { signedOut: true },
    });
    const refused = await call("setPin", { pin: "4821" }, { user });
    expect(refused).toMatchObject({ ok: false, code: "unauthenticated", message: REVOKED_MESSAGE });
    // Reads that move nothing are not checked (the token is still an unexpired one).
    expect(await call("getWallet", {}, { user })).toMatchObject({ ok: true });
    const again = await signInWithEmail(user);
    expect(await call("setPin", { pin: "4821" }, { user: again })).toMatchObject({ ok: true });
  });
});

describe("devices", () => {
  it("records a device once with a readable summary, mails the user about it once, and removing it revokes its sessions", async () => {
    const user = await signUpWithEmail();
    const id = device();
    const headers = { "User-Agent": ANDROID_CHROME, "X-Forwarded-For": randomIp() };
    const first = await callWithHeaders("setPin", { pin: "4821", deviceId: id }, user, headers);
    expect(first).toMatchObject({ ok: true });
    const ref = adminDb().collection("devices").doc(deviceDocId(user.uid, id));
    const stored = (await ref.get()).data();
    expect(stored).toMatchObject({ uid: user.uid, deviceId: id, summary: "Chrome 131 on Android", trusted: false });
    const mails = async () =>
      (await adminDb().collection("mail").where("uid", "==", user.uid).where("kind", "==", "new-device").get()).docs;
    const [mail] = await mails();
    expect(mail?.get("to")).toBe(user.email);
    expect(mail?.get("message.text")).toContain("Chrome 131 on Android");
    // Called again from it: the same device, no second mail.
    await callWithHeaders("getWallet", { deviceId: id }, user, headers);
    expect(await mails()).toHaveLength(1);

    expect(await call("setDeviceTrusted", { device: id, trusted: true }, { user })).toMatchObject({
      ok: true,
      result: { trusted: true },
    });
    expect((await ref.get()).get("trusted")).toBe(true);

    await secondAfter(authTime(user));
    expect(await call("removeDevice", { device: id }, { user })).toMatchObject({ ok: true, result: { removed: true } });
    expect((await ref.get()).exists).toBe(false);
    expect(await call("changePin", { currentPin: "4821", newPin: "905172" }, { user })).toMatchObject({
      code: "unauthenticated",
      message: REVOKED_MESSAGE,
    });
    const again = await signInWithEmail(user);
    expect(await call("removeDevice", { device: id }, { user: again })).toMatchObject({ code: "not-found" });
  });

  it("refuses a malformed device id with a sentence before anything runs", async () => {
    const user = await signUpAnonymous();
    expect(await call("getWallet", { deviceId: "short" }, { user })).toMatchObject({
      code: "invalid-argument",
      message: expect.stringContaining("deviceId"),
    });
  });
});

describe("sign-in history", () => {
  it("the blocking function records each sign-in: time, address, user agent, method, outcome, 180-day expiry", async () => {
    const user = await signUpWithEmail();
    await signInWithEmail(user);
    const records = await eventually(
      async () => (await adminDb().collection("signIns").where("uid", "==", user.uid).get()).docs.map((d) => d.data()),
      (found) => found.length >= 2,
    );
    for (const record of records) {
      expect(record).toMatchObject({ uid: user.uid, method: "password", outcome: "allowed", ip: "127.0.0.1" });
      expect(typeof record.userAgent).toBe("string");
      const at = (record.at as { toMillis(): number }).toMillis();
      const expires = (record.expiresAt as { toMillis(): number }).toMillis();
      expect(expires - at).toBe(180 * 86_400_000);
    }
  });

  it("a failure or a slow write inside it never blocks the sign-in", async () => {
    const event = {
      eventId: `fault-${randomUUID()}`,
      eventType: "providers/cloud.auth/eventTypes/user.beforeSignIn:password",
      ipAddress: "41.90.1.2",
      userAgent: ANDROID_CHROME,
      data: { uid: `fault-${randomUUID()}` },
    };
    // A database client that has been shut down: every write fails.
    const app = initializeApp({ projectId: PROJECT_ID }, `dead-${randomUUID()}`);
    const dead = getFirestore(app);
    await dead.terminate();
    expect(await recordSignIn(dead, event, Date.now())).toBe("failed");
    // No time at all for the write: the sign-in goes ahead; the write lands later.
    expect(await recordSignIn(adminDb(), { ...event, eventId: `slow-${randomUUID()}` }, Date.now(), 0)).toBe(
      "over-budget",
    );
    await eventually(
      async () => (await adminDb().collection("signIns").where("uid", "==", event.data.uid).get()).size,
      (size) => size === 1,
    );
    // And through the emulator: a user whose sign-ins are recorded signs in as usual.
    const user = await signUpWithEmail();
    expect((await signInWithEmail(user)).uid).toBe(user.uid);
  });
});
