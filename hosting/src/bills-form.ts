// The bill form: a category, a service, a plan or an amount, the customer's number (checked with
// the biller first when the service verifies it), the price from quoteBill (asked again whenever
// what is priced changes, and before paying when the quote is about to expire), then the PIN and
// payBill. The catalogue is billServices as the functions copied it; the functions decide every
// price and limit, so the page shows their sentences rather than guessing.
import { collection, getDocs, query, where } from "firebase/firestore";
import { httpsCallable } from "./device";

import type { BillView } from "../../functions/src/bills/view.ts";
import {
  amountHint,
  BILL_CURRENCY,
  logoSource,
  needsAmount,
  needsPhone,
  numberLabel,
  parseAmount,
  pointsLine,
  quoteLine,
  quoteUsable,
  SERVICE_LABELS,
  servicesByCategory,
  variationLabel,
  type BillService,
  type QuoteAnswer,
  type Variation,
} from "./bills-view";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { attemptKeys } from "./payment-flow";

interface PriceRequest {
  serviceId: string;
  variationCode?: string;
  amount?: number;
}

interface Verification {
  readonly verificationId: string;
  readonly customerName: string;
  readonly details: Readonly<Record<string, string>>;
}

export interface BillForm {
  /** Back to the form after a bill: `keep` the details to try a failed one again, or start a new one. */
  reopen(keep: boolean): void;
}

type Present<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** The callables refuse `null` where a field is optional, so absent (or blank) fields are left out. */
function defined<T extends object>(fields: T): Present<T> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined && value !== ""),
  ) as Present<T>;
}

function choice(id: string, label: string, onPick: () => void, logo: string | null = null): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  button.id = id;
  button.className = "choice";
  button.setAttribute("aria-pressed", "false");
  if (logo) {
    const image = document.createElement("img");
    image.src = logo;
    image.alt = "";
    image.width = 32;
    image.height = 32;
    button.append(image);
  }
  button.append(label);
  button.addEventListener("click", onPick);
  return button;
}

function press(container: HTMLElement, pressed: HTMLElement): void {
  for (const button of container.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button === pressed));
  }
}

export function startBillForm(client: Client, paid: (billId: string, bill: BillView, email: string) => void): BillForm {
  const quoteBill = httpsCallable<PriceRequest, QuoteAnswer>(client.functions, "quoteBill");
  const verifyCustomer = httpsCallable<Record<string, string>, Verification>(client.functions, "verifyBillCustomer");
  const payBill = httpsCallable<Record<string, string>, BillView>(client.functions, "payBill");
  const form = element("bill-form", HTMLFormElement);
  const categories = element("categories");
  const servicesList = element("services");
  const variationSelect = element("variation", HTMLSelectElement);
  const amount = element("amount", HTMLInputElement);
  const customerNumber = element("customer-number", HTMLInputElement);
  const phone = element("phone", HTMLInputElement);
  const pin = element("pin", HTMLInputElement);
  const email = element("email", HTMLInputElement);
  const check = element("check", HTMLButtonElement);
  const pay = element("pay", HTMLButtonElement);
  const attempts = attemptKeys();

  let service: BillService | null = null;
  let quote: { readonly key: string; readonly answer: QuoteAnswer } | null = null;
  let verification: { readonly key: string; readonly answer: Verification } | null = null;
  /** Only the latest quote request may show its answer. */
  let quoteSeq = 0;
  let quoteTimer: ReturnType<typeof setTimeout> | undefined;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;

  const variation = (): Variation | null => service?.variations.find((v) => v.code === variationSelect.value) ?? null;

  /** What quoteBill prices now, or what the customer still has to choose. */
  const priceRequest = (): PriceRequest | string => {
    if (!service) return "Choose a service.";
    const plan = variation();
    if (service.variations.length > 0 && !plan) return "Choose a plan.";
    if (!needsAmount(plan)) return { serviceId: service.id, ...defined({ variationCode: plan?.code }) };
    const minor = parseAmount(amount.value, BILL_CURRENCY);
    if (minor === undefined) return "Enter the amount, for example 1000 or 1000.50.";
    return { serviceId: service.id, ...defined({ variationCode: plan?.code, amount: minor }) };
  };

  const verificationKey = (): string => JSON.stringify([service?.id, customerNumber.value.trim(), variation()?.code]);

  const forgetVerification = (): void => {
    verification = null;
    hide("customer");
    hide("check-error");
  };

  const renderQuote = (answer: QuoteAnswer): void => {
    element("quote-total").textContent = quoteLine(answer, BILL_CURRENCY);
    element("quote-points").textContent = pointsLine(answer.points);
    show("quote");
    clearTimeout(expiryTimer);
    // An expired price is not sent: the next Pay asks for a new one.
    expiryTimer = setTimeout(
      () => {
        element("quote-points").textContent = "This price has expired; Pay will ask for the current one.";
      },
      Math.max(0, Date.parse(answer.expiresAt) - Date.now()),
    );
  };

  const fetchQuote = async (request: PriceRequest): Promise<QuoteAnswer | undefined> => {
    const seq = ++quoteSeq;
    hide("quote-error");
    try {
      const { data } = await quoteBill(request);
      if (seq !== quoteSeq) return undefined;
      quote = { key: JSON.stringify(request), answer: data };
      renderQuote(data);
      return data;
    } catch (error) {
      if (seq === quoteSeq) show("quote-error", messageOf(error));
      return undefined;
    }
  };

  /** What is priced changed: the shown price no longer applies; ask again once the customer pauses. */
  const requote = (): void => {
    quote = null;
    quoteSeq++;
    hide("quote");
    hide("quote-error");
    clearTimeout(quoteTimer);
    clearTimeout(expiryTimer);
    const request = priceRequest();
    if (typeof request === "string") return;
    quoteTimer = setTimeout(() => void fetchQuote(request), 300);
  };

  const showPlan = (): void => {
    const plan = variation();
    element("amount-field").hidden = !needsAmount(plan);
    element("amount-hint").textContent = service ? amountHint(service, BILL_CURRENCY) : "";
  };

  const pickService = (picked: BillService, button: HTMLElement): void => {
    press(servicesList, button);
    service = picked;
    // What was typed for another biller does not apply to this one.
    amount.value = "";
    hide("form-error");
    const placeholder = picked.variations.length > 1 ? [new Option("Choose a plan", "")] : [];
    variationSelect.replaceChildren(
      ...placeholder,
      ...picked.variations.map((v) => new Option(variationLabel(v, BILL_CURRENCY), v.code)),
    );
    element("variation-field").hidden = picked.variations.length === 0;
    element("customer-number-label").textContent = numberLabel(picked);
    check.hidden = picked.verification === null;
    element("phone-field").hidden = !needsPhone(picked);
    forgetVerification();
    showPlan();
    show("details");
    requote();
  };

  const pickCategory = (picked: BillService[], button: HTMLElement): void => {
    press(categories, button);
    servicesList.replaceChildren(
      ...picked.map((s) => {
        const serviceButton = choice(
          `service-${s.id}`,
          s.name,
          () => {
            pickService(s, serviceButton);
          },
          logoSource(s.image),
        );
        return serviceButton;
      }),
    );
    show("services");
    service = null;
    hide("form-error");
    hide("details");
    requote();
  };

  const loadCatalogue = async (): Promise<void> => {
    try {
      const snapshot = await getDocs(query(collection(client.db, "billServices"), where("active", "==", true)));
      const grouped = servicesByCategory(snapshot.docs.map((d) => ({ ...(d.data() as BillService), id: d.id })));
      categories.replaceChildren(
        ...[...grouped].map(([category, inCategory]) => {
          const button = choice(`category-${category}`, SERVICE_LABELS[category], () => {
            pickCategory(inCategory, button);
          });
          button.dataset.category = category;
          return button;
        }),
      );
      element("catalogue-empty").hidden = grouped.size > 0;
      categories.dataset.state = "loaded";
    } catch (error) {
      show("catalogue-error", messageOf(error));
    }
  };

  variationSelect.addEventListener("change", () => {
    if (service?.verification) forgetVerification();
    showPlan();
    requote();
  });
  amount.addEventListener("input", requote);
  customerNumber.addEventListener("input", () => {
    if (verification && verification.key !== verificationKey()) forgetVerification();
  });

  check.addEventListener("click", () => {
    if (!service) return;
    forgetVerification();
    const key = verificationKey();
    check.disabled = true;
    verifyCustomer({
      serviceId: service.id,
      customerNumber: customerNumber.value.trim(),
      ...defined({ variationCode: variation()?.code }),
    })
      .then(({ data }) => {
        if (key !== verificationKey()) return;
        verification = { key, answer: data };
        element("customer-name").textContent = data.customerName;
        element("customer-details").textContent = Object.entries(data.details)
          .map(([name, value]) => `${name}: ${value}`)
          .join(" · ");
        show("customer");
      })
      .catch((error: unknown) => {
        show("check-error", messageOf(error));
      })
      .finally(() => {
        check.disabled = false;
      });
  });

  /** What the customer still has to do before paying, or null. */
  const missing = (chosen: BillService): string | null => {
    const label = numberLabel(chosen).toLowerCase();
    if (!customerNumber.value.trim()) return `Enter the ${label}.`;
    if (chosen.verification && verification?.key !== verificationKey()) {
      return `Press Check to confirm the ${label} with ${chosen.name} first.`;
    }
    if (needsPhone(chosen) && !phone.value.trim()) return "Enter your phone number: the biller asks for it.";
    if (!pin.value) return "Enter your wallet PIN.";
    return null;
  };

  const submit = async (): Promise<void> => {
    const request = priceRequest();
    if (typeof request === "string" || !service) {
      show("form-error", typeof request === "string" ? request : "Choose a service.");
      return;
    }
    const chosen = service;
    const problem = missing(chosen);
    if (problem) {
      show("form-error", problem);
      return;
    }
    pay.disabled = true;
    pay.textContent = "Paying…";
    try {
      // A quote still waiting for the customer to pause would outdate the one asked for here.
      clearTimeout(quoteTimer);
      const current = quote?.key === JSON.stringify(request) && quoteUsable(quote.answer, Date.now()) ? quote : null;
      const priced = current?.answer ?? (await fetchQuote(request));
      if (!priced) {
        if (element("quote-error").hidden)
          show("form-error", "The details changed: check the price and press Pay again.");
        return;
      }
      const details = {
        serviceId: chosen.id,
        customerNumber: customerNumber.value.trim(),
        ...defined({
          variationCode: request.variationCode,
          phone: needsPhone(chosen) ? phone.value.trim() : undefined,
          verificationId: chosen.verification ? verification?.answer.verificationId : undefined,
          email: email.value.trim(),
        }),
      };
      // One key per attempt (payment-flow.ts): the PIN and the quote are not part of it, so a
      // retyped PIN or a retry after a lost answer is the same attempt and cannot pay twice.
      const idempotencyKey = attempts.keyFor(details);
      const { data } = await payBill({ ...details, idempotencyKey, quoteId: priced.quoteId, pin: pin.value });
      attempts.forget();
      pin.value = "";
      quote = null;
      clearTimeout(expiryTimer);
      hide("quote");
      form.hidden = true;
      paid(data.billId, data, details.email ?? "");
    } catch (error) {
      const message = messageOf(error);
      show("form-error", message);
      // Refused before any bill was made: the next Pay asks for a new price.
      if (message.startsWith("quoteId:")) quote = null;
    } finally {
      pay.disabled = false;
      pay.textContent = "Pay";
    }
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("form-error");
    void submit();
  });

  void loadCatalogue().then(() => {
    pay.disabled = false;
  });

  return {
    reopen(keep) {
      hide("form-error");
      if (!keep) {
        customerNumber.value = "";
        forgetVerification();
      }
      form.hidden = false;
      // The last quote was claimed by the bill just made: this is a new attempt with a new price.
      requote();
    },
  };
}
