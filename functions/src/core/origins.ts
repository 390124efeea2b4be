// Which web pages may call Malipo's browser-facing endpoints (ALLOWED_ORIGINS). A request with no
// Origin header is not from a browser page and is not a CORS request; one from any other origin,
// including the opaque "null" origin of sandboxed frames and files, is refused.
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin === undefined || allowed.includes(origin);
}

export function originOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const origin = headers.origin;
  return Array.isArray(origin) ? origin[0] : origin;
}

export function refusedOriginMessage(origin: string): string {
  return `Requests from ${origin.slice(0, 100)} are not allowed: Malipo's API answers only its own pages (ALLOWED_ORIGINS).`;
}
