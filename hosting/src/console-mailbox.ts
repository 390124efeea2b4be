// The console's Mailbox: every mail/{id} document, newest first (or one recipient's), and a mail
// rendered as its recipient would see it (mail-render.ts: sanitized, in a shadow root), with its
// plain text, its delivery state, and Retry for a mail that was not sent (retryMailDelivery,
// audited in adminAudit). Locally nothing is sent: this is where the emails are read.
import { collection, doc, getDoc, getDocs, limit, orderBy, query, where, type DocumentData } from "firebase/firestore";
import { httpsCallable } from "firebase/functions";

import { millis, row, text } from "./console-dom";
import { canRetry, deliveryLabel, formatInstant, mailShown } from "./console-view";
import { element } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { renderMailHtml } from "./mail-render";

const LIMIT = 50;

async function list(client: Client, open: (id: string) => void): Promise<void> {
  const to = element("mail-to", HTMLInputElement).value.trim().toLowerCase();
  const mail = collection(client.db, "mail");
  const snapshot = await getDocs(
    to === ""
      ? query(mail, orderBy("createdAt", "desc"), limit(LIMIT))
      : query(mail, where("to", "==", to), limit(LIMIT)),
  );
  // A recipient's mail is sorted here: that query has no index on createdAt to order by.
  const docs = [...snapshot.docs].sort((a, b) => (millis(b.get("createdAt")) ?? 0) - (millis(a.get("createdAt")) ?? 0));
  const table = element("mail-list", HTMLTableElement);
  table.tBodies[0]?.replaceChildren(
    ...docs.map((found) => {
      const mail = mailShown(found.data());
      const subject = text("button", mail.subject, "link");
      subject.type = "button";
      subject.addEventListener("click", () => {
        open(found.id);
      });
      const tr = row([formatInstant(millis(found.get("createdAt"))), mail.to, subject, deliveryLabel(mail.delivery)]);
      tr.dataset.mailId = found.id;
      tr.dataset.kind = mail.kind;
      return tr;
    }),
  );
  table.dataset.state = "loaded";
  element("mail-empty").hidden = docs.length > 0;
}

function showMail(id: string, data: DocumentData): void {
  const mail = mailShown(data);
  const view = element("mail-view");
  view.dataset.mailId = id;
  element("mail-subject").textContent = mail.subject;
  element("mail-recipient").textContent = mail.to;
  element("mail-kind").textContent = mail.kind;
  element("mail-delivery").textContent = deliveryLabel(mail.delivery);
  element("mail-delivery").dataset.state = mail.state ?? "queued";
  element("mail-attachments").textContent = mail.attachments.length === 0 ? "none" : mail.attachments.join(", ");
  renderMailHtml(element("mail-body"), mail.html);
  element("mail-text").textContent = mail.text;
  element("mail-retry").hidden = !canRetry(mail.state);
  element("mail-retry-result").hidden = true;
  element("mail-retry-error").hidden = true;
  element("panel-mailbox").hidden = true;
  view.hidden = false;
  view.dataset.state = "loaded";
}

export function startMailbox(client: Client): () => void {
  const retry = httpsCallable<{ mailId: string; idempotencyKey: string }, { state: string; repeated: boolean }>(
    client.functions,
    "retryMailDelivery",
  );
  const open = (id: string) => {
    getDoc(doc(client.db, "mail", id))
      .then((snapshot) => showMail(id, snapshot.data() ?? {}))
      .catch((error: unknown) => {
        element("mail-empty").textContent =
          `The mail could not be read: ${error instanceof Error ? error.message : String(error)}`;
        element("mail-empty").hidden = false;
      });
  };
  const load = () => {
    list(client, open).catch((error: unknown) => {
      element("mail-empty").textContent =
        `The mailbox could not be read: ${error instanceof Error ? error.message : String(error)}`;
      element("mail-empty").hidden = false;
    });
  };
  element("mail-search", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  const button = element("mail-retry", HTMLButtonElement);
  // One key per mail shown: a second click on the same mail repeats the same retry.
  let key = crypto.randomUUID();
  button.addEventListener("click", () => {
    const mailId = element("mail-view").dataset.mailId ?? "";
    button.disabled = true;
    element("mail-retry-error").hidden = true;
    retry({ mailId, idempotencyKey: key })
      .then(async ({ data }) => {
        const result = element("mail-retry-result");
        result.textContent = data.repeated ? `Already retried: ${data.state}.` : `Retried: ${data.state}.`;
        result.dataset.state = data.state;
        result.hidden = false;
        const snapshot = await getDoc(doc(client.db, "mail", mailId));
        const mail = mailShown(snapshot.data());
        element("mail-delivery").textContent = deliveryLabel(mail.delivery);
        element("mail-delivery").dataset.state = mail.state ?? "queued";
      })
      .catch((error: unknown) => {
        element("mail-retry-error").textContent = messageOf(error);
        element("mail-retry-error").hidden = false;
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  element("mail-close").addEventListener("click", () => {
    key = crypto.randomUUID();
    element("mail-view").hidden = true;
    element("panel-mailbox").hidden = false;
  });
  return load;
}
