// The wallet page's account card: keep the wallet by adding an email and password to the same
// anonymous account (linkWithCredential keeps its uid, so balances and history stay), sign in on
// another device to the same wallet, sign out everywhere, change the email (a code mailed to the
// new address; a step-up code first when two-step verification is on), and see and remove the
// devices and the sign-ins of the account (devices/ and signIns/, read under firestore.rules).
//
// Change email, element ids (stable, for tests): #change-email[data-state] "asking" | "confirming"
// | "changed" (then the page signs out and reloads, #account-notice saying so); #new-email,
// #change-email-code-field (#change-email-code), #change-email-button; #confirm-email-form,
// #confirm-email-hint, #email-code, #confirm-email-button.
import { EmailAuthProvider, linkWithCredential, signInWithEmailAndPassword, signOut, type User } from "firebase/auth";
import { collection, limit, onSnapshot, orderBy, query, where, type Timestamp } from "firebase/firestore";

import { deviceId, httpsCallable } from "./device";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { stepUpAsked, stepUpGrant } from "./wallet-twofactor";

import type { EmailChangeView } from "../../functions/src/accounts/email-change.ts";

interface DeviceView {
  readonly deviceId: string;
  readonly summary: string;
  readonly lastSeenAt: Timestamp;
  readonly firstSeenAt: Timestamp;
  readonly trusted: boolean;
}

interface SignInView {
  readonly at: Timestamp;
  readonly summary: string;
  readonly ip: string;
  readonly method: string;
}

function when(at: Timestamp): string {
  return at.toDate().toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** What the Auth SDK's error codes mean to the person typing. */
function authMessage(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case "auth/email-already-in-use":
    case "auth/credential-already-in-use":
      return "That email already has a Malipo account. Sign in with it instead (below).";
    case "auth/invalid-email":
      return "That is not an email address.";
    case "auth/weak-password":
      return "Choose a password of at least 6 characters.";
    case "auth/invalid-credential":
    case "auth/wrong-password":
    case "auth/user-not-found":
      return "That email and password do not match an account.";
    case "auth/too-many-requests":
      return "Too many attempts. Wait a few minutes and try again.";
    default:
      return messageOf(error);
  }
}

function form(id: string, run: (fields: { email: string; password: string }) => Promise<void>, problem: string): void {
  const target = element(id, HTMLFormElement);
  const button = target.querySelector("button");
  target.addEventListener("submit", (event) => {
    event.preventDefault();
    hide(problem);
    const data = new FormData(target);
    const text = (name: string): string => {
      const value = data.get(name);
      return typeof value === "string" ? value : "";
    };
    const email = text("email").trim();
    const password = text("password");
    if (!email || !password) {
      show(problem, "Enter your email and a password.");
      return;
    }
    if (button) button.disabled = true;
    run({ email, password })
      .catch((error: unknown) => {
        show(problem, authMessage(error));
      })
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
  if (button) button.disabled = false;
}

/** A sentence for the account card that outlives a reload (sessionStorage). */
const NOTICE_KEY = "malipo:account-notice";

export function startAccount(client: Client, user: User): void {
  const notice = sessionStorage.getItem(NOTICE_KEY);
  if (notice) {
    sessionStorage.removeItem(NOTICE_KEY);
    show("account-notice", notice);
  }
  const card = element("account");
  card.dataset.state = user.isAnonymous ? "anonymous" : "signed-in";
  element("account-email").textContent = user.email ?? "";
  element("account-uid").textContent = user.uid;
  element("keep-wallet").hidden = !user.isAnonymous;
  element("account-signed-in").hidden = user.isAnonymous;

  // Linking keeps the uid: the page carries on with the same wallet, now signed in by email.
  form(
    "keep-wallet-form",
    async ({ email, password }) => {
      await linkWithCredential(user, EmailAuthProvider.credential(email, password));
      location.reload();
    },
    "account-error",
  );
  // Signing in replaces this browser's visitor with the account's: the page starts again with it.
  form(
    "sign-in-form",
    async ({ email, password }) => {
      await signInWithEmailAndPassword(client.auth, email, password);
      location.reload();
    },
    "account-error",
  );

  const signOutEverywhere = httpsCallable<Record<string, never>, { signedOut: true }>(
    client.functions,
    "signOutEverywhere",
  );
  const everywhere = element("sign-out-everywhere", HTMLButtonElement);
  everywhere.addEventListener("click", () => {
    everywhere.disabled = true;
    hide("account-error");
    signOutEverywhere({})
      .then(async () => {
        await signOut(client.auth);
        location.reload();
      })
      .catch((error: unknown) => {
        show("account-error", messageOf(error));
        everywhere.disabled = false;
      });
  });
  everywhere.disabled = false;
  element("sign-out", HTMLButtonElement).addEventListener("click", () => {
    void signOut(client.auth).then(() => {
      location.reload();
    });
  });

  if (!user.isAnonymous) {
    changeEmail(client);
    listDevices(client, user.uid);
    listSignIns(client, user.uid);
  }
}

/**
 * Ask for a code at the new address (with a step-up grant when two-step verification is on: the
 * first refusal shows the code field), then confirm it. Auth's email changes on the server, which
 * ends every session of the account: the page signs out and asks to sign in with the new address.
 */
function changeEmail(client: Client): void {
  const request = httpsCallable<{ newEmail: string; stepUpGrant?: string }, EmailChangeView>(
    client.functions,
    "requestEmailChange",
  );
  const confirm = httpsCallable<{ changeId: string; code: string }, EmailChangeView>(
    client.functions,
    "confirmEmailChange",
  );
  const card = element("change-email");
  const asking = element("change-email-form", HTMLFormElement);
  const confirming = element("confirm-email-form", HTMLFormElement);
  const newEmail = element("new-email", HTMLInputElement);
  const factor = element("change-email-code", HTMLInputElement);
  const send = element("change-email-button", HTMLButtonElement);
  const finish = element("confirm-email-button", HTMLButtonElement);
  let changeId = "";

  asking.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("account-error");
    hide("account-notice");
    const email = newEmail.value.trim();
    if (!email) {
      show("account-error", "Enter the new email.");
      return;
    }
    const codeAsked = !element("change-email-code-field").hidden;
    if (codeAsked && !factor.value.trim()) {
      show("account-error", "Enter the code from your authenticator app.");
      return;
    }
    send.disabled = true;
    const typed = factor.value;
    factor.value = "";
    (codeAsked
      ? stepUpGrant(client, { operation: "changeContact" }, typed).then((grant) =>
          request({ newEmail: email, stepUpGrant: grant }),
        )
      : request({ newEmail: email })
    )
      .then(({ data }) => {
        changeId = data.changeId;
        element("confirm-email-hint").textContent = `We mailed a code to ${data.email}. Enter it here.`;
        asking.hidden = true;
        confirming.hidden = false;
        card.dataset.state = "confirming";
      })
      .catch((error: unknown) => {
        if (stepUpAsked(error)) element("change-email-code-field").hidden = false;
        show("account-error", messageOf(error));
      })
      .finally(() => {
        send.disabled = false;
      });
  });
  send.disabled = false;

  confirming.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("account-error");
    const code = element("email-code", HTMLInputElement).value.trim();
    if (!code) {
      show("account-error", "Enter the code from the email.");
      return;
    }
    finish.disabled = true;
    confirm({ changeId, code })
      .then(async ({ data }) => {
        // Firebase Auth ended every session of the account with the change, this one too: the
        // page starts again signed out and says why.
        card.dataset.state = "changed";
        sessionStorage.setItem(
          NOTICE_KEY,
          `Your email is now ${data.email}. Changing it signed your account out everywhere: sign in with it below.`,
        );
        await signOut(client.auth);
        location.reload();
      })
      .catch((error: unknown) => {
        show("account-error", messageOf(error));
      })
      .finally(() => {
        finish.disabled = false;
      });
  });
}

function listDevices(client: Client, uid: string): void {
  const removeDevice = httpsCallable<{ device: string }, { removed: true }>(client.functions, "removeDevice");
  const setTrusted = httpsCallable<{ device: string; trusted: boolean }, { trusted: boolean }>(
    client.functions,
    "setDeviceTrusted",
  );
  const list = element("devices-list", HTMLUListElement);
  const mine = deviceId();
  onSnapshot(
    query(collection(client.db, "devices"), where("uid", "==", uid), orderBy("lastSeenAt", "desc"), limit(20)),
    (snapshot) => {
      list.replaceChildren(
        ...snapshot.docs.map((doc) => {
          const device = doc.data() as DeviceView;
          const row = document.createElement("li");
          row.dataset.device = device.deviceId;
          const name = document.createElement("span");
          name.className = "what";
          // textContent: the summary comes from a header the client wrote.
          name.textContent = `${device.summary}${device.deviceId === mine ? " (this device)" : ""}`;
          const seen = document.createElement("span");
          seen.className = "hint";
          seen.textContent = `last used ${when(device.lastSeenAt)}${device.trusted ? " · trusted" : ""}`;
          const trust = document.createElement("button");
          trust.type = "button";
          trust.className = "secondary";
          trust.textContent = device.trusted ? "Stop trusting" : "Trust";
          trust.addEventListener("click", () => {
            trust.disabled = true;
            setTrusted({ device: device.deviceId, trusted: !device.trusted })
              .catch((error: unknown) => {
                show("account-error", messageOf(error));
              })
              .finally(() => {
                trust.disabled = false;
              });
          });
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "secondary";
          remove.textContent = "Remove";
          remove.addEventListener("click", () => {
            remove.disabled = true;
            removeDevice({ device: device.deviceId })
              .then(() => {
                show("account-notice", "Device removed. Every device, this one included, must sign in again.");
              })
              .catch((error: unknown) => {
                show("account-error", messageOf(error));
                remove.disabled = false;
              });
          });
          row.append(name, seen, trust, remove);
          return row;
        }),
      );
      element("devices").dataset.state = "loaded";
    },
    () => {
      show("account-error", "Your devices could not be read. Reload the page.");
    },
  );
}

function listSignIns(client: Client, uid: string): void {
  const list = element("sign-ins-list", HTMLOListElement);
  onSnapshot(
    query(collection(client.db, "signIns"), where("uid", "==", uid), orderBy("at", "desc"), limit(10)),
    (snapshot) => {
      list.replaceChildren(
        ...snapshot.docs.map((doc) => {
          const signIn = doc.data() as SignInView;
          const row = document.createElement("li");
          row.textContent = `${when(signIn.at)} · ${signIn.summary} · ${signIn.method} · from ${signIn.ip}`;
          return row;
        }),
      );
      element("sign-ins").dataset.state = "loaded";
    },
    () => {
      show("account-error", "Your sign-ins could not be read. Reload the page.");
    },
  );
}
