// What the CLI deploys, read from the built entry (functions/lib/index.js, `npm run build`) the
// way the CLI reads it: firebase-functions' own loader, in a fresh Node process, collects every
// export's __endpoint, the declared parameters and the required APIs. They must equal
// deploy-manifest.json, which was taken from the unbundled tsc build before the entry point
// learned to load lazily; change it only on purpose (MALIPO_UPDATE_MANIFEST=1 rewrites it).
// And with FUNCTION_TARGET set to one export, as each deployed instance and each emulator worker
// has it, that export must come out defined with the same endpoint.
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";

import { describe, expect, it } from "vitest";

import { ROOT } from "../tools/emulators/environment.ts";

const FUNCTIONS = path.join(ROOT, "functions");
const ENTRY = path.join(FUNCTIONS, "lib", "index.js");
const SNAPSHOT = path.join(ROOT, "tests", "deploy-manifest.json");
// firebase-functions' main is lib/v2/index.js; its loader (not an export) is lib/runtime/loader.js.
const PACKAGE = createRequire(path.join(FUNCTIONS, "package.json"))
  .resolve("firebase-functions")
  .split(`${path.sep}lib${path.sep}`)[0];
const LOADER = path.join(PACKAGE ?? "", "lib", "runtime", "loader.js");

interface Manifest {
  endpoints: Record<string, unknown>;
  params: { name: string }[];
  requiredAPIs: unknown[];
}

async function inFreshNode(code: string, env: NodeJS.ProcessEnv, type = "module"): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, [`--input-type=${type}`, "-e", code], {
    cwd: FUNCTIONS,
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout);
}

function environment(target?: string): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.FUNCTION_TARGET;
  if (target !== undefined) env.FUNCTION_TARGET = target;
  return env;
}

/** The manifest as the CLI's discovery builds it, with parameters in name order. */
async function discovered(): Promise<Manifest> {
  const code = `import { createRequire } from "node:module";
const { loadStack } = createRequire(import.meta.url)(${JSON.stringify(LOADER)});
const stack = await loadStack(${JSON.stringify(FUNCTIONS)});
process.stdout.write(JSON.stringify(stack));`;
  const stack = (await inFreshNode(code, environment())) as Manifest & Record<string, unknown>;
  return {
    endpoints: Object.fromEntries(Object.entries(stack.endpoints).sort(([a], [b]) => (a < b ? -1 : 1))),
    params: [...stack.params].sort((a, b) => (a.name < b.name ? -1 : 1)),
    requiredAPIs: stack.requiredAPIs,
  };
}

const snapshot = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as Manifest & Record<string, unknown>;

describe("the built functions entry", () => {
  it("is built", () => {
    expect(existsSync(ENTRY), "run `npm run build` first").toBe(true);
  });

  it("declares to the CLI the same endpoints, options, parameters and APIs as before bundling", async () => {
    const manifest = await discovered();
    if (process.env.MALIPO_UPDATE_MANIFEST === "1") {
      // Then `npx prettier --write tests/deploy-manifest.json`: lint checks its format.
      writeFileSync(
        SNAPSHOT,
        `${JSON.stringify({ specVersion: snapshot.specVersion, ...manifest, extensions: snapshot.extensions }, null, 2)}\n`,
      );
    }
    expect(manifest.endpoints).toEqual(snapshot.endpoints);
    expect(manifest.params).toEqual(snapshot.params);
    expect(manifest.requiredAPIs).toEqual(snapshot.requiredAPIs);
  });

  // 41 fresh processes: the timeout guards against a hang, it is not a speed limit.
  it(
    "defines each function, with its endpoint, in an instance whose FUNCTION_TARGET names it",
    { timeout: 120_000 },
    async () => {
      const names = Object.keys(snapshot.endpoints);
      expect(names.length).toBe(63);
      for (const name of names) {
        // Loaded with require(), as the Functions emulator's worker loads it (it refuses an ES
        // module graph with top-level await, which the platform's import() would accept).
        const code = `const mod = require(${JSON.stringify(ENTRY)});
const fn = mod[process.env.FUNCTION_TARGET];
process.stdout.write(JSON.stringify({ type: typeof fn, endpoint: fn?.__endpoint ?? null }));`;
        const found = (await inFreshNode(code, environment(name), "commonjs")) as { type: string; endpoint: unknown };
        // The loader adds each endpoint's entryPoint (its export name) to what __endpoint says.
        const endpoint = found.endpoint === null ? null : { ...found.endpoint, entryPoint: name };
        expect({ name, type: found.type, endpoint }).toEqual({
          name,
          type: "function",
          endpoint: snapshot.endpoints[name],
        });
      }
    },
  );
});
