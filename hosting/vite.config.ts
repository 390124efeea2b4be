import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { defineConfig } from "vite";

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
        // Judging: the judges' page (the public results are on the join page).
        judge: fileURLToPath(new URL("judge.html", import.meta.url)),
      },
    },
  },
});
