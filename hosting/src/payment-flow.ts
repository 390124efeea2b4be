// What every page that takes a mobile-money payment does: follow the payer's country from the
// number they type, keep one idempotency key per attempt, start the payment, and listen to it.
import { doc, onSnapshot, type DocumentData, type Unsubscribe } from "firebase/firestore";
import { httpsCallable } from "./device";

import { COUNTRIES, countryOfNumber, type Country, type PaymentStatus } from "./checkout";
import { element } from "./dom";
import type { Client } from "./firebase";

/**
 * Shows the currency and what the payer will see for the country the number (or the menu) names;
 * a number from a country the page does not offer leaves the menu as it is.
 */
export function followCountry(
  ids: { phone: string; country: string; currency: string; hint: string },
  changed?: (country: Country) => void,
): void {
  const phone = element(ids.phone, HTMLInputElement);
  const country = element(ids.country, HTMLSelectElement);
  const refresh = (): void => {
    const detected = countryOfNumber(phone.value);
    if (detected && [...country.options].some((option) => option.value === detected)) country.value = detected;
    const selected = COUNTRIES[country.value as Country];
    element(ids.currency).textContent = selected.currency;
    element(ids.hint).textContent = selected.hint;
    changed?.(country.value as Country);
  };
  phone.addEventListener("input", refresh);
  country.addEventListener("change", refresh);
  // The browser may have restored the fields of an earlier visit (the way back from a checkout).
  refresh();
}

/**
 * One idempotency key per attempt: pressing the button again after a network error sends the same
 * key (so it cannot charge twice); changing a field, or forgetting after a payment was created,
 * makes the next one new.
 */
export function attemptKeys(): { keyFor: (fields: unknown) => string; forget: () => void } {
  let key = "";
  let seen = "";
  return {
    keyFor(fields) {
      const text = JSON.stringify(fields);
      if (text !== seen) {
        seen = text;
        key = crypto.randomUUID();
      }
      return key;
    },
    forget() {
      seen = "";
    },
  };
}

export interface PaymentAnswer {
  readonly paymentId: string;
  readonly status: PaymentStatus;
  readonly customerMessage: string;
  /** The provider's own page, when the payer pays there (Paystack). */
  readonly checkoutUrl?: string;
}

export async function createPayment(client: Client, request: Record<string, unknown>): Promise<PaymentAnswer> {
  const call = httpsCallable<unknown, PaymentAnswer>(client.functions, "createPayment");
  return (await call(request)).data;
}

/** The payment document, live (as the rules let its owner read it); `lost` when the listener stops. */
export function watchPayment(
  client: Client,
  paymentId: string,
  seen: (payment: DocumentData) => void,
  lost: () => void,
): Unsubscribe {
  return onSnapshot(
    doc(client.db, "payments", paymentId),
    (snapshot) => {
      const data = snapshot.data();
      if (data) seen(data);
    },
    lost,
  );
}
