// The bills page: the same anonymous visitor as the wallet page pays airtime, data, electricity,
// TV and other bills from their NGN wallet with their PIN, watches the bill until the biller
// answers, and sees their last bills. The form is bills-form.ts, the live bill bills-status.ts.
//
// Element ids (stable, for tests):
//   #wallet-link                    back to the wallet page
//   #wallet-summary[data-state]     "loading" | "loaded"; #bills-balance, #bills-available,
//                                   #pin-missing (shown when no PIN is set), #balance-error
//   #categories[data-state]         "loading" | "loaded"; one #category-{category} button each
//                                   (data-category, aria-pressed); #catalogue-empty, #catalogue-error
//   #services                       one #service-{serviceId} button each (aria-pressed)
//   #details                        #variation (plan; option values are plan codes), #amount (major
//                                   units), #amount-hint, #customer-number, #check, #customer-name,
//                                   #customer-details, #check-error, #phone
//   #quote                          #quote-total ("NGN 1,000.00 + fee NGN 50.00 = NGN 1,050.00"),
//                                   #quote-points ("Earns 10 points"); #quote-error
//   #pin, #email, #pay, #form-error the payment
//   #bill[data-bill-id]             the bill: #bill-title, #bill-status[data-status] (sending |
//                                   pending | delivered | failed), #bill-message, #bill-summary,
//                                   #delivered with #delivered-lines (one li per token, PIN or
//                                   confirmation), #copy, #copy-result, #resend-email, #resend,
//                                   #resend-result, #resend-error; #try-again (failed), #new-bill
//   #history[data-state]            #history-list: li[data-bill-id][data-status] per bill, newest
//                                   first; #history-empty, #history-error
//   #session, #problem              the visitor, and what stopped the page
import { collection, limit, onSnapshot, orderBy, query, where, type Timestamp } from "firebase/firestore";
import { httpsCallable } from "./device";

import type { WalletView } from "../../functions/src/wallet/get-wallet.ts";
import { startBillForm } from "./bills-form";
import { startBillPanel } from "./bills-status";
import {
  BILL_CURRENCY,
  BILL_HISTORY,
  BILL_STATUS_LABELS,
  billTitle,
  deliveredLines,
  formatMoney,
  type BillSnapshot,
} from "./bills-view";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import { startSignedInPage, type Client } from "./firebase";

function span(className: string, text: string): HTMLSpanElement {
  const item = document.createElement("span");
  item.className = className;
  item.textContent = text;
  return item;
}

type HistoryBill = BillSnapshot & { readonly createdAt?: Timestamp };

function historyItem(billId: string, bill: HistoryBill): HTMLLIElement {
  const row = document.createElement("li");
  row.dataset.billId = billId;
  row.dataset.status = bill.status;
  const when = bill.createdAt?.toDate().toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" }) ?? "";
  row.append(
    span("what", billTitle(bill)),
    span("amount", formatMoney(bill.total, bill.currency)),
    span("when", when),
    span("after", BILL_STATUS_LABELS[bill.status]),
  );
  for (const line of deliveredLines(bill.delivery)) row.append(span("line", line));
  return row;
}

function watchHistory(client: Client, uid: string): void {
  const list = element("history-list", HTMLOListElement);
  onSnapshot(
    query(
      collection(client.db, "bills"),
      where(BILL_HISTORY.owner, "==", uid),
      orderBy(BILL_HISTORY.newestFirst, "desc"),
      limit(BILL_HISTORY.size),
    ),
    (snapshot) => {
      list.replaceChildren(...snapshot.docs.map((doc) => historyItem(doc.id, doc.data() as HistoryBill)));
      element("history-empty").hidden = snapshot.size > 0;
      element("history").dataset.state = "loaded";
    },
    (error) => {
      show("history-error", messageOf(error));
    },
  );
}

function startBills(client: Client, uid: string): void {
  const getWallet = httpsCallable<Record<string, never>, WalletView>(client.functions, "getWallet");

  const readWallet = async (): Promise<void> => {
    try {
      const { data } = await getWallet({});
      hide("balance-error");
      const wallet = data.wallets.find((w) => w.currency === BILL_CURRENCY);
      element("bills-balance").textContent = formatMoney(wallet?.balance ?? 0, BILL_CURRENCY);
      element("bills-available").textContent = wallet?.held
        ? `available ${formatMoney(wallet.available, BILL_CURRENCY)}`
        : "";
      element("pin-missing").hidden = data.pin.set;
      element("wallet-summary").dataset.state = "loaded";
    } catch (error) {
      show("balance-error", messageOf(error));
    }
  };

  const panel = startBillPanel(client, {
    final: () => void readWallet(),
    tryAgain: () => {
      form.reopen(true);
    },
    another: () => {
      form.reopen(false);
    },
  });
  const form = startBillForm(client, (billId, bill, email) => {
    panel.show(billId, bill, email);
    void readWallet();
  });
  watchHistory(client, uid);
  void readWallet();
}

await startSignedInPage(startBills);
