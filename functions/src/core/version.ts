// The deployed code's version: functions/package.json `version`, read once.
import { readFileSync } from "node:fs";

import { z } from "zod";

const manifestSchema = z.object({ version: z.string().min(1) });

let cached: string | undefined;

export function codeVersion(): string {
  cached ??= manifestSchema.parse(
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")),
  ).version;
  return cached;
}
