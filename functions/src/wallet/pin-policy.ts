// What a transaction PIN may be and how wrong tries lock it. Pure: the callables, the stored
// document and the tests all judge a PIN and a lock with these functions.

export const PIN_DIGITS = { min: 4, max: 6 } as const;
/** Wrong tries in a row that lock the PIN. */
export const MAX_WRONG_PINS = 5;
export const PIN_LOCK_MS = 15 * 60_000;

/** Why `pin` (already 4 to 6 digits) is too easy to guess, or undefined when it is not. */
export function pinWeakness(pin: string): string | undefined {
  const digits = Array.from({ length: pin.length }, (_, i) => pin.charCodeAt(i));
  const steps = new Set(digits.slice(1).map((digit, i) => digit - (digits[i] ?? 0)));
  if (steps.size !== 1) return undefined;
  if (steps.has(0)) return "one digit repeated (like 1111) is too easy to guess; choose another PIN.";
  if (steps.has(1) || steps.has(-1)) {
    return "a straight run of digits (like 1234 or 4321) is too easy to guess; choose another PIN.";
  }
  return undefined;
}

/** The counting state of a PIN, times in epoch milliseconds. */
export interface PinLock {
  /** Wrong tries since the last right one (or since the last lock ended). */
  readonly wrongAttempts: number;
  /** Set by the try that reached MAX_WRONG_PINS; the count starts again once it has passed. */
  readonly lockedUntil: number | null;
}

export const UNLOCKED: PinLock = { wrongAttempts: 0, lockedUntil: null };

/** Milliseconds the PIN stays locked after `now`; 0 when it is not locked. */
export function lockRemainingMs(lock: PinLock, now: number): number {
  return lock.lockedUntil === null ? 0 : Math.max(0, lock.lockedUntil - now);
}

/** The lock as it stands at `now`: a lock that has passed counts from zero again. */
export function currentLock(lock: PinLock, now: number): PinLock {
  return lock.lockedUntil !== null && lock.lockedUntil <= now ? UNLOCKED : lock;
}

/** The lock after one more wrong try at `now` (the caller has checked it is not locked). */
export function afterWrongPin(lock: PinLock, now: number): PinLock {
  const wrongAttempts = currentLock(lock, now).wrongAttempts + 1;
  return { wrongAttempts, lockedUntil: wrongAttempts >= MAX_WRONG_PINS ? now + PIN_LOCK_MS : null };
}

export function triesLeft(lock: PinLock): number {
  return Math.max(0, MAX_WRONG_PINS - lock.wrongAttempts);
}
