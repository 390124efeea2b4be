// Email-and-password users of the Auth emulator as a page makes them (the REST calls the Auth SDK
// makes, so the emulator runs the blocking functions), and calls with the headers a browser sends.
import { randomUUID } from "node:crypto";

import { call, type CallResult, type TestUser } from "./client.ts";
import { emulatorOrigin } from "./emulators.ts";

export interface EmailUser extends TestUser {
  readonly email: string;
  readonly password: string;
}

async function identityToolkit<T>(method: string, body: Record<string, unknown>): Promise<T> {
  const response = await fetch(
    `${await emulatorOrigin("auth")}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=demo-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, returnSecureToken: true }),
    },
  );
  const answer = (await response.json()) as T & { error?: { message?: string } };
  if (!response.ok) throw new Error(`Auth emulator ${method}: ${answer.error?.message ?? response.status}`);
  return answer;
}

/** A new account created with an email and password (the blocking functions run). */
export async function signUpWithEmail(): Promise<EmailUser> {
  const email = `wallet-${randomUUID()}@example.com`;
  const password = `pw-${randomUUID()}`;
  const body = await identityToolkit<{ localId: string; idToken: string }>("signUp", { email, password });
  return { uid: body.localId, idToken: body.idToken, email, password };
}

/** A new session of an existing account: a fresh ID token (beforeUserSignedIn runs). */
export async function signInWithEmail(user: { email: string; password: string }): Promise<EmailUser> {
  const body = await identityToolkit<{ localId: string; idToken: string }>("signInWithPassword", {
    email: user.email,
    password: user.password,
  });
  return { uid: body.localId, idToken: body.idToken, email: user.email, password: user.password };
}

/** The ID token's auth_time (seconds), as the functions read it. */
export function authTime(user: TestUser): number {
  const payload = JSON.parse(Buffer.from(user.idToken.split(".")[1] ?? "", "base64url").toString()) as {
    auth_time: number;
  };
  return payload.auth_time;
}

/** A callable call with the headers given verbatim (X-Forwarded-For, User-Agent). */
export function callWithHeaders<T = unknown>(
  name: string,
  data: unknown,
  user: TestUser,
  headers: Record<string, string>,
): Promise<CallResult<T>> {
  return call<T>(name, data, { user, headers });
}
