// Facts that live in more than one file and must agree.
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { REGION } from "../functions/src/core/region.ts";
import { EMULATOR_PROJECT, ROOT } from "../tools/emulators/environment.ts";

function json(file: string): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));
}

interface FirebaseJson {
  functions: { runtime: string; source: string }[];
  hosting: { rewrites: { function?: { functionId: string; region: string } }[] };
  emulators: Record<string, unknown>;
}

describe("project configuration", () => {
  const firebase = json("firebase.json") as FirebaseJson;

  it("uses the demo project by default, so local runs touch no real resources", () => {
    expect((json(".firebaserc") as { projects: { default: string } }).projects.default).toBe(EMULATOR_PROJECT);
    expect(EMULATOR_PROJECT.startsWith("demo-")).toBe(true);
  });

  it("deploys the functions on the Node major their package declares", () => {
    const engines = (json("functions/package.json") as { engines: { node: string } }).engines;
    expect(firebase.functions.map((codebase) => codebase.runtime)).toEqual([`nodejs${engines.node}`]);
  });

  it("routes every Hosting rewrite to the functions' region", () => {
    const regions = firebase.hosting.rewrites.flatMap((rewrite) => (rewrite.function ? [rewrite.function.region] : []));
    expect(regions.length).toBeGreaterThan(0);
    expect(new Set(regions)).toEqual(new Set([REGION]));
  });

  it("binds every emulator to the loopback address", () => {
    for (const [name, listen] of Object.entries(firebase.emulators)) {
      if (typeof listen === "object" && listen !== null && "port" in listen) {
        expect((listen as { host?: unknown }).host, name).toBe("127.0.0.1");
      }
    }
  });
});
