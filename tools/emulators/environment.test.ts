import { describe, expect, it } from "vitest";

import { missingSecretLines } from "./environment.ts";

describe("missingSecretLines", () => {
  const example = "# a comment\nMPESA_PASSKEY=sim-mpesa-passkey\nPIN_PEPPER=sim-pin-pepper\n";

  it("names the example's secrets the local file lacks, with their example values", () => {
    expect(missingSecretLines(example, ["MPESA_PASSKEY=sim-own-value", ""].join("\n"))).toEqual([
      "PIN_PEPPER=sim-pin-pepper",
    ]);
  });

  it("leaves a secret the local file sets alone, whatever its value", () => {
    expect(missingSecretLines(example, ["PIN_PEPPER=", "MPESA_PASSKEY=sim-x"].join("\n"))).toEqual([]);
  });
});
