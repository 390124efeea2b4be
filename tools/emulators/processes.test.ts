import { spawnSync } from "node:child_process";

import { describe, expect, it } from "vitest";

import { shellQuote } from "./processes.ts";

describe("shellQuote", () => {
  it("round-trips awkward arguments through a POSIX shell", () => {
    const args = ["plain", "with space", "it's", "$HOME", "a;b", ""];
    const result = spawnSync("sh", ["-c", `printf '%s\\n' ${shellQuote(args)}`], { encoding: "utf8" });
    expect(result.stdout).toBe(`${args.join("\n")}\n`);
  });
});
