// The order's two emails: the confirmation (what was bought, and whether an operator must look at
// it) and the invoice (its number, lines and total). Plain text and HTML, like every Malipo mail.
import type { MailMessage } from "../notifications/templates.js";
import { formatMoney } from "../shared/money.js";
import type { OrderRecord } from "./collections.js";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function lineTexts(order: OrderRecord): string[] {
  return order.lines.map(
    (line) =>
      `${line.quantity} × ${line.name} at ${formatMoney(line.unitPrice, order.currency)}: ${formatMoney(line.lineTotal, order.currency)}`,
  );
}

interface Link {
  readonly label: string;
  readonly url: string;
}

function render(
  subject: string,
  title: string,
  paragraphs: readonly string[],
  lines: readonly string[],
  link?: Link,
): MailMessage {
  const p = (text: string) => `<p style="margin:0 0 12px">${escapeHtml(text)}</p>`;
  const list = `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join("")}</ul>`;
  const linkHtml = link
    ? `<p style="margin:0 0 12px"><a href="${escapeHtml(link.url)}" style="color:#0b6e4f">${escapeHtml(link.label)}</a></p>`
    : "";
  const linkText = link ? [`${link.label}: ${link.url}`] : [];
  return {
    subject,
    text: `${title}\n\n${[...paragraphs, ...lines.map((line) => `- ${line}`), ...linkText].join("\n\n")}\n\nMalipo payments\n`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1b1f24;max-width:32rem;margin:auto;padding:16px"><h1 style="color:#0b6e4f;font-size:20px">${escapeHtml(title)}</h1>${paragraphs.map(p).join("")}${list}${linkHtml}<p style="color:#666;font-size:12px">Malipo payments</p></body></html>`,
  };
}

export function confirmationMail(orderId: string, order: OrderRecord): MailMessage {
  const paid = formatMoney(order.amountPaid, order.currency);
  const status =
    order.status === "confirmed"
      ? "Your order is confirmed."
      : "We received your payment, but part of your order needs a person to look at it (the quote had expired or an item sold out). We will contact you about a refund or when the items are back; nothing you paid is lost.";
  return render(
    `Order confirmed: ${paid} paid`,
    "Thank you for your order",
    [status, `Order ${orderId}, invoice ${order.invoiceNumber}. Paid: ${paid}.`],
    lineTexts(order),
  );
}

/** The invoice email; `link` is its download link (invoice-link.ts), absent when none could be made. */
export function invoiceMail(order: OrderRecord, link?: string): MailMessage {
  const total = formatMoney(order.amountPaid, order.currency);
  return render(
    `Invoice ${order.invoiceNumber}`,
    `Invoice ${order.invoiceNumber}`,
    [
      `Issued ${order.createdAt.toDate().toISOString().slice(0, 10)} to ${order.email}.`,
      `Total paid: ${total}.`,
      link
        ? `The invoice is attached as a PDF (${order.invoiceNumber}.pdf); the link below downloads it for 90 days.`
        : `The invoice is attached as a PDF (${order.invoiceNumber}.pdf).`,
    ],
    lineTexts(order),
    link ? { label: "Download invoice (PDF)", url: link } : undefined,
  );
}
