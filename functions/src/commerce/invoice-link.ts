// The invoice's download link: /api/invoices/{orderId}?token={expires}.{signature}, served by the
// invoicePdf function (invoice-http.ts) through Hosting's rewrite, so the link is on the page's
// own origin. The token is an HMAC-SHA256, keyed by the INVOICE_LINK_SECRET secret, over the order
// id and the link's expiry: whoever holds the link (the invoice email, the order page) may fetch
// that one invoice until then, and nothing in Firestore lets anyone make another. Why not Cloud
// Storage: docs/commerce.md, "The invoice PDF".
import { createHmac } from "node:crypto";

import { params } from "../core/config.js";
import { constantTimeEqual } from "../shared/hashing.js";
import { invoiceLinkSecret } from "./config.js";

/** A link is good for 90 days; the order page asks for a fresh one whenever it shows the order. */
export const INVOICE_LINK_TTL_MS = 90 * 24 * 60 * 60_000;
/** A secret shorter than this is a configuration mistake, not a secret. */
const MIN_SECRET_LENGTH = 16;

/** Order ids are checkout ids: 32 hex digits (checkout.ts checkoutIdFor). */
export const ORDER_ID = /^[0-9a-f]{32}$/;

export const INVOICE_PATH = "/api/invoices/";

/** The secret, read at call time; undefined when the function was deployed without it. */
export function linkSecret(): string | undefined {
  let value: string;
  try {
    value = invoiceLinkSecret.value();
  } catch {
    return undefined;
  }
  return value.length >= MIN_SECRET_LENGTH ? value : undefined;
}

function signature(secret: string, orderId: string, expiresSeconds: number): string {
  return createHmac("sha256", secret).update(`invoice-link|v1|${orderId}|${expiresSeconds}`).digest("base64url");
}

export function signInvoiceToken(secret: string, orderId: string, expiresAtMs: number): string {
  const expires = Math.floor(expiresAtMs / 1000);
  return `${expires}.${signature(secret, orderId, expires)}`;
}

export type TokenCheck = { ok: true } | { ok: false; reason: "malformed" | "forged" | "expired"; expiredAt?: Date };

/** Whether `token` was made with `secret` for this order and is still good at `now`. */
export function checkInvoiceToken(secret: string, orderId: string, token: string, now: number): TokenCheck {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) return { ok: false, reason: "malformed" };
  const expires = Number(match[1]);
  // The signature first: an expiry is only worth reporting for a link we made.
  if (!constantTimeEqual(signature(secret, orderId, expires), match[2])) return { ok: false, reason: "forged" };
  if (expires * 1000 <= now) return { ok: false, reason: "expired", expiredAt: new Date(expires * 1000) };
  return { ok: true };
}

export interface InvoiceLink {
  /** The path on the page's origin, with its token. */
  readonly path: string;
  readonly expiresAt: Date;
}

/** A link to the order's invoice, good for INVOICE_LINK_TTL_MS from `now`. */
export function invoiceLink(secret: string, orderId: string, now: number): InvoiceLink {
  const expiresAtMs = now + INVOICE_LINK_TTL_MS;
  const token = signInvoiceToken(secret, orderId, expiresAtMs);
  return {
    path: `${INVOICE_PATH}${orderId}?token=${token}`,
    expiresAt: new Date(Math.floor(expiresAtMs / 1000) * 1000),
  };
}

/**
 * The absolute link for an email: the first of ALLOWED_ORIGINS is the page's origin (as the
 * entry code's link, entries/codes.ts). Without the secret or an origin (a test calling the
 * handler directly) there is no link: the invoice is still attached, and the order still made.
 */
export function emailInvoiceLink(orderId: string, now: number): string | undefined {
  const secret = linkSecret();
  let origin: string | undefined;
  try {
    origin = params.allowedOrigins.value()[0];
  } catch {
    origin = undefined;
  }
  if (!secret || !origin) return undefined;
  return `${origin.replace(/\/$/, "")}${invoiceLink(secret, orderId, now).path}`;
}
