import { readFileSync } from "node:fs";

import { defineConfig } from "vite";

interface Listen {
  host: string;
  port: number;
}

// firebase.json is the single source of the emulator ports; the page connects to them only
// when it is itself served from localhost.
const firebaseJson = JSON.parse(readFileSync(new URL("../firebase.json", import.meta.url), "utf8")) as {
  emulators: { auth: Listen };
};
const { auth } = firebaseJson.emulators;

export default defineConfig({
  define: {
    __MALIPO_EMULATORS__: JSON.stringify({ auth: `http://${auth.host}:${auth.port}` }),
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
});
