// The till's Firebase client. Unlike the other pages it must start with no connection at all:
// the configuration fetched on the first visit is kept in localStorage for later offline starts,
// the signed-in user comes from Auth's own persistence (authStateReady, no network), and Firestore
// keeps its cache and its queue of unsent writes in IndexedDB, shared by every tab
// (persistentLocalCache with the multi-tab manager), sized for months of sales.
import { initializeApp, type FirebaseOptions } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously, type User } from "firebase/auth";
import {
  connectFirestoreEmulator,
  initializeFirestore,
  persistentLocalCache,
  persistentMultipleTabManager,
} from "firebase/firestore";
import { connectFunctionsEmulator, getFunctions } from "firebase/functions";

import { startAppCheck } from "./app-check";
import type { Client } from "./firebase";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const CONFIG_KEY = "malipo-pos:firebase-options";
/**
 * A busy stall writes a few hundred sales a day, each about a kilobyte with its lines: 200 MB is
 * years of them with their products and days, well past what a till keeps unsynced.
 */
const CACHE_BYTES = 200 * 1024 * 1024;

async function firebaseOptions(): Promise<FirebaseOptions> {
  try {
    const response = await fetch("/__/firebase/init.json");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const options = (await response.json()) as FirebaseOptions;
    localStorage.setItem(CONFIG_KEY, JSON.stringify(options));
    return options;
  } catch (error) {
    const kept = localStorage.getItem(CONFIG_KEY);
    if (kept) return JSON.parse(kept) as FirebaseOptions;
    throw new Error(
      `Open the till once with a connection first (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error },
    );
  }
}

export async function connectTill(): Promise<Client> {
  const app = initializeApp(await firebaseOptions());
  const local = LOCAL_HOSTS.has(location.hostname);
  startAppCheck(app, local);
  const auth = getAuth(app);
  const db = initializeFirestore(app, {
    localCache: persistentLocalCache({ tabManager: persistentMultipleTabManager(), cacheSizeBytes: CACHE_BYTES }),
  });
  const functions = getFunctions(app, __MALIPO_REGION__);
  if (local) {
    const emulators = __MALIPO_EMULATORS__;
    connectAuthEmulator(auth, emulators.auth, { disableWarnings: true });
    connectFirestoreEmulator(db, emulators.firestore.host, emulators.firestore.port);
    connectFunctionsEmulator(functions, emulators.functions.host, emulators.functions.port);
  }
  return { app, auth, db, functions };
}

/** The till's user: the one this browser signed in before (even offline), or a new anonymous one. */
export async function tillUser(client: Client): Promise<User> {
  await client.auth.authStateReady();
  return client.auth.currentUser ?? (await signInAnonymously(client.auth)).user;
}

/** Asks the browser not to evict the till's storage under pressure; answers whether it agreed. */
export async function keepStorage(): Promise<boolean> {
  if (!("storage" in navigator) || typeof navigator.storage.persist !== "function") return false;
  return (await navigator.storage.persisted()) || (await navigator.storage.persist());
}
