import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

import { REGION } from "../functions/src/core/region.ts";

interface Listen {
  host: string;
  port: number;
}

// firebase.json is the single source of the emulator ports; the page connects to them only
// when it is itself served from localhost.
const firebaseJson = JSON.parse(readFileSync(new URL("../firebase.json", import.meta.url), "utf8")) as {
  emulators: { auth: Listen; firestore: Listen; functions: Listen };
};
const { auth, firestore, functions } = firebaseJson.emulators;

export default defineConfig({
  define: {
    __MALIPO_EMULATORS__: JSON.stringify({
      auth: `http://${auth.host}:${auth.port}`,
      firestore: { host: firestore.host, port: firestore.port },
      functions: { host: functions.host, port: functions.port },
    }),
    __MALIPO_REGION__: JSON.stringify(REGION),
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // One entry per page (multi-page app): each HTML file and the module it loads.
    rolldownOptions: {
      input: {
        main: fileURLToPath(new URL("index.html", import.meta.url)),
        wallet: fileURLToPath(new URL("wallet.html", import.meta.url)),
        bills: fileURLToPath(new URL("bills.html", import.meta.url)),
        checkout: fileURLToPath(new URL("checkout.html", import.meta.url)),
        console: fileURLToPath(new URL("console.html", import.meta.url)),
        pos: fileURLToPath(new URL("pos.html", import.meta.url)),
        // Judging: the judges' page (the public results are on the join page).
        judge: fileURLToPath(new URL("judge.html", import.meta.url)),
      },
    },
  },
  plugins: [
    // The till's service worker (docs/pos.md): Workbox precaches the built site, so pos.html opens
    // with no connection after the first visit. pos.ts registers it with scope /pos, so it controls
    // only the till; the manifest is the till's own file (public/pos.webmanifest), not generated,
    // and nothing is injected into the other pages.
    VitePWA({
      injectRegister: false,
      manifest: false,
      filename: "pos-sw.js",
      workbox: {
        globPatterns: ["**/*.{js,css,html,png,webmanifest}"],
        // The till opens with test hooks and other parameters in its address: the cached page is
        // the same page.
        ignoreURLParametersMatching: [/.*/],
        navigateFallback: null,
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        // The Firebase configuration the hosting serves: from the network when there is one.
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname === "/__/firebase/init.json",
            handler: "NetworkFirst",
            options: { cacheName: "malipo-firebase-config", networkTimeoutSeconds: 3 },
          },
        ],
      },
    }),
  ],
});
