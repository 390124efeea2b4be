// This browser's device id: generated once, kept in local storage, and sent with every callable
// (the reserved `deviceId` field, which the functions' edge takes out before the call's own
// fields are checked: core/callable.ts). A field rather than a header because the Firebase SDK's
// callables cannot add headers, and one field read by the edge reaches every callable without
// each one's schema naming it. The pages import httpsCallable from here instead of the SDK.
import {
  httpsCallable as sdkCallable,
  type Functions,
  type HttpsCallableOptions,
  type HttpsCallableResult,
} from "firebase/functions";

const KEY = "malipo.deviceId";
let fallback: string | undefined;

function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

/** The id, created on first use; when storage is unavailable (some private modes), one per page. */
export function deviceId(): string {
  try {
    const stored = localStorage.getItem(KEY);
    if (stored && /^[A-Za-z0-9_-]{16,64}$/.test(stored)) return stored;
    const created = newId();
    localStorage.setItem(KEY, created);
    return created;
  } catch {
    return (fallback ??= newId());
  }
}

/** The SDK's httpsCallable, with the device id added to the call's fields. */
// The caller names the request's type, as with the SDK's own httpsCallable.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function httpsCallable<Request = unknown, Response = unknown>(
  functions: Functions,
  name: string,
  options?: HttpsCallableOptions,
): (data: Request) => Promise<HttpsCallableResult<Response>> {
  const call = sdkCallable<Request & { deviceId: string }, Response>(functions, name, options);
  return (data) => call({ ...data, deviceId: deviceId() });
}
