// The PIN's pure parts: which PINs are refused and why, the lock's arithmetic, and the hash.
import { describe, expect, it } from "vitest";

import { describeIssues } from "../shared/issues.js";
import { hashPin, pinMatches, SCRYPT } from "./pin-hash.js";
import {
  afterWrongPin,
  currentLock,
  lockRemainingMs,
  MAX_WRONG_PINS,
  PIN_LOCK_MS,
  pinWeakness,
  triesLeft,
  UNLOCKED,
  type PinLock,
} from "./pin-policy.js";
import { changePinInput, setPinInput } from "./pin-schemas.js";

function refusal(schema: typeof setPinInput | typeof changePinInput, input: unknown): string | undefined {
  const parsed = schema.safeParse(input);
  return parsed.success ? undefined : describeIssues(parsed.error.issues);
}

describe("PIN strength", () => {
  it.each(["0000", "1111", "99999", "777777"])("refuses %s: one digit repeated", (pin) => {
    expect(pinWeakness(pin)).toMatch(/^one digit repeated/);
  });

  it.each(["1234", "4321", "0123", "9876", "12345", "123456", "654321", "456789"])(
    "refuses %s: a straight run",
    (pin) => {
      expect(pinWeakness(pin)).toMatch(/^a straight run of digits/);
    },
  );

  it.each(["4821", "1357", "1235", "2468", "1212", "7890", "112233", "905172"])("accepts %s", (pin) => {
    expect(pinWeakness(pin)).toBeUndefined();
  });
});

describe("PIN inputs", () => {
  it("accepts a 4 to 6 digit PIN that is not easy to guess", () => {
    expect(setPinInput.parse({ pin: "4821" })).toEqual({ pin: "4821" });
    expect(changePinInput.parse({ currentPin: "4821", newPin: "905172" })).toEqual({
      currentPin: "4821",
      newPin: "905172",
    });
  });

  it.each([["482"], ["4821903"], ["48a1"], [" 4821"], ["４８２１"], ["٤٨٢١"], [""]])(
    "refuses %j with the format",
    (pin) => {
      expect(refusal(setPinInput, { pin })).toBe("pin: must be 4 to 6 digits (0-9)");
    },
  );

  it("refuses a PIN that is not text, and fields it does not know", () => {
    expect(refusal(setPinInput, { pin: 4821 })).toBe("pin: must be 4 to 6 digits (0-9)");
    expect(refusal(setPinInput, {})).toBe("pin: must be 4 to 6 digits (0-9)");
    expect(refusal(setPinInput, { pin: "4821", uid: "x" })).toMatch(/Unrecognized key/);
  });

  it("says why an easy PIN is refused, without repeating it", () => {
    const message = refusal(setPinInput, { pin: "2222" });
    expect(message).toBe("pin: one digit repeated (like 1111) is too easy to guess; choose another PIN.");
    expect(refusal(changePinInput, { currentPin: "4821", newPin: "6543" })).toBe(
      "newPin: a straight run of digits (like 1234 or 4321) is too easy to guess; choose another PIN.",
    );
  });

  it("checks only the format of the current PIN, and wants a different new one", () => {
    expect(changePinInput.safeParse({ currentPin: "1234", newPin: "4821" }).success).toBe(true);
    expect(refusal(changePinInput, { currentPin: "12", newPin: "4821" })).toBe(
      "currentPin: must be 4 to 6 digits (0-9)",
    );
    expect(refusal(changePinInput, { currentPin: "4821", newPin: "4821" })).toBe(
      "newPin: must differ from your current PIN",
    );
  });
});

describe("PIN lock", () => {
  const now = 1_800_000_000_000;

  function wrongTries(count: number, at: number, from: PinLock = UNLOCKED): PinLock {
    let lock = from;
    for (let i = 0; i < count; i++) lock = afterWrongPin(lock, at);
    return lock;
  }

  it("counts wrong tries down, and the last one locks for 15 minutes", () => {
    expect(triesLeft(UNLOCKED)).toBe(MAX_WRONG_PINS);
    const four = wrongTries(MAX_WRONG_PINS - 1, now);
    expect(four).toEqual({ wrongAttempts: 4, lockedUntil: null });
    expect(triesLeft(four)).toBe(1);
    expect(lockRemainingMs(four, now)).toBe(0);
    const five = afterWrongPin(four, now);
    expect(five).toEqual({ wrongAttempts: 5, lockedUntil: now + PIN_LOCK_MS });
    expect(triesLeft(five)).toBe(0);
  });

  it("says how long is left, and nothing once the lock has passed", () => {
    const lock = wrongTries(MAX_WRONG_PINS, now);
    expect(lockRemainingMs(lock, now + 61_000)).toBe(PIN_LOCK_MS - 61_000);
    expect(lockRemainingMs(lock, now + PIN_LOCK_MS - 1)).toBe(1);
    expect(lockRemainingMs(lock, now + PIN_LOCK_MS)).toBe(0);
    expect(currentLock(lock, now + PIN_LOCK_MS - 1)).toBe(lock);
  });

  it("starts counting again after the lock has passed", () => {
    const later = now + PIN_LOCK_MS;
    const lock = wrongTries(MAX_WRONG_PINS, now);
    expect(currentLock(lock, later)).toEqual(UNLOCKED);
    expect(afterWrongPin(lock, later)).toEqual({ wrongAttempts: 1, lockedUntil: null });
    expect(wrongTries(MAX_WRONG_PINS, later, lock)).toEqual({ wrongAttempts: 5, lockedUntil: later + PIN_LOCK_MS });
  });
});

describe("PIN hash", () => {
  const pepper = "unit-test-pepper-0123456789";
  // Small parameters keep the unit tests quick; the stored ones are what verification uses.
  const quick = { ...SCRYPT, N: 2 ** 10 };

  it("verifies with the parameters stored with the hash, salted per PIN", async () => {
    const first = await hashPin("4821", pepper, quick);
    const second = await hashPin("4821", pepper, quick);
    expect(first.kdf).toEqual({ name: "scrypt", ...quick });
    expect(first.salt).not.toBe(second.salt);
    expect(first.hash).not.toBe(second.hash);
    expect(Buffer.from(first.salt, "base64")).toHaveLength(16);
    expect(Buffer.from(first.hash, "base64")).toHaveLength(SCRYPT.keyLength);
    expect(await pinMatches("4821", first, pepper)).toBe(true);
    expect(await pinMatches("4822", first, pepper)).toBe(false);
  });

  it("needs the pepper", async () => {
    const stored = await hashPin("4821", pepper, quick);
    expect(await pinMatches("4821", stored, "another-pepper-0123456789")).toBe(false);
  });
});
