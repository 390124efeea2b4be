// The till PIN: it locks the till on start and after a spell without a touch, so a borrowed phone
// cannot sell or see the day's totals. It is checked on the device (the till must unlock offline),
// against a salted PBKDF2-SHA-256 hash kept in this browser's storage; the Firebase session stays
// signed in underneath. It is a screen lock, not the money PIN of the wallet (docs/pos.md).

const KEY = "malipo-pos:pin";
const ITERATIONS = 150_000;
/** Wrong tries before the pad waits, and how long (doubling after every further wrong try). */
const FREE_TRIES = 5;
const BASE_WAIT_MS = 30_000;

interface StoredPin {
  readonly salt: string;
  readonly hash: string;
  readonly iterations: number;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

async function derive(pin: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return toBase64(new Uint8Array(bits));
}

export function pinIsSet(): boolean {
  return localStorage.getItem(KEY) !== null;
}

/** 4 to 8 digits, not one digit repeated. */
export function pinProblem(pin: string): string | undefined {
  if (!/^\d{4,8}$/.test(pin)) return "The PIN is 4 to 8 digits.";
  if (/^(\d)\1+$/.test(pin)) return "Choose a PIN that is not one digit repeated.";
  return undefined;
}

export async function setPin(pin: string): Promise<void> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const stored: StoredPin = { salt: toBase64(salt), hash: await derive(pin, salt, ITERATIONS), iterations: ITERATIONS };
  localStorage.setItem(KEY, JSON.stringify(stored));
}

let wrongTries = 0;
let waitUntil = 0;

export type PinCheck = { ok: true } | { ok: false; message: string };

export async function checkPin(pin: string, now = Date.now()): Promise<PinCheck> {
  if (now < waitUntil)
    return { ok: false, message: `Too many wrong PINs: wait ${Math.ceil((waitUntil - now) / 1000)} s.` };
  const text = localStorage.getItem(KEY);
  if (!text) return { ok: false, message: "No PIN is set on this till." };
  const stored = JSON.parse(text) as StoredPin;
  const hash = await derive(pin, fromBase64(stored.salt), stored.iterations);
  if (hash === stored.hash) {
    wrongTries = 0;
    return { ok: true };
  }
  wrongTries++;
  if (wrongTries >= FREE_TRIES) waitUntil = now + BASE_WAIT_MS * 2 ** (wrongTries - FREE_TRIES);
  return { ok: false, message: "Wrong PIN." };
}

/**
 * Calls `lock` after `idleMs` without a touch, a key or a click; every input starts the wait again.
 * The wait is per tab: each tab of the till locks on its own.
 */
export function lockWhenIdle(idleMs: number, lock: () => void): () => void {
  let timer = window.setTimeout(lock, idleMs);
  const touched = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(lock, idleMs);
  };
  for (const type of ["pointerdown", "keydown", "input"]) document.addEventListener(type, touched, { passive: true });
  return touched;
}
