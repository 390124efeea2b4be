// The wallet page's withdraw form: the visitor's numbers and limits from getWithdrawalOptions,
// the amount, the fee from quote (service "withdrawal") shown before anything is sent, then the
// PIN and withdraw. The withdrawal is followed until the provider answers: withdrawals/{id} (the
// owner may read it) says when it changed, and getWithdrawal says how, so the page shows the
// functions' own view and never decides an outcome itself. The money leaves the wallet as a hold
// and is posted or released by the functions; the page's ledger listener (wallet.ts) shows that.
//
// Element ids (stable, for tests):
//   #withdraw[data-state]        "loading" | "ready" | "no-numbers" | "unavailable"
//   #withdraw-currency           KES | UGX; #withdraw-currency-code names it by the amount
//   #withdraw-pin-missing        shown while no PIN is set
//   #withdraw-no-numbers         shown when the visitor has topped up from no number yet
//   #withdraw-details            #withdraw-phone (option values are E.164), #withdraw-amount (whole
//                                units), #withdraw-limits, #withdraw-used, #withdraw-quote
//   #withdraw-confirm            #withdraw-quote-line, #withdraw-pin, #withdraw-send, #withdraw-change,
//                                #withdraw-code-field (#withdraw-code) when a step-up code is asked
//   #withdraw-error              what to change, or the functions' sentence
//   #withdrawal[data-withdrawal-id]  #withdrawal-status[data-status] (sending | pending |
//                                succeeded | failed | conflict), #withdrawal-summary,
//                                #withdrawal-message, #withdrawal-receipt
import { doc, onSnapshot, type Unsubscribe } from "firebase/firestore";
import { httpsCallable } from "./device";

import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { attemptKeys } from "./payment-flow";
import { stepUpAsked, stepUpGrant } from "./wallet-twofactor";
import {
  isFinalWithdrawal,
  limitsLine,
  receiptLine,
  usedTodayLine,
  WITHDRAWAL_STATUS_LABELS,
  withdrawalAmount,
  withdrawalQuoteLine,
  withdrawalQuoteUsable,
  withdrawalSummary,
  type WithdrawalCurrency,
  type WithdrawalOptions,
  type WithdrawalQuote,
  type WithdrawalView,
} from "./withdraw-view";

export interface WithdrawForm {
  /** The wallet page read whether a PIN is set. */
  pinSet(set: boolean): void;
  /** The wallet page read whether two-step verification is on: then each withdrawal asks a code. */
  twoFactor(enabled: boolean): void;
  /**
   * Money moved (the page read the wallet again): a top-up may have added a number, a withdrawal
   * changed what is used today. Reads the options again; the first call is the first read.
   */
  reload(): void;
}

const QUOTE_BUTTON = "Check the fee";
const SEND_BUTTON = "Withdraw";

export function startWithdraw(client: Client, settled: () => void): WithdrawForm {
  const getOptions = httpsCallable<{ currency: WithdrawalCurrency }, WithdrawalOptions>(
    client.functions,
    "getWithdrawalOptions",
  );
  const quoteCall = httpsCallable<
    { service: "withdrawal"; amount: number; currency: WithdrawalCurrency },
    WithdrawalQuote
  >(client.functions, "quote");
  const withdrawCall = httpsCallable<
    { quoteId: string; phone: string; pin: string; idempotencyKey: string; stepUpGrant?: string },
    WithdrawalView
  >(client.functions, "withdraw");
  const getWithdrawal = httpsCallable<{ withdrawalId: string }, WithdrawalView>(client.functions, "getWithdrawal");

  const section = element("withdraw");
  const form = element("withdraw-form", HTMLFormElement);
  const fields = element("withdraw-fields", HTMLFieldSetElement);
  const currencySelect = element("withdraw-currency", HTMLSelectElement);
  const phone = element("withdraw-phone", HTMLSelectElement);
  const amount = element("withdraw-amount", HTMLInputElement);
  const pin = element("withdraw-pin", HTMLInputElement);
  const quoteButton = element("withdraw-quote", HTMLButtonElement);
  const send = element("withdraw-send", HTMLButtonElement);
  const panel = element("withdrawal");
  const attempts = attemptKeys();

  let options: WithdrawalOptions | null = null;
  /** Only the latest options request may show its answer. */
  let optionsSeq = 0;
  const codeInput = element("withdraw-code", HTMLInputElement);
  /** Two-step verification is on (getWallet said so, or the functions asked for a code). */
  let codeNeeded = false;
  /**
   * The last grant, for the attempt it was asked for: the same attempt again (a mistyped PIN
   * retyped) presents it again instead of asking for a second code; the functions accept it only
   * for that attempt.
   */
  let grant: { readonly key: string; readonly id: string; readonly expiresAt: number } | null = null;
  const askCode = (needed: boolean): void => {
    codeNeeded = needed;
    element("withdraw-code-field").hidden = !needed;
  };
  /** The fee shown, for exactly these details. */
  let quote: { readonly key: string; readonly amount: number; readonly answer: WithdrawalQuote } | null = null;
  /** A quote or withdraw call is under way: a second press waits for it. */
  let busy = false;
  let followed: { readonly id: string; unsubscribe?: Unsubscribe; final: boolean } | null = null;

  const currency = (): WithdrawalCurrency => currencySelect.value as WithdrawalCurrency;
  const detailsKey = (): string => JSON.stringify([currency(), amount.value.trim(), phone.value]);
  const inFlight = (): boolean => followed !== null && !followed.final;

  /** One withdrawal at a time: the details are locked while one is on its way or being asked for. */
  const lock = (): void => {
    fields.disabled = busy || inFlight() || options === null;
    // The fieldset disables its button too; the attribute says so to anything that reads it.
    quoteButton.disabled = fields.disabled;
    send.disabled = busy || inFlight();
  };

  const dropQuote = (): void => {
    quote = null;
    hide("withdraw-confirm");
  };

  const renderOptions = (answer: WithdrawalOptions): void => {
    const chosen = phone.value;
    phone.replaceChildren(...answer.numbers.map((number) => new Option(number, number)));
    if (answer.numbers.includes(chosen)) phone.value = chosen;
    element("withdraw-limits").textContent = limitsLine(answer);
    element("withdraw-used").textContent = usedTodayLine(answer);
    const none = answer.numbers.length === 0;
    element("withdraw-no-numbers").hidden = !none;
    element("withdraw-details").hidden = none;
    section.dataset.state = none ? "no-numbers" : "ready";
  };

  const loadOptions = async (): Promise<void> => {
    const seq = ++optionsSeq;
    const asked = currency();
    // The options shown stay usable while new ones are read: money moving reads them again.
    hide("withdraw-options-error");
    try {
      const { data } = await getOptions({ currency: asked });
      if (seq !== optionsSeq) return;
      options = data;
      renderOptions(data);
      if (data.inFlight && followed?.id !== data.inFlight.withdrawalId) follow(data.inFlight);
    } catch (error) {
      if (seq !== optionsSeq) return;
      section.dataset.state = "unavailable";
      show("withdraw-options-error", messageOf(error));
    } finally {
      if (seq === optionsSeq) lock();
    }
  };

  const render = (withdrawal: WithdrawalView): void => {
    if (followed?.id !== withdrawal.withdrawalId || followed.final) return;
    const status = element("withdrawal-status");
    status.textContent = WITHDRAWAL_STATUS_LABELS[withdrawal.status];
    status.dataset.status = withdrawal.status;
    element("withdrawal-summary").textContent = withdrawalSummary(withdrawal);
    element("withdrawal-message").textContent = withdrawal.customerMessage;
    const receipt = receiptLine(withdrawal);
    element("withdrawal-receipt").textContent = receipt;
    element("withdrawal-receipt").hidden = receipt === "";
    if (!isFinalWithdrawal(withdrawal.status)) return;
    // A final state never changes: stop listening, and read the new limits and balances.
    followed.final = true;
    followed.unsubscribe?.();
    lock();
    // The wallet page reads the wallet again, and with it these options (used today).
    settled();
  };

  /** Reads the withdrawal again; changes that arrive during a read make one more read after it. */
  let reading = false;
  let readNext: string | null = null;
  const reread = async (id: string): Promise<void> => {
    if (reading) {
      readNext = id;
      return;
    }
    reading = true;
    try {
      render((await getWithdrawal({ withdrawalId: id })).data);
    } catch (error) {
      if (followed?.id === id) element("withdrawal-message").textContent = messageOf(error);
    }
    reading = false;
    const next = readNext;
    readNext = null;
    if (next !== null && followed?.id === next && !followed.final) await reread(next);
  };

  const follow = (withdrawal: WithdrawalView): void => {
    followed?.unsubscribe?.();
    const current: NonNullable<typeof followed> = { id: withdrawal.withdrawalId, final: false };
    followed = current;
    panel.dataset.withdrawalId = withdrawal.withdrawalId;
    show("withdrawal");
    render(withdrawal);
    lock();
    if (current.final) return;
    let first = true;
    current.unsubscribe = onSnapshot(
      doc(client.db, "withdrawals", withdrawal.withdrawalId),
      () => {
        // The first snapshot is what withdraw (or getWithdrawalOptions) has just answered.
        if (first) first = false;
        else void reread(withdrawal.withdrawalId);
      },
      () => {
        element("withdrawal-message").textContent =
          "Live updates stopped. Reload the page to see how your withdrawal went.";
      },
    );
    // The provider may have answered between that answer and the listener's start.
    void reread(withdrawal.withdrawalId);
  };

  const askQuote = async (): Promise<void> => {
    if (!options) return;
    const minor = withdrawalAmount(amount.value, options);
    if (typeof minor === "string") {
      show("withdraw-error", minor);
      return;
    }
    if (!phone.value) {
      show("withdraw-error", "Choose the number to send the money to.");
      return;
    }
    const key = detailsKey();
    busy = true;
    lock();
    quoteButton.textContent = "Checking the fee…";
    try {
      const { data } = await quoteCall({ service: "withdrawal", amount: minor, currency: currency() });
      // The details changed while the fee was being asked for: that fee is for something else.
      if (key !== detailsKey()) return;
      quote = { key, amount: minor, answer: data };
      element("withdraw-quote-line").textContent = withdrawalQuoteLine(data, currency());
      show("withdraw-confirm");
      pin.focus();
    } catch (error) {
      show("withdraw-error", messageOf(error));
    } finally {
      busy = false;
      quoteButton.textContent = QUOTE_BUTTON;
      lock();
    }
  };

  const confirm = async (): Promise<void> => {
    const shown = quote;
    if (shown?.key !== detailsKey()) {
      dropQuote();
      show("withdraw-error", "The details changed: check the fee again.");
      return;
    }
    if (!pin.value) {
      show("withdraw-error", "Enter your wallet PIN.");
      pin.focus();
      return;
    }
    const to = phone.value;
    const asked = currency();
    busy = true;
    lock();
    send.textContent = "Sending…";
    try {
      let priced = shown.answer;
      if (!withdrawalQuoteUsable(priced, Date.now())) {
        // The fee shown has expired: ask again, and send without asking only if it is unchanged.
        priced = (await quoteCall({ service: "withdrawal", amount: shown.amount, currency: asked })).data;
        quote = { ...shown, answer: priced };
        element("withdraw-quote-line").textContent = withdrawalQuoteLine(priced, asked);
        if (priced.fee !== shown.answer.fee || priced.total !== shown.answer.total) {
          show("withdraw-error", "The fee has changed: check it and press Withdraw again.");
          return;
        }
      }
      // One key per attempt (payment-flow.ts): neither the PIN nor the quote is part of it, so a
      // retyped PIN or a press again after a lost answer is the same attempt and cannot pay twice.
      const idempotencyKey = attempts.keyFor([asked, shown.amount, to]);
      let granted: string | undefined;
      if (codeNeeded) {
        if (grant?.key === idempotencyKey && grant.expiresAt > Date.now()) granted = grant.id;
        else {
          if (!codeInput.value.trim()) {
            show("withdraw-error", "Enter the code from your authenticator app.");
            codeInput.focus();
            return;
          }
          const typed = codeInput.value;
          codeInput.value = "";
          granted = await stepUpGrant(client, { operation: "withdraw", amount: priced.amount, currency: asked }, typed);
          // A little under the grant's 5 minutes, so a press near the end asks for a new code instead.
          grant = { key: idempotencyKey, id: granted, expiresAt: Date.now() + 4 * 60_000 };
        }
      }
      const { data } = await withdrawCall({
        quoteId: priced.quoteId,
        phone: to,
        pin: pin.value,
        idempotencyKey,
        ...(granted === undefined ? {} : { stepUpGrant: granted }),
      });
      attempts.forget();
      grant = null;
      pin.value = "";
      amount.value = "";
      dropQuote();
      follow(data);
    } catch (error) {
      const message = messageOf(error);
      show("withdraw-error", message);
      // The functions want a (new) code: the grant sent, if any, is no good for this attempt.
      if (stepUpAsked(error)) {
        grant = null;
        askCode(true);
        codeInput.focus();
      }
      // Refused before any withdrawal was made: the next press asks for a new fee.
      if (message.startsWith("quoteId:")) dropQuote();
      // This key's withdrawal was refused and released: the next try is a new attempt.
      if (message.startsWith("idempotencyKey:")) {
        attempts.forget();
        dropQuote();
      }
    } finally {
      busy = false;
      send.textContent = SEND_BUTTON;
      lock();
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (busy) return;
    hide("withdraw-error");
    // The fee is shown exactly when there is a quote: the press confirms it; otherwise it asks for one.
    void (quote ? confirm() : askQuote());
  });
  const changed = (): void => {
    if (quote && quote.key !== detailsKey()) dropQuote();
  };
  amount.addEventListener("input", changed);
  phone.addEventListener("change", changed);
  currencySelect.addEventListener("change", () => {
    // The limits and numbers shown are another currency's until the new ones arrive.
    options = null;
    lock();
    dropQuote();
    hide("withdraw-error");
    element("withdraw-currency-code").textContent = currency();
    void loadOptions();
  });
  element("withdraw-change").addEventListener("click", () => {
    dropQuote();
    hide("withdraw-error");
    amount.focus();
  });

  element("withdraw-currency-code").textContent = currency();
  return {
    pinSet(set) {
      element("withdraw-pin-missing").hidden = set;
    },
    twoFactor(enabled) {
      askCode(enabled);
    },
    reload() {
      // The choice of number survives the new list when the number is still in it.
      void loadOptions();
    },
  };
}
