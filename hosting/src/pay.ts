// The join page's payment flow: createPayment, then the payment's status live from Firestore,
// then the emailed code for the entry.
import { doc, onSnapshot, type Unsubscribe } from "firebase/firestore";
import { httpsCallable } from "firebase/functions";

import {
  COUNTRIES,
  countryOfNumber,
  isFinal,
  STATUS_LABELS,
  toMinorUnits,
  type Country,
  type PaymentStatus,
} from "./checkout";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";

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
  // One key per payment attempt: pressing Pay again after a network error cannot charge twice.
  let attemptKey: string | undefined;
  let attemptFields = "";

  const refreshCountry = (): void => {
    const detected = countryOfNumber(phone.value);
    if (detected) country.value = detected;
    const selected = COUNTRIES[country.value as Country];
    element("currency").textContent = selected.currency;
    element("provider-hint").textContent = selected.hint;
  };
  phone.addEventListener("input", refreshCountry);
  country.addEventListener("change", refreshCountry);
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
    unsubscribe = onSnapshot(
      doc(client.db, "payments", id),
      (snapshot) => {
        const data = snapshot.data() as PaymentSnapshot | undefined;
        if (data) render(data);
      },
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
    const fields = JSON.stringify([
      element("name", HTMLInputElement).value,
      element("email", HTMLInputElement).value,
      phone.value,
      minor,
    ]);
    if (fields !== attemptFields) {
      attemptFields = fields;
      attemptKey = crypto.randomUUID();
    }
    payButton.disabled = true;
    payButton.textContent = "Sending the prompt…";
    const createPayment = httpsCallable<unknown, { paymentId: string; status: PaymentStatus; customerMessage: string }>(
      client.functions,
      "createPayment",
    );
    createPayment({
      idempotencyKey: attemptKey,
      purpose: "entry",
      amount: minor,
      currency: COUNTRIES[selected].currency,
      phone: phone.value,
      email: element("email", HTMLInputElement).value.trim(),
      name: element("name", HTMLInputElement).value.trim(),
    })
      .then(({ data }) => {
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
    attemptFields = "";
    hide("payment");
    hide("verified");
    form.hidden = false;
  });
}
