// The till's Firebase client. Unlike the other pages it must start with no connection at all:
// the configuration fetched on the first visit is kept in localStorage for later offline starts,
// the signed-in user comes from Auth's own persistence (authStateReady, no network), and Firestore
// keeps its cache and its queue of unsent writes in IndexedDB, shared by every tab
// (persistentLocalCache with the multi-tab manager), sized for months of sales.
import type { FirebaseOptions } from "firebase/app";
import { initializeFirestore, persistentLocalCache, persistentMultipleTabManager } from "firebase/firestore";

import { connect, firebaseOptions, type Client } from "./firebase";

const CONFIG_KEY = "malipo-pos:firebase-options";
/**
 * A busy stall writes a few hundred sales a day, each about a kilobyte with its lines: 200 MB is
 * years of them with their products and days, well past what a till keeps unsynced.
 */
const CACHE_BYTES = 200 * 1024 * 1024;

/** The configuration from Hosting, kept for the next start without a connection. */
async function keptFirebaseOptions(): Promise<FirebaseOptions> {
  try {
    const options = await firebaseOptions();
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

export function connectTill(): Promise<Client> {
  return connect({
    options: keptFirebaseOptions,
    firestore: (app) =>
      initializeFirestore(app, {
        localCache: persistentLocalCache({ tabManager: persistentMultipleTabManager(), cacheSizeBytes: CACHE_BYTES }),
      }),
  });
}

/** Asks the browser not to evict the till's storage under pressure; answers whether it agreed. */
export async function keepStorage(): Promise<boolean> {
  if (!("storage" in navigator) || typeof navigator.storage.persist !== "function") return false;
  return (await navigator.storage.persisted()) || (await navigator.storage.persist());
}
