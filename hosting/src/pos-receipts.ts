// Receipt numbers {deviceCode}-{shift}-{seq}. The device code is the server's (registerTill), so
// no two tills share one; within a till, every tab of this browser numbers from one counter in
// localStorage, read and moved only while holding the Web Lock named for the till. Two tabs
// selling at the same instant therefore queue for the lock and get consecutive numbers, never the
// same one (a per-tab sub-sequence would also be unique but leaves gaps and reads oddly on paper).
// The counter survives reloads and offline restarts because it lives with the page's storage.
import { receiptNumber } from "../../functions/src/pos/shape.ts";

const shiftKey = (tillId: string) => `malipo-pos:${tillId}:shift`;
const seqKey = (tillId: string, shift: number) => `malipo-pos:${tillId}:seq:${shift}`;

function read(key: string, fallback: number): number {
  const value = Number(localStorage.getItem(key));
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

export interface Receipt {
  readonly shift: number;
  readonly seq: number;
  readonly receiptNumber: string;
}

function withTillLock<T>(tillId: string, work: () => T): Promise<T> {
  return navigator.locks.request(`malipo-pos-receipts:${tillId}`, { mode: "exclusive" }, () => work());
}

/** The next receipt of this till's current shift, unique across this browser's tabs. */
export function nextReceipt(tillId: string, deviceCode: string): Promise<Receipt> {
  return withTillLock(tillId, () => {
    const shift = read(shiftKey(tillId), 1);
    const seq = read(seqKey(tillId, shift), 0) + 1;
    localStorage.setItem(seqKey(tillId, shift), String(seq));
    return { shift, seq, receiptNumber: receiptNumber(deviceCode, shift, seq) };
  });
}

export function currentShift(tillId: string): number {
  return read(shiftKey(tillId), 1);
}

/** Closes the shift: the next receipt starts the next shift at 1. */
export function startNextShift(tillId: string): Promise<number> {
  return withTillLock(tillId, () => {
    const shift = read(shiftKey(tillId), 1) + 1;
    localStorage.setItem(shiftKey(tillId), String(shift));
    return shift;
  });
}
