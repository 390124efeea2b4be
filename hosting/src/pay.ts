// The join page: pick an open competition, pay the server's entry fee, confirm the emailed code
// (or ask for a new one), then send the entry. The payment's id goes into the address
// (?payment=<id>), which is also the link in the code's email: a reload, a new tab or the link
// opens the page at the step that payment is at, read live from Firestore.
import {
  collection,
  doc,
  getDoc,
  getDocs,
  onSnapshot,
  query,
  Timestamp,
  where,
  type DocumentData,
  type Unsubscribe,
} from "firebase/firestore";
import { httpsCallable } from "./device";

import { COUNTRIES, STATUS_LABELS, type Country, type PaymentStatus } from "./checkout";
import { entryFee, entryStep, feeText, isOpenAt, paymentOfUrl, type CompetitionView } from "./contest-view";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { attemptKeys, createPayment, followCountry, watchPayment } from "./payment-flow";

interface PaymentSnapshot {
  status: PaymentStatus;
  customerMessage: string;
  verified: boolean;
  purpose: string;
  competitionId?: string | null;
}

function competitionOf(id: string, data: DocumentData): CompetitionView {
  return {
    id,
    name: String(data.name),
    entryFee: data.entryFee as Record<string, number>,
    categories: data.categories as string[],
    opensAtMs: (data.opensAt as Timestamp).toMillis(),
    closesAtMs: (data.closesAt as Timestamp).toMillis(),
  };
}

/** The competitions taking entries now (those that closed are not listed). */
async function openCompetitions(client: Client): Promise<CompetitionView[]> {
  const snapshot = await getDocs(query(collection(client.db, "competitions"), where("closesAt", ">", Timestamp.now())));
  return snapshot.docs
    .map((d) => competitionOf(d.id, d.data()))
    .filter((c) => isOpenAt(c, Date.now()))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function startCheckout(client: Client, uid: string): void {
  const form = element("pay-form", HTMLFormElement);
  const picker = element("competition", HTMLSelectElement);
  const country = element("country", HTMLSelectElement);
  const phone = element("phone", HTMLInputElement);
  const payButton = element("pay", HTMLButtonElement);
  const codeForm = element("code-form", HTMLFormElement);
  const entryForm = element("entry-form", HTMLFormElement);
  let competitions: CompetitionView[] = [];
  let unsubscribe: Unsubscribe[] = [];
  let paymentId: string | undefined;
  const attempts = attemptKeys();

  const selected = (): CompetitionView | undefined => competitions.find((c) => c.id === picker.value);
  const currency = (): string => COUNTRIES[country.value as Country].currency;
  const showFee = (): void => {
    const competition = selected();
    element("fee").textContent = competition ? feeText(competition, currency()) : "";
    payButton.disabled = !competition || entryFee(competition, currency()) === undefined;
  };
  followCountry({ phone: "phone", country: "country", currency: "currency", hint: "provider-hint" }, showFee);
  picker.addEventListener("change", showFee);

  openCompetitions(client)
    .then((open) => {
      competitions = open;
      picker.replaceChildren(
        ...(open.length === 0
          ? [new Option("No competition is taking entries right now", "")]
          : open.map((c) => new Option(c.name, c.id))),
      );
      showFee();
    })
    .catch((error: unknown) => {
      show("form-error", `We could not load the competitions: ${messageOf(error)}`);
    });

  /** The entry step's categories, from the payment's competition. */
  const showEntryForm = async (competitionId: string): Promise<void> => {
    if (!entryForm.hidden) return;
    const snapshot = await getDoc(doc(client.db, "competitions", competitionId));
    const categories = (snapshot.get("categories") as string[] | undefined) ?? [];
    element("category", HTMLSelectElement).replaceChildren(...categories.map((c) => new Option(c, c)));
    entryForm.hidden = false;
  };

  let submitted = false;
  let latest: PaymentSnapshot | undefined;
  const render = (): void => {
    const payment = latest;
    if (!payment) return;
    const status = element("payment-status");
    status.textContent = STATUS_LABELS[payment.status];
    status.dataset.status = payment.status;
    element("payment-message").textContent = payment.customerMessage;
    const step = entryStep(payment, submitted);
    element("payment").dataset.step = step;
    codeForm.hidden = step !== "code";
    element("verified").hidden = step !== "entry";
    element("entered").hidden = step !== "done";
    if (step === "entry" && payment.competitionId) {
      showEntryForm(payment.competitionId).catch((error: unknown) => {
        show("entry-error", messageOf(error));
      });
    }
    if (step !== "entry") entryForm.hidden = true;
    element("again").hidden = step !== "done" && step !== "not-paid";
  };

  /** Follows one payment, and whether its entry is in, live; the address names it. */
  const follow = (id: string): void => {
    for (const stop of unsubscribe) stop();
    paymentId = id;
    submitted = false;
    latest = undefined;
    history.replaceState(null, "", `?payment=${id}`);
    element("payment").dataset.paymentId = id;
    form.hidden = true;
    show("payment");
    const lost = (): void => {
      show(
        "form-error",
        "We cannot show this payment here. Open the link in the browser you paid from, or reload the page.",
      );
    };
    unsubscribe = [
      watchPayment(
        client,
        id,
        (data) => {
          const payment = data as PaymentSnapshot;
          latest = payment;
          const competition = competitions.find((c) => c.id === payment.competitionId);
          element("payment-competition").textContent = competition ? `Entry to ${competition.name}` : "";
          render();
        },
        lost,
      ),
      // The entrant's own entries (the rules let them list those, and a get of an entry not yet
      // made has no owner to allow): is this payment's in?
      onSnapshot(
        query(collection(client.db, "entries"), where("uid", "==", uid)),
        (snapshot) => {
          submitted = snapshot.docs.some((entry) => entry.id === id);
          render();
        },
        lost,
      ),
    ];
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("form-error");
    const competition = selected();
    const fee = competition ? entryFee(competition, currency()) : undefined;
    if (!competition || fee === undefined) {
      show("form-error", "Pick a competition that takes entries in your currency.");
      return;
    }
    const details = {
      purpose: "entry",
      competitionId: competition.id,
      amount: fee,
      currency: currency(),
      phone: phone.value,
      email: element("email", HTMLInputElement).value.trim(),
      name: element("name", HTMLInputElement).value.trim(),
    };
    const idempotencyKey = attempts.keyFor(details);
    payButton.disabled = true;
    payButton.textContent = "Sending the prompt…";
    createPayment(client, { idempotencyKey, ...details })
      .then((data) => {
        follow(data.paymentId);
        latest ??= { status: data.status, customerMessage: data.customerMessage, verified: false, purpose: "entry" };
        render();
      })
      .catch((error: unknown) => {
        show("form-error", messageOf(error));
      })
      .finally(() => {
        payButton.disabled = false;
        payButton.textContent = "Pay the entry fee";
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
      .catch((error: unknown) => {
        show("code-error", messageOf(error));
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  element("resend").addEventListener("click", () => {
    hide("code-error");
    const button = element("resend", HTMLButtonElement);
    button.disabled = true;
    httpsCallable<unknown, { resendsLeft: number }>(
      client.functions,
      "resendPaymentCode",
    )({ paymentId })
      .then(({ data }) => {
        show(
          "resend-note",
          `We emailed you a new code; the old one no longer works. ${data.resendsLeft === 0 ? "That was the last new code." : ""}`.trim(),
        );
      })
      .catch((error: unknown) => {
        show("code-error", messageOf(error));
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  entryForm.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("entry-error");
    const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value.trim();
    if (!value("title") || !value("description") || !value("link").startsWith("https://")) {
      show("entry-error", "Give a title, an https:// link to your performance and a short description.");
      return;
    }
    const button = element("submit-entry", HTMLButtonElement);
    button.disabled = true;
    httpsCallable(
      client.functions,
      "submitEntry",
    )({
      paymentId,
      category: element("category", HTMLSelectElement).value,
      title: value("title"),
      link: value("link"),
      description: value("description"),
    })
      .then(() => {
        submitted = true;
        render();
      })
      .catch((error: unknown) => {
        show("entry-error", messageOf(error));
      })
      .finally(() => {
        button.disabled = false;
      });
  });

  element("again").addEventListener("click", () => {
    for (const stop of unsubscribe) stop();
    unsubscribe = [];
    paymentId = undefined;
    latest = undefined;
    attempts.forget();
    history.replaceState(null, "", location.pathname);
    hide("payment");
    form.hidden = false;
    showFee();
  });

  // A reload, a new tab or the email's link: resume the payment the address names.
  const resumed = paymentOfUrl(location.href);
  if (resumed) follow(resumed);
}
