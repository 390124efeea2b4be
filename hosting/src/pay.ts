// The join page's payment flow: createPayment, then the payment's status live from Firestore,
// then the emailed code for the entry.
import type { Unsubscribe } from "firebase/firestore";
import { httpsCallable } from "firebase/functions";

import { COUNTRIES, isFinal, STATUS_LABELS, toMinorUnits, type Country, type PaymentStatus } from "./checkout";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { attemptKeys, createPayment, followCountry, watchPayment } from "./payment-flow";

interface PaymentSnapshot {
  status: PaymentStatus;
  customerMessage: string;
  verified: boolean;
  purpose: string;
}

export function startCheckout(client: Client): void {
  const form = element("pay-form", HTMLFormElement);
  const country = element("country", HTMLSelectElement);
  const phone = element("phone", HTMLInputElement);
  const amount = element("amount", HTMLInputElement);
  const payButton = element("pay", HTMLButtonElement);
  const codeForm = element("code-form", HTMLFormElement);
  let unsubscribe: Unsubscribe | undefined;
  let paymentId: string | undefined;
  const attempts = attemptKeys();
  followCountry({ phone: "phone", country: "country", currency: "currency", hint: "provider-hint" });
  payButton.disabled = false;

  const render = (payment: PaymentSnapshot): void => {
    const status = element("payment-status");
    status.textContent = STATUS_LABELS[payment.status];
    status.dataset.status = payment.status;
    element("payment-message").textContent = payment.customerMessage;
    const needsCode = payment.status === "succeeded" && payment.purpose === "entry" && !payment.verified;
    codeForm.hidden = !needsCode;
    if (payment.verified) show("verified");
    element("again").hidden = !isFinal(payment.status);
  };

  const watch = (id: string): void => {
    unsubscribe?.();
    unsubscribe = watchPayment(
      client,
      id,
      (data) => render(data as PaymentSnapshot),
      () => {
        show("form-error", "Live updates stopped. Reload the page to see your payment's status.");
      },
    );
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("form-error");
    const selected = country.value as Country;
    const minor = toMinorUnits(amount.value, selected);
    if (minor === undefined) {
      show("form-error", "Enter the amount as a whole number, for example 100.");
      return;
    }
    const idempotencyKey = attempts.keyFor([
      element("name", HTMLInputElement).value,
      element("email", HTMLInputElement).value,
      phone.value,
      minor,
    ]);
    payButton.disabled = true;
    payButton.textContent = "Sending the prompt…";
    createPayment(client, {
      idempotencyKey,
      purpose: "entry",
      amount: minor,
      currency: COUNTRIES[selected].currency,
      phone: phone.value,
      email: element("email", HTMLInputElement).value.trim(),
      name: element("name", HTMLInputElement).value.trim(),
    })
      .then((data) => {
        paymentId = data.paymentId;
        element("payment").dataset.paymentId = data.paymentId;
        form.hidden = true;
        show("payment");
        render({ status: data.status, customerMessage: data.customerMessage, verified: false, purpose: "entry" });
        watch(data.paymentId);
      })
      .catch((error: unknown) => {
        show("form-error", messageOf(error));
      })
      .finally(() => {
        payButton.disabled = false;
        payButton.textContent = "Pay";
      });
  });

  codeForm.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("code-error");
    const code = element("code", HTMLInputElement).value.trim();
    if (!/^\d{6}$/.test(code)) {
      show("code-error", "The code has 6 digits.");
      return;
    }
    const verify = httpsCallable(client.functions, "verifyPaymentCode");
    const button = element("verify", HTMLButtonElement);
    button.disabled = true;
    verify({ paymentId, code })
      .then(() => {
        codeForm.hidden = true;
        show("verified");
      })
      .catch((error: unknown) => {
        show("code-error", messageOf(error));
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  element("again").addEventListener("click", () => {
    unsubscribe?.();
    paymentId = undefined;
    attempts.forget();
    hide("payment");
    hide("verified");
    form.hidden = false;
  });
}
