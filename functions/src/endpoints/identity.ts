// The Auth blocking functions (Firebase Authentication with Identity Platform): declared here at
// import, their code imported on the first event. Auth waits for them before it answers a sign-up
// or a sign-in, so each does one quick thing (accounts/new-accounts.ts, sign-in-history.ts).
import { beforeUserCreated, beforeUserSignedIn, HttpsError } from "firebase-functions/v2/identity";

const firebase = () => import("../core/firebase.js");

// At most this many new accounts per address and hour (accountsPerAddress), counted at creation.
export const limitNewAccounts = beforeUserCreated({ timeoutSeconds: 7 }, async (event) => {
  const [{ db }, { admitNewAccount }, { AppError }] = await Promise.all([
    firebase(),
    import("../accounts/new-accounts.js"),
    import("../core/errors.js"),
  ]);
  try {
    await admitNewAccount(db(), event, Date.now());
  } catch (error) {
    if (error instanceof AppError) throw new HttpsError("resource-exhausted", error.message);
    throw error;
  }
});

// Every sign-in recorded (signIns/), never refused because recording failed.
export const recordSignIn = beforeUserSignedIn({ timeoutSeconds: 7 }, async (event) => {
  try {
    const [{ db }, { recordSignIn }] = await Promise.all([firebase(), import("../accounts/sign-in-history.js")]);
    await recordSignIn(db(), event, Date.now());
  } catch {
    // Only loading the modules can fail here (recordSignIn never throws): the sign-in goes ahead.
  }
});
