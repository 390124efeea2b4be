// invoicePdf: GET /api/invoices/{orderId} answers the order's invoice as a PDF, rendered from the
// immutable order by the same renderer as the email's attachment (invoice-pdf.ts), so the bytes
// are the attachment's. Two ways in: the link's token (invoice-link.ts), which is what an email
// can carry, or the owner's Firebase ID token (Authorization: Bearer), for a signed-in page.
// Every refusal is a 403 or 404 with a plain sentence a person can read in the browser tab; only
// our own trouble (Firestore unavailable, the secret not configured) is a 503.
import type { Firestore } from "firebase-admin/firestore";
import { logger } from "firebase-functions/logger";

import type { HttpRequest } from "../core/http.js";
import { ORDERS } from "./collections.js";
import { checkInvoiceToken, ORDER_ID } from "./invoice-link.js";
import { renderInvoicePdf } from "./invoice-pdf.js";

export interface InvoicePdfDeps {
  readonly db: () => Firestore;
  /** INVOICE_LINK_SECRET, or undefined when the function runs without it. */
  readonly secret: () => string | undefined;
  /** The Admin SDK's ID token check: the caller's uid and claims, or a rejection. */
  readonly verifyIdToken: (idToken: string) => Promise<{ uid: string; admin?: unknown }>;
  readonly now: () => number;
}

export interface InvoiceRequest extends HttpRequest {
  readonly path?: string;
  readonly query?: Record<string, unknown>;
}

export interface InvoiceResponse {
  status(code: number): this;
  set(field: string, value: string): this;
  send(body: string | Buffer): void;
  end(): void;
}

const NO_SUCH_INVOICE = "There is no such invoice.";
const OPEN_FROM_EMAIL = "open the invoice from its email or from your order page";

function refuse(res: InvoiceResponse, status: number, sentence: string): void {
  res.status(status).set("Content-Type", "text/plain; charset=utf-8").set("Cache-Control", "no-store").send(sentence);
}

/** The order id: the last segment of the path (/api/invoices/{id} through Hosting, /{id} directly). */
function orderIdOf(req: InvoiceRequest): string | undefined {
  const last = (req.path ?? "").split("/").filter(Boolean).at(-1) ?? "";
  return ORDER_ID.test(last) ? last : undefined;
}

function bearerOf(req: InvoiceRequest): string | undefined {
  const header = req.headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  return /^Bearer\s+(\S+)$/i.exec(value)?.[1] ?? "";
}

/** Who may see the order, or the refusal to answer with. */
type Access = { ok: true; uid?: string; admin: boolean } | { ok: false; status: number; sentence: string };

async function access(req: InvoiceRequest, orderId: string, deps: InvoicePdfDeps): Promise<Access> {
  const bearer = bearerOf(req);
  if (bearer !== undefined) {
    try {
      const decoded = await deps.verifyIdToken(bearer);
      return { ok: true, uid: decoded.uid, admin: decoded.admin === true };
    } catch {
      return {
        ok: false,
        status: 403,
        sentence: `Your sign-in could not be checked: sign in again, or ${OPEN_FROM_EMAIL}.`,
      };
    }
  }
  const token = req.query?.token;
  if (typeof token !== "string" || token === "") {
    return { ok: false, status: 403, sentence: `This invoice link is incomplete: ${OPEN_FROM_EMAIL}.` };
  }
  const secret = deps.secret();
  if (!secret) {
    logger.error("invoicePdf: INVOICE_LINK_SECRET is not set; list INVOICE_LINK_SECRETS on the function");
    return {
      ok: false,
      status: 503,
      sentence: "Invoices cannot be downloaded right now; the invoice is also attached to its email.",
    };
  }
  const check = checkInvoiceToken(secret, orderId, token, deps.now());
  if (check.ok) return { ok: true, admin: false };
  if (check.reason === "expired") {
    const day = check.expiredAt?.toISOString().slice(0, 10) ?? "";
    return {
      ok: false,
      status: 403,
      sentence: `This invoice link expired on ${day}: your order page has a new one.`,
    };
  }
  return { ok: false, status: 403, sentence: `This invoice link is not valid: ${OPEN_FROM_EMAIL}.` };
}

export function createInvoicePdfHandler(deps: InvoicePdfDeps) {
  return async (req: InvoiceRequest, res: InvoiceResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.set("Allow", "GET, HEAD");
      refuse(res, 405, "Use GET to download an invoice.");
      return;
    }
    const orderId = orderIdOf(req);
    if (!orderId) {
      refuse(res, 404, NO_SUCH_INVOICE);
      return;
    }
    try {
      const allowed = await access(req, orderId, deps);
      if (!allowed.ok) {
        refuse(res, allowed.status, allowed.sentence);
        return;
      }
      const order = (await ORDERS.ref(deps.db()).doc(orderId).get()).data();
      // Someone else's order reads as no order at all: a signed-in caller learns nothing of others.
      if (!order || (allowed.uid !== undefined && !allowed.admin && order.uid !== allowed.uid)) {
        refuse(res, 404, NO_SUCH_INVOICE);
        return;
      }
      const pdf = Buffer.from(await renderInvoicePdf(orderId, order));
      const filename = `invoice-${order.invoiceNumber.replace(/[^A-Za-z0-9_-]/g, "_")}.pdf`;
      res
        .status(200)
        .set("Content-Type", "application/pdf")
        .set("Content-Disposition", `inline; filename="${filename}"`)
        .set("Content-Length", String(pdf.length))
        .set("Cache-Control", "private, no-store")
        .set("X-Content-Type-Options", "nosniff");
      if (req.method === "HEAD") res.end();
      else res.send(pdf);
    } catch (error) {
      logger.error("invoicePdf failed", { orderId, error: error instanceof Error ? error.message : String(error) });
      refuse(res, 503, "The invoice could not be fetched just now. Please try again in a moment.");
    }
  };
}
