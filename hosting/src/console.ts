// The operator console (console.html): operators only, by the `admin` custom claim that
// `npm run admin -- grant` sets and firestore.rules' isAdmin() reads. Anyone else — the anonymous
// visitor of the other pages, a signed-in customer — sees the sign-in form and nothing else;
// the rules refuse them the data anyway. Every read is the operator's own, through the rules;
// the only write (a mail's retry) is a callable that audits itself.
import { onAuthStateChanged, signInWithEmailAndPassword, signOut, type User } from "firebase/auth";

import { startAlerts } from "./console-alerts";
import { startAnalytics } from "./console-analytics";
import { startMailbox } from "./console-mailbox";
import { startPayments } from "./console-payments";
import { startReports } from "./console-reports";
import { element, show } from "./dom";
import { connect, type Client } from "./firebase";

const TABS = ["payments", "reports", "analytics", "alerts", "mailbox"] as const;
type Tab = (typeof TABS)[number];

const SIGN_IN_MESSAGES: Readonly<Record<string, string>> = {
  "auth/invalid-credential": "Wrong email or password.",
  "auth/wrong-password": "Wrong email or password.",
  "auth/user-not-found": "Wrong email or password.",
  "auth/invalid-email": "Enter the email address of your operator account.",
  "auth/missing-password": "Enter your password.",
  "auth/too-many-requests": "Too many tries. Wait a few minutes and try again.",
};

function gate(state: "signed-out" | "not-operator" | "operator", message: string): void {
  const section = element("console-gate");
  section.dataset.state = state;
  element("console-gate-message").textContent = message;
  element("console-signin").hidden = state === "operator";
  section.hidden = state === "operator";
  element("console-app").hidden = state !== "operator";
  element("console-sign-out").hidden = state === "signed-out";
}

function startTabs(onShow: (tab: Tab) => void): void {
  for (const tab of TABS) {
    element(`tab-${tab}`).addEventListener("click", () => {
      for (const other of TABS) {
        element(`tab-${other}`).setAttribute("aria-selected", String(other === tab));
        element(`panel-${other}`).hidden = other !== tab;
      }
      element("payment-detail").hidden = true;
      element("mail-view").hidden = true;
      onShow(tab);
    });
  }
}

async function isOperator(user: User): Promise<boolean> {
  if (user.isAnonymous) return false;
  const { claims } = await user.getIdTokenResult();
  return claims.admin === true;
}

function startSignIn(client: Client): void {
  const problem = element("console-signin-error");
  element("console-signin", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    problem.hidden = true;
    const email = element("console-email", HTMLInputElement).value.trim();
    const password = element("console-password", HTMLInputElement).value;
    signInWithEmailAndPassword(client.auth, email, password).catch((error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      problem.textContent =
        (typeof code === "string" ? SIGN_IN_MESSAGES[code] : undefined) ??
        "Sign-in failed. Check your connection and try again.";
      problem.hidden = false;
    });
  });
  element("console-sign-out").addEventListener("click", () => void signOut(client.auth));
}

async function start(): Promise<void> {
  const client = await connect();
  startSignIn(client);
  let started = false;
  const loaders: Partial<Record<Tab, () => void>> = {};
  onAuthStateChanged(client.auth, (user) => {
    void (async () => {
      if (!user) {
        element("session").textContent = "not signed in";
        gate("signed-out", "Sign in with an operator account to use the console.");
        return;
      }
      element("session").textContent = user.isAnonymous
        ? `anonymous visitor ${user.uid}`
        : `signed in as ${user.email ?? user.uid}`;
      if (!(await isOperator(user))) {
        gate(
          user.isAnonymous ? "signed-out" : "not-operator",
          user.isAnonymous
            ? "This console is for operators. Sign in with an operator account."
            : "This account is not an operator (it has no admin role). Sign in with an operator account.",
        );
        return;
      }
      element("session").textContent = `operator ${user.email ?? user.uid} (admin)`;
      gate("operator", "");
      if (started) return;
      started = true;
      startPayments(client);
      loaders.reports = startReports(client);
      loaders.analytics = startAnalytics(client);
      loaders.alerts = startAlerts(client);
      loaders.mailbox = startMailbox(client);
      startTabs((tab) => loaders[tab]?.());
    })().catch((error: unknown) => {
      show("problem", `The console could not start: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
}

start().catch((error: unknown) => {
  show("problem", `We could not connect: ${error instanceof Error ? error.message : String(error)}`);
});
