// The wallet page's top-up: createPayment with purpose "wallet-topup", then the payment's status
// live from Firestore until it is final. The credit itself is posted by the functions when the
// payment succeeds; the page learns of it from its ledger listener (wallet.ts).
import type { Unsubscribe } from "firebase/firestore";

import { COUNTRIES, isFinal, STATUS_LABELS, toMinorUnits, type Country, type PaymentStatus } from "./checkout";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { attemptKeys, createPayment, followCountry, watchPayment } from "./payment-flow";

interface PaymentSnapshot {
  status: PaymentStatus;
  customerMessage: string;
}

const BUTTON = "Top up";

export function startTopUp(client: Client, onFinal: () => void): void {
  const form = element("topup-form", HTMLFormElement);
  const country = element("topup-country", HTMLSelectElement);
  const phone = element("topup-phone", HTMLInputElement);
  const amount = element("topup-amount", HTMLInputElement);
  const button = element("topup", HTMLButtonElement);
  const panel = element("topup-payment");
  let unsubscribe: Unsubscribe | undefined;
  const attempts = attemptKeys();
  followCountry({ phone: "topup-phone", country: "topup-country", currency: "topup-currency", hint: "topup-hint" });

  const ready = (): void => {
    button.disabled = false;
    button.textContent = BUTTON;
  };

  const render = (payment: PaymentSnapshot): void => {
    const status = element("topup-status");
    status.textContent = STATUS_LABELS[payment.status];
    status.dataset.status = payment.status;
    element("topup-message").textContent = payment.customerMessage;
    if (!isFinal(payment.status)) return;
    unsubscribe?.();
    unsubscribe = undefined;
    ready();
    onFinal();
  };

  const watch = (paymentId: string): void => {
    unsubscribe?.();
    unsubscribe = watchPayment(
      client,
      paymentId,
      (data) => render(data as PaymentSnapshot),
      () => {
        show("topup-error", "Live updates stopped. Reload the page to see your balance.");
        ready();
      },
    );
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("topup-error");
    const selected = country.value as Country;
    const minor = toMinorUnits(amount.value, selected);
    if (minor === undefined) {
      show("topup-error", "Enter the amount as a whole number, for example 100.");
      return;
    }
    const idempotencyKey = attempts.keyFor([phone.value, selected, minor]);
    button.disabled = true;
    button.textContent = "Sending the prompt…";
    createPayment(client, {
      idempotencyKey,
      purpose: "wallet-topup",
      amount: minor,
      currency: COUNTRIES[selected].currency,
      phone: phone.value,
    })
      .then((data) => {
        attempts.forget();
        panel.dataset.paymentId = data.paymentId;
        show("topup-payment");
        button.textContent = "Waiting for the payment…";
        render(data);
        if (!isFinal(data.status)) watch(data.paymentId);
      })
      .catch((error: unknown) => {
        show("topup-error", messageOf(error));
        ready();
      });
  });

  ready();
}
