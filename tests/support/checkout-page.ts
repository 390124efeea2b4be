// The checkout page's invoice link, as a shopper opens it: the link's address from the order
// shown on the page, fetched with the browser context's own request client (the same cookies and
// origin), so the test sees the status, headers and bytes a person's browser gets.
import type { Page } from "playwright-core";
import { PDFDocument } from "pdf-lib";

export interface OpenedInvoice {
  readonly href: string;
  readonly status: number;
  readonly contentType: string | undefined;
  readonly disposition: string | undefined;
  readonly cacheControl: string | undefined;
  readonly bytes: Buffer;
  /** The PDF's title (pdf-lib writes "Invoice <number>"), or undefined when it does not parse. */
  readonly title: string | undefined;
}

export async function openInvoiceLink(page: Page): Promise<OpenedInvoice> {
  const link = page.locator("#order-invoice-download:not([hidden]) #order-invoice-link");
  await link.waitFor({ timeout: 30_000 });
  const href = (await link.getAttribute("href")) ?? "";
  const response = await page.context().request.get(href);
  const bytes = Buffer.from(await response.body());
  const headers = response.headers();
  let title: string | undefined;
  try {
    title = (await PDFDocument.load(bytes)).getTitle();
  } catch {
    title = undefined;
  }
  return {
    href,
    status: response.status(),
    contentType: headers["content-type"],
    disposition: headers["content-disposition"],
    cacheControl: headers["cache-control"],
    bytes,
    title,
  };
}
