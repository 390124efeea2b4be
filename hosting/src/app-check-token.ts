// Debug App Check tokens for the emulators (the page on this machine, and the tests).
const DEBUG_TOKEN_LIFETIME_MS = 60 * 60_000;

function base64Url(text: string): string {
  return btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * An unsigned App Check token for the emulators: the claims of a real one (subject = the app),
 * no signature. Only an emulator, which skips token verification, accepts it.
 */
export function emulatorAppCheckToken(
  appId: string,
  projectId: string,
  now: number,
): { token: string; expireTimeMillis: number } {
  const expireTimeMillis = now + DEBUG_TOKEN_LIFETIME_MS;
  const claims = {
    iss: `https://firebaseappcheck.googleapis.com/${projectId}`,
    sub: appId,
    aud: [`projects/${projectId}`],
    iat: Math.floor(now / 1000),
    exp: Math.floor(expireTimeMillis / 1000),
  };
  const token = `${base64Url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64Url(JSON.stringify(claims))}.`;
  return { token, expireTimeMillis };
}

/** The app id local tokens name when the emulator's demo configuration has none. */
export const EMULATOR_APP_ID = "1:000000000000:web:malipo-local";
