// Email content: subject, plain text and HTML for each message Malipo sends.
export interface MailMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, paragraphs: readonly string[]): string {
  const body = paragraphs.map((p) => `<p style="margin:0 0 12px">${escapeHtml(p)}</p>`).join("");
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1b1f24;max-width:32rem;margin:auto;padding:16px"><h1 style="color:#0b6e4f;font-size:20px">${escapeHtml(title)}</h1>${body}<p style="color:#666;font-size:12px">Malipo payments</p></body></html>`;
}

/** A message of plain paragraphs, every one escaped in the HTML part (user text included). */
export function message(subject: string, title: string, paragraphs: readonly string[]): MailMessage {
  return {
    subject,
    text: `${title}\n\n${paragraphs.join("\n\n")}\n\nMalipo payments\n`,
    html: layout(title, paragraphs),
  };
}

export interface ReceiptDetails {
  readonly name: string | null;
  readonly amount: string;
  readonly provider: string;
  readonly receipt: string | null;
  readonly paymentId: string;
  readonly paidAt: string;
}

export function receiptMail(details: ReceiptDetails): MailMessage {
  return message(`Receipt: ${details.amount} paid`, `Thank you${details.name ? `, ${details.name}` : ""}!`, [
    `We received ${details.amount} by ${details.provider} on ${details.paidAt}.`,
    `${details.provider} receipt: ${details.receipt ?? "not given by the provider"}. Malipo payment: ${details.paymentId}.`,
    "Keep this email as your receipt.",
  ]);
}

export function failureMail(details: {
  amount: string;
  provider: string;
  customerMessage: string;
  paymentId: string;
}): MailMessage {
  return message(`Your ${details.amount} payment did not go through`, "Your payment did not go through", [
    details.customerMessage,
    `Amount: ${details.amount} by ${details.provider}. Malipo payment: ${details.paymentId}.`,
    "You can try again at any time.",
  ]);
}

export function codeMail(details: { code: string; minutes: number; paymentId: string; link?: string }): MailMessage {
  return message(`Your Malipo verification code: ${details.code}`, "Confirm your entry", [
    `Your verification code is ${details.code}.`,
    `Enter it on the payment page within ${details.minutes} minutes to confirm your entry. Never share this code.`,
    ...(details.link ? [`Open your entry here, in the browser you paid from: ${details.link}`] : []),
    `Malipo payment: ${details.paymentId}.`,
  ]);
}

export interface BillReceiptDetails {
  readonly service: string;
  readonly plan: string | null;
  readonly customerNumber: string;
  readonly customerName: string | null;
  readonly amount: string;
  readonly fee: string;
  readonly total: string;
  readonly points: number;
  /** What the customer received: token and units, PINs, the biller's confirmation. */
  readonly delivered: readonly string[];
  readonly billId: string;
  readonly paidAt: string;
}

export function billReceiptMail(details: BillReceiptDetails): MailMessage {
  const what = details.plan ? `${details.service} (${details.plan})` : details.service;
  return message(`Receipt: ${what} for ${details.customerNumber}`, "Your purchase is delivered", [
    `${what} for ${details.customerNumber}${details.customerName ? ` (${details.customerName})` : ""} on ${details.paidAt}.`,
    ...details.delivered,
    `Amount ${details.amount} + fee ${details.fee} = ${details.total}, paid from your Malipo wallet.`,
    details.points > 0 ? `You earned ${details.points} points.` : "This purchase earned no points.",
    `Malipo bill: ${details.billId}. Keep this email as your receipt.`,
  ]);
}

export interface RefundMailDetails {
  readonly name: string | null;
  /** What came back this time, and in all, formatted. */
  readonly amount: string;
  readonly refundedInAll: string;
  readonly paid: string;
  readonly provider: string;
  readonly receipt: string | null;
  readonly paymentId: string;
  readonly refundId: string;
  /** True when this refund was taken back from the Malipo wallet the payment had topped up. */
  readonly fromWallet: boolean;
}

export function refundMail(details: RefundMailDetails): MailMessage {
  return message(
    `Refund: ${details.amount} sent back to you`,
    `Your refund is on its way${details.name ? `, ${details.name}` : ""}`,
    [
      `We have refunded ${details.amount} of your ${details.paid} payment to your ${details.provider}.`,
      ...(details.fromWallet ? [`The money was taken from your Malipo wallet, which this payment had topped up.`] : []),
      `Refunded so far: ${details.refundedInAll} of ${details.paid}.`,
      `${details.provider} reference: ${details.receipt ?? "not given by the provider"}. Malipo payment: ${details.paymentId}; refund: ${details.refundId}.`,
    ],
  );
}

/** An operator's mail for a rule alert's transition (operations/evaluate-alerts.ts). */
export function alertMail(details: {
  kind: "opened" | "resolved";
  rule: string;
  scope: string;
  message: string;
  at: string;
  alertId: string;
}): MailMessage {
  const opened = details.kind === "opened";
  return message(
    `${opened ? "Alert" : "Resolved"}: ${details.rule} (${details.scope})`,
    opened ? `Alert opened: ${details.rule}` : `Alert resolved: ${details.rule}`,
    [
      opened ? details.message : `The condition cleared at ${details.at}. It was: ${details.message}`,
      `Scope: ${details.scope}. ${opened ? "Opened" : "Resolved"} at ${details.at}. Alert: ${details.alertId} (the console's Alerts tab).`,
    ],
  );
}
