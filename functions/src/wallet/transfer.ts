// A transfer between two users' wallets in one currency: one journal entry,
// transfer:{hash(sender|idempotencyKey)}, debiting the sender and crediting the recipient in the
// same commit, refused whole when the sender's available balance does not cover it. Money leaving
// a wallet needs the sender's transaction PIN, checked before anything is written.
import { createHash } from "node:crypto";

import type { Firestore } from "firebase-admin/firestore";

import { AppError } from "../core/errors.js";
import { accounts } from "../ledger/accounts.js";
import { postEntry, type JournalEntry } from "../ledger/journal.js";
import type { Currency } from "../shared/catalog.js";

export interface TransferRequest {
  readonly from: string;
  readonly to: string;
  readonly currency: Currency;
  /** Minor units. */
  readonly amount: number;
  /** The sender's key: the same key again is the same transfer. */
  readonly idempotencyKey: string;
}

/** wallet/pin.ts verifyPin: resolves for the right PIN, refuses a wrong or locked one. */
export type PinCheck = (db: Firestore, uid: string, pin: string, now: number) => Promise<void>;

export function transferEntryId(from: string, idempotencyKey: string): string {
  return `transfer:${createHash("sha256").update(`${from}|${idempotencyKey}`).digest("hex").slice(0, 32)}`;
}

/** The ledger movement of a transfer, once its sender is authorised. */
export function moveBetweenWallets(
  db: Firestore,
  request: TransferRequest,
  now: () => number = Date.now,
): Promise<JournalEntry> {
  if (request.from === request.to) {
    throw new AppError("invalid-argument", "to: a transfer needs a recipient other than the sender.");
  }
  if (!Number.isSafeInteger(request.amount) || request.amount <= 0) {
    throw new AppError("invalid-argument", "amount: must be a whole number of minor units above zero.");
  }
  return postEntry(
    db,
    {
      id: transferEntryId(request.from, request.idempotencyKey),
      kind: "transfer",
      postings: [
        { account: accounts.wallet(request.from, request.currency), side: "debit", amount: request.amount },
        { account: accounts.wallet(request.to, request.currency), side: "credit", amount: request.amount },
      ],
      meta: { from: request.from, to: request.to },
    },
    now,
  );
}

/** A transfer asked for by its sender, who proves it with their PIN. */
export async function transfer(
  request: TransferRequest & { readonly pin: string },
  deps: { readonly db: Firestore; readonly now: () => number; readonly verifyPin: PinCheck },
): Promise<JournalEntry> {
  await deps.verifyPin(deps.db, request.from, request.pin, deps.now());
  return moveBetweenWallets(deps.db, request, deps.now);
}
