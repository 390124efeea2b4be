// Operator sign-in: an email account replaces the anonymous visitor, and the footer says whether
// it carries the admin role (the custom claim `npm run admin -- grant` sets).
import { signInWithEmailAndPassword } from "firebase/auth";

import { element } from "./dom";
import type { Client } from "./firebase";

const MESSAGES: Readonly<Record<string, string>> = {
  "auth/invalid-credential": "Wrong email or password.",
  "auth/wrong-password": "Wrong email or password.",
  "auth/user-not-found": "Wrong email or password.",
  "auth/invalid-email": "Enter the email address of your operator account.",
  "auth/missing-password": "Enter your password.",
  "auth/too-many-requests": "Too many tries. Wait a few minutes and try again.",
};

function explain(error: unknown): string {
  // Checked by shape: the Auth SDK's errors are not always instances of firebase/app's FirebaseError.
  const code = (error as { code?: unknown } | null)?.code;
  const message = typeof code === "string" ? MESSAGES[code] : undefined;
  if (message === undefined) console.warn("operator sign-in failed", error);
  return message ?? "Sign-in failed. Check your connection and try again.";
}

export function startOperatorSignIn(client: Client): void {
  const form = element("operator-form", HTMLFormElement);
  const problem = element("operator-error");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    problem.hidden = true;
    const email = element("operator-email", HTMLInputElement).value.trim();
    const password = element("operator-password", HTMLInputElement).value;
    void (async () => {
      try {
        const { user } = await signInWithEmailAndPassword(client.auth, email, password);
        const { claims } = await user.getIdTokenResult();
        const role = claims.admin === true ? "admin" : "no admin role";
        element("session").textContent = `operator ${user.email ?? user.uid} (${role})`;
        element("operator", HTMLDetailsElement).open = false;
      } catch (error) {
        problem.textContent = explain(error);
        problem.hidden = false;
      }
    })();
  });
}
