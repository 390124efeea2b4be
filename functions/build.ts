// Builds what deploys: src/index.ts bundled by esbuild into lib/ (ESM, Node 22, source maps), with
// the four endpoints modules it loads by name (lib/endpoints/).
// Malipo's own modules are bundled; every dynamic import() becomes its own chunk (lib/chunks/),
// loaded on a function's first call. npm packages stay external, installed on deploy from
// package.json: firebase-functions must be the copy the CLI's deploy analysis loads (it reads
// each export's __endpoint and the declared parameters from its own module state), and
// firebase-admin, @google-cloud/firestore and google-gax read their .proto/.json files from
// their package folders at run time.
//   node build.ts            one build (npm run build, firebase.json's predeploy)
//   node build.ts --watch    rebuild on every change (npm start); prints "functions build ready" after each
import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";

import * as esbuild from "esbuild";

const HERE = import.meta.dirname;
const OUT = path.join(HERE, "lib");
const watch = process.argv.includes("--watch");

// In watch mode: says when each rebuild is done (npm start waits for the first), and deletes the
// chunks an earlier rebuild wrote that this one no longer uses (their names carry a content hash).
const announce: esbuild.Plugin = {
  name: "announce",
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length > 0) {
        console.log(`functions build failed (${result.errors.length} errors)`);
        return;
      }
      const written = new Set(Object.keys(result.metafile?.outputs ?? {}).map((file) => path.resolve(HERE, file)));
      for (const file of readdirSync(OUT, { recursive: true, encoding: "utf8" })) {
        const full = path.join(OUT, file);
        if (!written.has(full) && statSync(full).isFile()) rmSync(full);
      }
      console.log("functions build ready");
    });
  },
};

// What an earlier build (or the former tsc output) left is not deployed by mistake.
rmSync(OUT, { recursive: true, force: true });

const options: esbuild.BuildOptions = {
  absWorkingDir: HERE,
  // The endpoints modules are entry points too, so that index.js can require() them by name.
  entryPoints: [
    "src/index.ts",
    "src/endpoints/https.ts",
    "src/endpoints/triggers.ts",
    "src/endpoints/schedules.ts",
    "src/endpoints/identity.ts",
  ],
  outbase: "src",
  outdir: OUT,
  entryNames: "[dir]/[name]",
  chunkNames: "chunks/[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  sourcemap: true,
  packages: "external",
  logLevel: "warning",
  metafile: watch,
  plugins: watch ? [announce] : [],
};

if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
