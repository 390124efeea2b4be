// The wallet page's top-up: createPayment with purpose "wallet-topup", then the payment's status
// live from Firestore until it is final. Mobile money prompts the payer's phone; Paystack (NGN)
// takes the payment on its own page, which sends the payer back here with ?reference=<payment id>.
// Coming back proves nothing: the page shows only what the payment document says. The credit
// itself is posted by the functions when the payment succeeds; the page learns of it from its
// ledger listener (wallet.ts).
import type { Unsubscribe } from "firebase/firestore";

import {
  COUNTRIES,
  isFinal,
  paysOnHostedPage,
  statusLabel,
  toMinorUnits,
  type Country,
  type PaymentStatus,
} from "./checkout";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { attemptKeys, createPayment, followCountry, watchPayment } from "./payment-flow";
import type { ProviderName } from "../../functions/src/shared/catalog.ts";

interface PaymentSnapshot {
  status: PaymentStatus;
  customerMessage: string;
  provider?: ProviderName;
}

const BUTTON = "Top up";
/** The payment a checkout page sent the payer back with (our payment id is Paystack's reference). */
const RETURNED = /^[A-Za-z0-9]{10,40}$/;

export function startTopUp(client: Client, onFinal: () => void): void {
  const form = element("topup-form", HTMLFormElement);
  const country = element("topup-country", HTMLSelectElement);
  const phone = element("topup-phone", HTMLInputElement);
  const email = element("topup-email", HTMLInputElement);
  const amount = element("topup-amount", HTMLInputElement);
  const button = element("topup", HTMLButtonElement);
  const panel = element("topup-payment");
  let unsubscribe: Unsubscribe | undefined;
  const attempts = attemptKeys();
  followCountry(
    { phone: "topup-phone", country: "topup-country", currency: "topup-currency", hint: "topup-hint" },
    (selected) => {
      element("topup-email-field").hidden = !paysOnHostedPage(selected);
    },
  );

  const ready = (): void => {
    button.disabled = false;
    button.textContent = BUTTON;
  };

  const render = (payment: PaymentSnapshot): void => {
    const status = element("topup-status");
    status.textContent = statusLabel(payment.status, payment.provider);
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
    panel.dataset.paymentId = paymentId;
    show("topup-payment");
    unsubscribe = watchPayment(
      client,
      paymentId,
      (data) => render(data as PaymentSnapshot),
      () => {
        show("topup-error", "We cannot follow this payment. Reload the page to see your balance.");
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
    const hosted = paysOnHostedPage(selected);
    const payerEmail = hosted ? email.value.trim() : "";
    const idempotencyKey = attempts.keyFor([phone.value, selected, minor, payerEmail]);
    button.disabled = true;
    button.textContent = hosted ? "Opening Paystack…" : "Sending the prompt…";
    createPayment(client, {
      idempotencyKey,
      purpose: "wallet-topup",
      amount: minor,
      currency: COUNTRIES[selected].currency,
      phone: phone.value,
      ...(payerEmail ? { email: payerEmail } : {}),
    })
      .then((data) => {
        attempts.forget();
        if (data.checkoutUrl && !isFinal(data.status)) {
          // The payer pays on the provider's page and comes back here with the reference.
          window.location.assign(data.checkoutUrl);
          return;
        }
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
  const returned = new URLSearchParams(window.location.search).get("reference");
  if (returned && RETURNED.test(returned)) {
    button.disabled = true;
    button.textContent = "Waiting for the payment…";
    watch(returned);
  }
}
