// Calls functions the way a client does: an anonymous user from the Auth emulator, then the
// callable protocol over HTTP (POST {data}, answer {result} or {error}).
import { randomInt, randomUUID } from "node:crypto";

import { REGION } from "../../functions/src/core/region.ts";
import { EMULATOR_APP_ID, emulatorAppCheckToken } from "../../hosting/src/app-check-token.ts";
import { emulatorOrigin, functionUrl, PROJECT_ID } from "./emulators.ts";
import { nextMiddle } from "./phones.ts";

export { REGION };

export interface TestUser {
  readonly uid: string;
  readonly idToken: string;
}

export async function signUpAnonymous(): Promise<TestUser> {
  const response = await fetch(
    `${await emulatorOrigin("auth")}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=demo-api-key`,
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ returnSecureToken: true }),
    },
  );
  if (!response.ok) throw new Error(`Auth emulator sign-up failed: HTTP ${response.status}`);
  const body = (await response.json()) as { localId: string; idToken: string };
  return { uid: body.localId, idToken: body.idToken };
}

export type CallResult<T> =
  | { readonly ok: true; readonly result: T }
  | {
      readonly ok: false;
      readonly httpStatus: number;
      readonly code: string;
      readonly message: string;
      readonly details?: unknown;
    };

export async function call<T = unknown>(
  name: string,
  data: unknown,
  options: {
    user?: TestUser;
    ip?: string;
    appCheck?: boolean;
    origin?: string;
    /** Where the functions are served (default: the Functions emulator), e.g. the bench host. */
    functionsOrigin?: string;
    /** Sent verbatim, last (a given X-Forwarded-For replaces the simulated address). */
    headers?: Record<string, string>;
  } = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (options.user) headers.Authorization = `Bearer ${options.user.idToken}`;
  // The app attests itself the way the page does on this machine, unless a test says otherwise.
  if (options.appCheck ?? true) {
    headers["X-Firebase-AppCheck"] = emulatorAppCheckToken(EMULATOR_APP_ID, PROJECT_ID, Date.now()).token;
  }
  if (options.origin) headers.Origin = options.origin;
  // Each simulated client gets its own address, as behind Cloud Functions' front end.
  if (!options.headers?.["X-Forwarded-For"]) headers["X-Forwarded-For"] = options.ip ?? randomIp();
  Object.assign(headers, options.headers);
  const url = options.functionsOrigin
    ? `${options.functionsOrigin}/${PROJECT_ID}/${REGION}/${name}`
    : await functionUrl(name, REGION);
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ data }),
  });
  const body = (await response.json()) as {
    result?: T;
    error?: { status: string; message: string; details?: unknown };
  };
  if (response.ok && "result" in body) return { ok: true, result: body.result };
  return {
    ok: false,
    httpStatus: response.status,
    code: (body.error?.status ?? "UNKNOWN").toLowerCase().replaceAll("_", "-"),
    message: body.error?.message ?? "",
    details: body.error?.details,
  };
}

export function randomIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

export function idempotencyKey(): string {
  return randomUUID();
}

/** A Safaricom number (2547XXXXXXXX) ending in `suffix` that no other test in the suite uses. */
export function kenyanPhone(suffix = "0000"): string {
  const ending = suffix.padStart(4, "0");
  return `+2547${nextMiddle(ending)}${ending}`;
}

/** A random MTN Uganda number in local form (0772XXXXXX): the ioTec simulator lets it succeed. */
export function ugandanPhone(): string {
  return `0772${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
}

/** A random MTN Nigeria number (+234 803 XXX XXXX): Paystack does not use it, Malipo keeps it. */
export function nigerianPhone(): string {
  return `+234803${String(randomInt(0, 10_000_000)).padStart(7, "0")}`;
}

/** An ioTec sandbox payer: prefix "011177777" (success), "011177799" (failed), ... plus a digit. */
export function iotecPhone(prefix: "011177777" | "011177799" | "011177778" | "011177779"): string {
  return `${prefix}${randomInt(0, 10)}`;
}
