// The Firebase client: configuration from Hosting's /__/firebase/init.json, and the emulators
// when the page itself is served from this machine.
import { initializeApp, type FirebaseApp, type FirebaseOptions } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously, type Auth, type User } from "firebase/auth";
import { connectFirestoreEmulator, getFirestore, type Firestore } from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions, type Functions } from "firebase/functions";

import { startAppCheck } from "./app-check";
import { element, show } from "./dom";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface Client {
  readonly app: FirebaseApp;
  readonly auth: Auth;
  readonly db: Firestore;
  readonly functions: Functions;
}

export async function firebaseOptions(): Promise<FirebaseOptions> {
  const response = await fetch("/__/firebase/init.json");
  if (!response.ok) throw new Error(`Firebase configuration unavailable (HTTP ${response.status})`);
  return (await response.json()) as FirebaseOptions;
}

/** What a page may choose about its client: where the configuration comes from, and Firestore's cache. */
export interface ClientSetup {
  readonly options?: () => Promise<FirebaseOptions>;
  readonly firestore?: (app: FirebaseApp) => Firestore;
}

export async function connect(setup: ClientSetup = {}): Promise<Client> {
  const app = initializeApp(await (setup.options ?? firebaseOptions)());
  const local = LOCAL_HOSTS.has(location.hostname);
  startAppCheck(app, local);
  const auth = getAuth(app);
  const db = (setup.firestore ?? getFirestore)(app);
  const functions = getFunctions(app, __MALIPO_REGION__);
  if (local) {
    const emulators = __MALIPO_EMULATORS__;
    connectAuthEmulator(auth, emulators.auth, { disableWarnings: true });
    connectFirestoreEmulator(db, emulators.firestore.host, emulators.firestore.port);
    connectFunctionsEmulator(functions, emulators.functions.host, emulators.functions.port);
  }
  return { app, auth, db, functions };
}

/**
 * The visitor kept from an earlier visit (anonymous, or signed in by email on the wallet page), or
 * a new anonymous one. Waiting for the restored session matters: signInAnonymously reuses only an
 * anonymous user, and would replace a signed-in one.
 */
export async function signIn(client: Client): Promise<User> {
  await client.auth.authStateReady();
  return client.auth.currentUser ?? (await signInAnonymously(client.auth)).user;
}

/**
 * The wallet-side pages' start: connect, sign in (the same visitor across pages and reloads), name
 * the visitor in #session, then `start` the page; a failure is shown in #problem.
 */
export async function startSignedInPage(start: (client: Client, uid: string, user: User) => void): Promise<void> {
  try {
    const client = await connect();
    const user = await signIn(client);
    element("session").textContent = user.isAnonymous
      ? `anonymous visitor ${user.uid}`
      : `signed in as ${user.email ?? user.uid}`;
    start(client, user.uid, user);
  } catch (error) {
    show("problem", `We could not start a secure session: ${error instanceof Error ? error.message : String(error)}`);
  }
}
