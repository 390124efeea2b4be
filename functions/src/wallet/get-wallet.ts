// getWallet: the caller's balances, read from their ledger accounts (one query on uid). A wallet
// is listed for every currency the caller holds an account in, zero or not, in the catalog's
// order; a currency they never held money in is not listed (the catalog names them all). Points
// are always answered, zero without an account, and so is whether the transaction PIN is set
// (and until when it is locked), so the page offers "set" or "change", and whether two-step
// verification is on (so the page offers to enrol or to turn it off, and asks for a code).
import type { Firestore } from "firebase-admin/firestore";

import type { Caller } from "../core/callable.js";
import { enforceRateLimits } from "../core/rate-limit.js";
import { availableOf, balanceOf, type Balances } from "../ledger/accounts.js";
import { LEDGER_ACCOUNTS } from "../ledger/collections.js";
import { CURRENCY_CODES, type Currency } from "../shared/catalog.js";
import { twoFactorStatus } from "../twofactor/factor.js";
import { pinStatus } from "./pin.js";
import type { GetWalletInput } from "./schemas.js";

export interface BalanceView {
  /** credits - debits: what Malipo owes the owner, minor units (whole points). */
  readonly balance: number;
  /** Held debits: promised to a movement not yet committed, not spendable. */
  readonly held: number;
  /** balance - held: what can be spent now. */
  readonly available: number;
}

export interface WalletView {
  readonly wallets: readonly (BalanceView & { readonly currency: Currency })[];
  readonly points: BalanceView;
  /** lockedUntil: epoch ms while five wrong tries lock it, else null. */
  readonly pin: { readonly set: boolean; readonly lockedUntil: number | null };
  /** enrolledAt: epoch ms. A pending (unconfirmed) enrolment reads as not enabled. */
  readonly twoFactor: {
    readonly enabled: boolean;
    readonly enrolledAt: number | null;
    readonly recoveryCodesLeft: number;
  };
}

function viewOf(balances: Balances): BalanceView {
  return { balance: balanceOf(balances), held: balances.pendingDebits, available: availableOf(balances) };
}

const NO_POINTS: BalanceView = { balance: 0, held: 0, available: 0 };

export async function getWallet(
  _input: GetWalletInput,
  caller: Caller,
  deps: { db: Firestore; now: () => number },
): Promise<WalletView> {
  const { db } = deps;
  await enforceRateLimits(db, "getWallet", caller, deps.now());
  const owned = (await LEDGER_ACCOUNTS.ref(db).where("uid", "==", caller.uid).get()).docs.map((doc) => doc.data());
  const wallets = CURRENCY_CODES.flatMap((currency) => {
    const account = owned.find((a) => a.kind === "wallet" && a.currency === currency);
    return account ? [{ currency, ...viewOf(account) }] : [];
  });
  const points = owned.find((a) => a.kind === "points");
  const [pin, twoFactor] = await Promise.all([pinStatus(db, caller.uid, deps.now()), twoFactorStatus(db, caller.uid)]);
  return { wallets, points: points ? viewOf(points) : NO_POINTS, pin, twoFactor };
}
