// The local seed, run by `npm start` once the emulators are up: one operator account with the
// admin claim, so the access model can be tried by hand. Emulator-only: the password is not a
// secret, and the account never exists in a real project.
import { deleteApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";

import { adminApp, changeRole } from "./admin.ts";

export const LOCAL_ADMIN = { email: "admin@malipo.local", password: "local-admin-only" } as const;

/** Creates the local admin (or finds it) and grants the claim. Returns how to sign in. */
export async function seedLocalAdmin(): Promise<string> {
  const { app, target } = await adminApp(undefined);
  try {
    const auth = getAuth(app);
    const existing = await auth.getUserByEmail(LOCAL_ADMIN.email).catch(() => undefined);
    if (!existing) {
      await auth.createUser({ ...LOCAL_ADMIN, displayName: "Local operator", emailVerified: true });
    }
    await changeRole(app, target, { action: "grant", email: LOCAL_ADMIN.email });
    return `Admin         ${LOCAL_ADMIN.email} / ${LOCAL_ADMIN.password} (sign in under "Operator sign-in" on the page)`;
  } finally {
    await deleteApp(app);
  }
}
