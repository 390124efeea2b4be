// The invoice as a PDF (pdf-lib, pure JavaScript, its standard Helvetica font: nothing to load),
// attached to the invoice email. Rendering is deterministic for an order (its dates are the
// order's), so an attempt that lost a race and rendered again produces the same invoice.
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";

import { formatMoney } from "../shared/money.js";
import type { OrderRecord } from "./collections.js";

/** The latin-1 subset Helvetica can draw: anything else (emoji, other scripts) becomes "?". */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, "?");
}

export async function renderInvoicePdf(orderId: string, order: OrderRecord): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const date = order.createdAt.toDate();
  pdf.setTitle(`Invoice ${order.invoiceNumber}`);
  pdf.setCreator("Malipo");
  pdf.setProducer("Malipo");
  pdf.setCreationDate(date);
  pdf.setModificationDate(date);
  const page = pdf.addPage([595, 842]);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let y = 780;
  const line = (text: string, options: { size?: number; heavy?: boolean; x?: number } = {}) => {
    page.drawText(printable(text), {
      x: options.x ?? 50,
      y,
      size: options.size ?? 11,
      font: options.heavy ? bold : font,
      color: rgb(0.1, 0.12, 0.14),
    });
  };
  line(`Invoice ${order.invoiceNumber}`, { size: 20, heavy: true });
  y -= 28;
  line(`Issued ${date.toISOString().slice(0, 10)} to ${order.email}`);
  y -= 16;
  line(`Order ${orderId}, payment ${order.paymentId}`);
  y -= 30;
  line("Item", { heavy: true });
  line("Qty", { heavy: true, x: 330 });
  line("Unit", { heavy: true, x: 380 });
  line("Total", { heavy: true, x: 470 });
  for (const item of order.lines) {
    y -= 18;
    line(item.name.slice(0, 48));
    line(String(item.quantity), { x: 330 });
    line(formatMoney(item.unitPrice, order.currency), { x: 380 });
    line(formatMoney(item.lineTotal, order.currency), { x: 470 });
  }
  y -= 30;
  line(`Total paid: ${formatMoney(order.amountPaid, order.currency)}`, { heavy: true, size: 13 });
  if (order.status === "review") {
    y -= 20;
    line("Part of this order is being reviewed by our team; we will contact you.");
  }
  return pdf.save({ useObjectStreams: false });
}
