// The transaction PIN against the Firestore emulator, in-process with an injected clock: setting,
// verifying and changing it, wrong tries counted exactly however many arrive at once, the lock and
// its end, and what is stored. One call over HTTP proves the callables' wiring.
import { createHash, createHmac, randomUUID } from "node:crypto";

import type { CallableRequest } from "firebase-functions/v2/https";
import { describe, expect, it } from "vitest";

import { call, randomIp, signUpAnonymous } from "../../../tests/support/client.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { bucketCount } from "../../../tests/support/limits.js";
import { emulatorSecrets } from "../../../tests/support/providers.js";
import { refusal } from "../../../tests/support/refusal.js";
import { handleCallable, type Caller } from "../core/callable.js";
import { pinMatches, SCRYPT } from "./pin-hash.js";
import { PIN_LOCK_MS } from "./pin-policy.js";
import { changePinInput, setPinInput } from "./pin-schemas.js";
import { changePin, pinSchema, pinStatus, setPin, verifyPin } from "./pin.js";

// The pepper the Functions emulator gets, so in-process calls hash as the functions do.
process.env.PIN_PEPPER = emulatorSecrets.PIN_PEPPER ?? "";
const pepper = process.env.PIN_PEPPER;

const db = adminDb();
const PIN = "4821";
const OTHER_PIN = "905172";
const WRONG = "4822";
const MINUTE = 60_000;

/** A user and a clock that only the test moves. */
function setup() {
  const caller: Caller = { uid: `pin-${randomUUID()}`, ip: randomIp() };
  const clock = { at: Date.now() };
  const deps = { db, now: () => clock.at };
  return { caller, clock, deps, verify: (pin: string) => verifyPin(db, caller.uid, pin, clock.at) };
}

async function stored(uid: string) {
  const snapshot = await db.collection("pins").doc(uid).get();
  return snapshot.exists ? pinSchema.parse(snapshot.data()) : undefined;
}

describe("transaction PIN", () => {
  it("is set, verifies when right, and the document keeps no PIN and no unsalted hash", async () => {
    const { caller, clock, deps, verify } = setup();
    expect(await pinStatus(db, caller.uid, clock.at)).toEqual({ set: false, lockedUntil: null });
    expect(await setPin({ pin: PIN }, caller, deps)).toEqual({ pinSet: true });
    await expect(verify(PIN)).resolves.toBeUndefined();
    expect(await pinStatus(db, caller.uid, clock.at)).toEqual({ set: true, lockedUntil: null });

    const record = await stored(caller.uid);
    expect(record).toMatchObject({
      uid: caller.uid,
      wrongAttempts: 0,
      lockedUntil: null,
      kdf: { name: "scrypt", ...SCRYPT },
    });
    const text = JSON.stringify(
      await db
        .collection("pins")
        .doc(caller.uid)
        .get()
        .then((s) => s.data()),
    );
    const unsalted = [
      createHash("sha256").update(PIN).digest(),
      createHmac("sha256", pepper).update(PIN).digest(),
    ].flatMap((digest) => [digest.toString("hex"), digest.toString("base64")]);
    for (const secret of [PIN, ...unsalted]) expect(text).not.toContain(secret);
    // The stored hash is of the PIN with this document's own salt.
    expect(await pinMatches(PIN, { ...record!, salt: Buffer.alloc(16).toString("base64") }, pepper)).toBe(false);
    expect(await pinMatches(PIN, record!, pepper)).toBe(true);
  });

  it("asks for a PIN before verifying one, and sets one only once", async () => {
    const { caller, deps, verify } = setup();
    expect(await refusal(verify(PIN))).toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("Set a transaction PIN first"),
    });
    await setPin({ pin: PIN }, caller, deps);
    const again = await refusal(setPin({ pin: OTHER_PIN }, caller, deps));
    expect(again).toMatchObject({ code: "failed-precondition", message: expect.stringContaining("use changePin") });
    await expect(verify(PIN)).resolves.toBeUndefined();
    expect(await bucketCount(`setPin:sensitive:uid:${caller.uid}`)).toBe(2);
  });

  it("counts wrong tries down, and a right one clears the count", async () => {
    const { caller, deps, verify } = setup();
    await setPin({ pin: PIN }, caller, deps);
    for (const left of [4, 3]) {
      const wrong = await refusal(verify(WRONG));
      expect(wrong).toMatchObject({ code: "invalid-argument", details: { triesLeft: left } });
      expect(wrong.message).toBe(`pin: that PIN is not right. ${left} tries left.`);
    }
    await verify(PIN);
    expect((await stored(caller.uid))?.wrongAttempts).toBe(0);
    expect((await refusal(verify(WRONG))).message).toBe("pin: that PIN is not right. 4 tries left.");
  });

  it("7 wrong tries at once: exactly 5 counted, the 5th locks, the other 2 are refused as locked", async () => {
    const { caller, clock, deps, verify } = setup();
    await setPin({ pin: PIN }, caller, deps);
    const refusals = await Promise.all(Array.from({ length: 7 }, () => refusal(verify(WRONG))));

    const counted = refusals.filter((error) => error.code === "invalid-argument");
    const lockedOut = refusals.filter((error) => error.code === "resource-exhausted");
    // Each counted try saw a different count: none was lost to, or doubled by, a concurrent one.
    expect(counted.map((error) => error.details?.triesLeft).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(counted.find((error) => error.details?.triesLeft === 0)?.message).toBe(
      "pin: that PIN is not right, and that was the last try: your PIN is locked, try again in 15 minutes.",
    );
    expect(lockedOut).toHaveLength(2);
    for (const error of lockedOut) {
      expect(error.message).toBe("Your PIN is locked after 5 wrong tries: try again in 15 minutes.");
      expect(error.details).toEqual({ retryAfterSeconds: PIN_LOCK_MS / 1000 });
    }
    const record = await stored(caller.uid);
    expect(record?.wrongAttempts).toBe(5);
    expect(record?.lockedUntil?.toMillis()).toBe(clock.at + PIN_LOCK_MS);
    expect(await pinStatus(db, caller.uid, clock.at)).toEqual({ set: true, lockedUntil: clock.at + PIN_LOCK_MS });
  });

  it("refuses even the right PIN while locked, saying how long; after 15 minutes it works and counting starts again", async () => {
    const { caller, clock, deps, verify } = setup();
    await setPin({ pin: PIN }, caller, deps);
    for (let i = 0; i < 5; i++) await refusal(verify(WRONG));
    const lockedAt = clock.at;

    clock.at = lockedAt + MINUTE + 1_000;
    const refused = await refusal(verify(PIN));
    expect(refused).toMatchObject({
      code: "resource-exhausted",
      message: "Your PIN is locked after 5 wrong tries: try again in 14 minutes.",
      details: { retryAfterSeconds: (PIN_LOCK_MS - MINUTE - 1_000) / 1000 },
    });
    expect((await stored(caller.uid))?.wrongAttempts).toBe(5);

    clock.at = lockedAt + PIN_LOCK_MS;
    expect(await pinStatus(db, caller.uid, clock.at)).toEqual({ set: true, lockedUntil: null });
    expect((await refusal(verify(WRONG))).message).toBe("pin: that PIN is not right. 4 tries left.");
    await verify(PIN);
    expect(await stored(caller.uid)).toMatchObject({ wrongAttempts: 0, lockedUntil: null });
  });

  it("changePin: a wrong current PIN counts against the same lock; the right one replaces the PIN", async () => {
    const { caller, clock, deps, verify } = setup();
    expect(await refusal(changePin({ currentPin: PIN, newPin: OTHER_PIN }, caller, deps))).toMatchObject({
      code: "failed-precondition",
    });
    await setPin({ pin: PIN }, caller, deps);
    const before = await stored(caller.uid);
    const wrong = await refusal(changePin({ currentPin: WRONG, newPin: OTHER_PIN }, caller, deps));
    expect(wrong).toMatchObject({
      code: "invalid-argument",
      message: "currentPin: that PIN is not right. 4 tries left.",
    });
    expect((await refusal(verify(WRONG))).message).toBe("pin: that PIN is not right. 3 tries left.");
    expect((await stored(caller.uid))?.hash).toBe(before?.hash);

    clock.at += MINUTE;
    expect(await changePin({ currentPin: PIN, newPin: OTHER_PIN }, caller, deps)).toEqual({ pinSet: true });
    const after = await stored(caller.uid);
    expect(after).toMatchObject({ wrongAttempts: 0, lockedUntil: null });
    expect(after?.salt).not.toBe(before?.salt);
    expect(after?.setAt.toMillis()).toBe(clock.at);
    await verify(OTHER_PIN);
    expect((await refusal(verify(PIN))).message).toBe("pin: that PIN is not right. 4 tries left.");
    expect(await bucketCount(`changePin:sensitive:uid:${caller.uid}`)).toBe(3);
  });

  it("changePin is refused while the PIN is locked, even with the right current PIN", async () => {
    const { caller, deps, verify } = setup();
    await setPin({ pin: PIN }, caller, deps);
    for (let i = 0; i < 4; i++) await refusal(verify(WRONG));
    expect(await refusal(changePin({ currentPin: WRONG, newPin: OTHER_PIN }, caller, deps))).toMatchObject({
      code: "invalid-argument",
      details: { triesLeft: 0 },
    });
    expect(await refusal(changePin({ currentPin: PIN, newPin: OTHER_PIN }, caller, deps))).toMatchObject({
      code: "resource-exhausted",
      message: expect.stringContaining("try again in 15 minutes"),
    });
    expect(await pinMatches(PIN, (await stored(caller.uid))!, pepper)).toBe(true);
  });
});

describe("PIN callables' input", () => {
  // The edge the callables run behind (endpoints/https.ts), called in-process with a signed-in caller.
  const edge = { allowedOrigins: () => [], enforceAppCheck: () => true };
  function invoke(name: "setPin" | "changePin", uid: string, data: unknown): Promise<unknown> {
    const deps = { db, now: Date.now };
    const callable =
      name === "setPin"
        ? handleCallable(
            name,
            () => Promise.resolve(setPinInput),
            edge,
            (input, caller) => setPin(input, caller, deps),
          )
        : handleCallable(
            name,
            () => Promise.resolve(changePinInput),
            edge,
            (input, caller) => changePin(input, caller, deps),
          );
    const request = { data, auth: { uid }, app: { appId: "test" }, rawRequest: { headers: {} } };
    return callable(request as unknown as CallableRequest<unknown>);
  }

  const cases: ["setPin" | "changePin", unknown, string][] = [
    ["setPin", { pin: "1111" }, "pin: one digit repeated (like 1111) is too easy to guess"],
    ["setPin", { pin: "1234" }, "pin: a straight run of digits (like 1234 or 4321) is too easy to guess"],
    ["setPin", { pin: "4321" }, "straight run"],
    ["setPin", { pin: "123456" }, "straight run"],
    ["setPin", { pin: "482" }, "pin: must be 4 to 6 digits (0-9)"],
    ["setPin", { pin: "4821039" }, "pin: must be 4 to 6 digits"],
    ["setPin", { pin: "48x1" }, "pin: must be 4 to 6 digits"],
    ["setPin", { pin: "٤٨٢١" }, "pin: must be 4 to 6 digits"],
    ["setPin", { pin: 4821 }, "pin: must be 4 to 6 digits"],
    ["setPin", { pin: "4821", admin: true }, "admin"],
    ["setPin", null, "setPin: send the call's fields as an object"],
    ["changePin", { currentPin: "4821", newPin: "0000" }, "newPin: one digit repeated"],
    ["changePin", { currentPin: "4821", newPin: "4821" }, "newPin: must differ from your current PIN"],
    ["changePin", { currentPin: "48", newPin: "905172" }, "currentPin: must be 4 to 6 digits"],
    ["changePin", { newPin: "905172" }, "currentPin"],
  ];

  it.each(cases)("%s %j is refused with invalid-argument, writing nothing", async (name, data, mentions) => {
    const uid = `pin-${randomUUID()}`;
    await expect(invoke(name, uid, data)).rejects.toMatchObject({
      code: "invalid-argument",
      message: expect.stringContaining(mentions),
    });
    expect(await stored(uid)).toBeUndefined();
    expect(await bucketCount(`${name}:sensitive:uid:${uid}`)).toBe(0);
  });
});

describe("PIN callables over HTTP", () => {
  it("setPin stores the PIN of the signed-in caller, and refuses an easy one", async () => {
    const user = await signUpAnonymous();
    expect(await call("setPin", { pin: "2580" }, { user })).toEqual({ ok: true, result: { pinSet: true } });
    await expect(verifyPin(db, user.uid, "2580", Date.now())).resolves.toBeUndefined();
    expect(await call("changePin", { currentPin: "2580", newPin: "5555" }, { user })).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: expect.stringContaining("newPin: one digit repeated"),
    });
  });
});
