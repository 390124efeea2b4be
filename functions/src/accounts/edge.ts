// The accounts code wired to the Admin SDK: the session check the callable edge runs
// (session.ts) and the session revocation the accounts callables use.
import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";

import { db } from "../core/firebase.js";
import type { AccountUser } from "./devices.js";
import { createSessionCheck } from "./session.js";

function auth() {
  return getAuth(getApps()[0] ?? initializeApp());
}

async function lookupUser(uid: string): Promise<AccountUser | undefined> {
  try {
    const user = await auth().getUser(uid);
    return {
      email: user.email,
      password: user.providerData.some((p) => p.providerId === "password"),
      disabled: user.disabled,
      tokensValidAfterTime: user.tokensValidAfterTime,
    };
  } catch (error) {
    if ((error as { code?: unknown }).code === "auth/user-not-found") return undefined;
    throw error;
  }
}

export const sessionCheck = createSessionCheck(async () => Promise.resolve({ db: db(), now: Date.now, lookupUser }));

/** What changing the account's email asks of Auth (email-change.ts). */
export const emailChangeAuth = {
  lookupUser,
  async uidOfEmail(email: string) {
    try {
      return (await auth().getUserByEmail(email)).uid;
    } catch (error) {
      if ((error as { code?: unknown }).code === "auth/user-not-found") return undefined;
      throw error;
    }
  },
  async setAuthEmail(uid: string, email: string) {
    await auth().updateUser(uid, { email, emailVerified: true });
  },
};

/** Ends every session of the user: their refresh tokens stop working, their ID tokens are refused by SESSION_CHECKED routes. */
export async function revokeSessions(uid: string): Promise<void> {
  await auth().revokeRefreshTokens(uid);
}
