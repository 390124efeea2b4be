// The deployed code's version: functions/package.json `version`, read once. The file is found by
// walking up from this module, which is src/core/ in tests and a bundle chunk under lib/ deployed.
import { existsSync, readFileSync } from "node:fs";

import { z } from "zod";

const manifestSchema = z.object({ version: z.string().min(1) });

function manifestUrl(): URL {
  for (let dir = new URL(".", import.meta.url); ; dir = new URL("..", dir)) {
    const candidate = new URL("package.json", dir);
    if (existsSync(candidate)) return candidate;
    if (dir.pathname === "/") throw new Error(`no package.json above ${import.meta.url}`);
  }
}

let cached: string | undefined;

export function codeVersion(): string {
  cached ??= manifestSchema.parse(JSON.parse(readFileSync(manifestUrl(), "utf8"))).version;
  return cached;
}
