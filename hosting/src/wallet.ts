// The wallet page: the same anonymous visitor as the join page (Auth keeps them across reloads),
// their balances and activity from getWallet and listWalletActivity, a top-up, a withdrawal
// (wallet-withdraw.ts), the PIN, two-step verification (wallet-twofactor.ts), and the account
// card (wallet-account.ts: keep the wallet by email, sign in elsewhere, sign out everywhere,
// devices and sign-ins). A
// listener on the visitor's own ledger accounts tells the page when money moved (a top-up's
// credit lands a moment after the payment succeeds), and the page then reads both again.
import type { User } from "firebase/auth";
import { collection, onSnapshot, query, where } from "firebase/firestore";
import { httpsCallable } from "./device";

import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import { startSignedInPage, type Client } from "./firebase";
import { startAccount } from "./wallet-account";
import { startPin, type PinForms } from "./wallet-pin";
import { startTopUp } from "./wallet-topup";
import { startTwoFactor, type TwoFactorCard } from "./wallet-twofactor";
import { startWithdraw, type WithdrawForm } from "./wallet-withdraw";
import {
  formatAmount,
  heldNote,
  lineAmount,
  lineTime,
  lineTitle,
  type ActivityLineView,
  type ActivityPage,
  type WalletView,
} from "./wallet-view";

function item(className: string, text: string): HTMLSpanElement {
  const span = document.createElement("span");
  span.className = className;
  span.textContent = text;
  return span;
}

interface Forms {
  readonly withdraw: WithdrawForm;
  readonly pin: PinForms;
  readonly twoFactor: TwoFactorCard;
}

function renderBalances(view: WalletView, forms: Forms): void {
  const list = element("wallets", HTMLUListElement);
  list.replaceChildren(
    ...view.wallets.map((wallet) => {
      const row = document.createElement("li");
      row.dataset.currency = wallet.currency;
      row.append(item("balance", formatAmount(wallet.balance, wallet.currency)));
      const note = heldNote(wallet, wallet.currency);
      if (note) row.append(item("hint", note));
      return row;
    }),
  );
  element("no-wallets").hidden = view.wallets.length > 0;
  element("points-balance").textContent = formatAmount(view.points.balance, "PTS");
  element("points-held").textContent = heldNote(view.points, "PTS");
  element("balances").dataset.state = "loaded";
  // A PIN is set once, then changed: the page offers the one that applies.
  element("set-pin-form").hidden = view.pin.set;
  element("change-pin").hidden = !view.pin.set;
  element("pin").dataset.state = view.pin.set ? "set" : "unset";
  forms.withdraw.pinSet(view.pin.set);
  forms.withdraw.twoFactor(view.twoFactor.enabled);
  forms.pin.twoFactor(view.twoFactor.enabled);
  forms.twoFactor.render(view.twoFactor);
}

function lineItem(line: ActivityLineView): HTMLLIElement {
  const row = document.createElement("li");
  row.dataset.entryId = line.entryId;
  row.dataset.kind = line.kind;
  row.dataset.currency = line.currency;
  row.append(item("what", lineTitle(line)), item("amount", lineAmount(line)), item("when", lineTime(line)));
  if (line.balanceAfter !== null)
    row.append(item("after", `balance ${formatAmount(line.balanceAfter, line.currency)}`));
  return row;
}

function startWallet(client: Client, uid: string, user: User): void {
  const getWallet = httpsCallable<Record<string, never>, WalletView>(client.functions, "getWallet");
  const listActivity = httpsCallable<{ cursor?: string }, ActivityPage>(client.functions, "listWalletActivity");
  const list = element("activity-list", HTMLOListElement);
  const more = element("load-more", HTMLButtonElement);
  let cursor: string | null = null;
  let reading = false;
  let readAgain = false;
  // A settled withdrawal moved money: the ledger listener below hears of it too, and the second
  // read waits for the first.
  const withdraw = startWithdraw(client, () => void refresh());
  const forms: Forms = {
    withdraw,
    pin: startPin(client, () => void refresh()),
    twoFactor: startTwoFactor(client, () => void refresh()),
  };

  const renderPage = (page: ActivityPage, replace: boolean): void => {
    const rows = page.lines.map(lineItem);
    if (replace) list.replaceChildren(...rows);
    else list.append(...rows);
    cursor = page.nextCursor;
    more.hidden = cursor === null;
    element("activity-empty").hidden = list.childElementCount > 0;
    element("activity").dataset.state = "loaded";
  };

  // Balances and the first page of activity, read together; changes that arrive while a read is
  // under way make one more read after it, never two at once. The withdraw form's numbers (a
  // top-up's number) and used today move with the money, so it reads its options alongside.
  const readBoth = async (): Promise<void> => {
    withdraw.reload();
    try {
      const [wallet, page] = await Promise.all([getWallet({}), listActivity({})]);
      hide("balances-error");
      renderBalances(wallet.data, forms);
      renderPage(page.data, true);
    } catch (error) {
      show("balances-error", messageOf(error));
    }
  };
  const refresh = async (): Promise<void> => {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    more.disabled = true;
    await readBoth();
    reading = false;
    more.disabled = false;
    if (readAgain) {
      readAgain = false;
      await refresh();
    }
  };

  more.addEventListener("click", () => {
    if (cursor === null || reading) return;
    more.disabled = true;
    hide("activity-error");
    listActivity({ cursor })
      .then(({ data }) => {
        renderPage(data, false);
      })
      .catch((error: unknown) => {
        show("activity-error", messageOf(error));
      })
      .finally(() => {
        more.disabled = false;
      });
  });

  let first = true;
  onSnapshot(
    query(collection(client.db, "ledgerAccounts"), where("uid", "==", uid)),
    () => {
      // The first snapshot is what the page has just read.
      if (first) first = false;
      else void refresh();
    },
    () => {
      show("problem", "Live updates stopped. Reload the page to see new activity.");
    },
  );
  void refresh();
  startTopUp(client, () => void refresh());
  startAccount(client, user);
}

await startSignedInPage(startWallet);
