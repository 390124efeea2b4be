// An operator as the functions see one: a user of the Auth emulator with the `admin` custom claim
// (what `npm run admin -- grant` sets), signed in with a password so their ID token carries it.
import { randomUUID } from "node:crypto";

import { getApps, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";

import type { TestUser } from "./client.ts";
import { emulatorOrigin, PROJECT_ID } from "./emulators.ts";

export async function signUpOperator(): Promise<TestUser> {
  const auth = getAuth(getApps()[0] ?? initializeApp({ projectId: PROJECT_ID }));
  const email = `operator-${randomUUID()}@example.com`;
  const password = `pw-${randomUUID()}`;
  const user = await auth.createUser({ email, password });
  await auth.setCustomUserClaims(user.uid, { admin: true });
  const response = await fetch(
    `${await emulatorOrigin("auth")}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string };
  if (!body.idToken) throw new Error(`operator sign-in failed: ${JSON.stringify(body)}`);
  return { uid: user.uid, idToken: body.idToken };
}
