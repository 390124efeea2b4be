// A bill once payBill has answered: its status live from bills/{billId} (the owner reads it) until
// it is final, then what it delivered, with Copy and the receipt again, or why it failed, with
// Try again. The page only shows what the functions wrote; it never decides an outcome itself.
import { doc, onSnapshot, type Unsubscribe } from "firebase/firestore";
import { httpsCallable } from "./device";

import {
  BILL_STATUS_LABELS,
  billSummary,
  billTitle,
  deliveredLines,
  isFinalBill,
  type BillSnapshot,
} from "./bills-view";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";

export interface BillPanel {
  /** Shows the bill payBill answered with, and follows it until it is final. */
  show(billId: string, bill: BillSnapshot, email: string): void;
}

interface PanelEvents {
  /** The bill is delivered or failed: balances have moved. */
  readonly final: () => void;
  /** The customer wants to try a failed bill again (a new attempt, a new quote). */
  readonly tryAgain: () => void;
  /** The customer wants to pay another bill after a delivered one. */
  readonly another: () => void;
}

/** navigator.clipboard where the browser allows it; otherwise the lines are selected for the customer. */
async function copyLines(list: HTMLElement, text: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return "Copied.";
  } catch {
    getSelection()?.selectAllChildren(list);
    return "Selected: copy it with your browser (Ctrl+C, or long-press on a phone).";
  }
}

export function startBillPanel(client: Client, events: PanelEvents): BillPanel {
  const resendReceipt = httpsCallable<{ billId: string; email?: string }, { sentTo: string }>(
    client.functions,
    "resendBillReceipt",
  );
  const panel = element("bill");
  const lines = element("delivered-lines", HTMLUListElement);
  const resendEmail = element("resend-email", HTMLInputElement);
  const resend = element("resend", HTMLButtonElement);
  let unsubscribe: Unsubscribe | undefined;
  let delivered: string[] = [];

  const stop = (): void => {
    unsubscribe?.();
    unsubscribe = undefined;
  };

  const render = (bill: BillSnapshot): void => {
    element("bill-title").textContent = billTitle(bill);
    const status = element("bill-status");
    status.textContent = BILL_STATUS_LABELS[bill.status];
    status.dataset.status = bill.status;
    element("bill-message").textContent = bill.customerMessage;
    element("bill-summary").textContent = billSummary(bill);
    delivered = deliveredLines(bill.delivery);
    lines.replaceChildren(
      ...delivered.map((line) => {
        const item = document.createElement("li");
        item.textContent = line;
        return item;
      }),
    );
    element("delivered").hidden = bill.status !== "delivered";
    element("copy").hidden = delivered.length === 0;
    element("try-again").hidden = bill.status !== "failed";
    element("new-bill").hidden = bill.status !== "delivered";
    if (!isFinalBill(bill.status)) return;
    stop();
    events.final();
  };

  element("copy").addEventListener("click", () => {
    void copyLines(lines, delivered.join("\n")).then((result) => {
      show("copy-result", result);
    });
  });

  resend.addEventListener("click", () => {
    const billId = panel.dataset.billId;
    if (!billId) return;
    hide("resend-result");
    hide("resend-error");
    resend.disabled = true;
    const email = resendEmail.value.trim();
    resendReceipt(email ? { billId, email } : { billId })
      .then(({ data }) => {
        show("resend-result", `Sent to ${data.sentTo}.`);
      })
      .catch((error: unknown) => {
        show("resend-error", messageOf(error));
      })
      .finally(() => {
        resend.disabled = false;
      });
  });

  const leave = (next: () => void): void => {
    stop();
    panel.hidden = true;
    delete panel.dataset.billId;
    next();
  };
  element("try-again").addEventListener("click", () => {
    leave(events.tryAgain);
  });
  element("new-bill").addEventListener("click", () => {
    leave(events.another);
  });

  return {
    show(billId, bill, email) {
      stop();
      panel.dataset.billId = billId;
      resendEmail.value = email;
      for (const id of ["copy-result", "resend-result", "resend-error"]) hide(id);
      panel.hidden = false;
      render(bill);
      if (isFinalBill(bill.status)) return;
      unsubscribe = onSnapshot(
        doc(client.db, "bills", billId),
        (snapshot) => {
          const data = snapshot.data();
          if (data) render(data as BillSnapshot);
        },
        () => {
          show("bill-message", "Live updates stopped. Reload the page: your bill is listed below.");
        },
      );
    },
  };
}
