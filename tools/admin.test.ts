import { describe, expect, it } from "vitest";

import { parseAdminArgs, USAGE } from "./admin.ts";

describe("npm run admin arguments", () => {
  it("reads grant and revoke, with an optional real project", () => {
    expect(parseAdminArgs(["grant", "Ops@Example.com"])).toEqual({
      action: "grant",
      email: "ops@example.com",
      project: undefined,
    });
    expect(parseAdminArgs(["revoke", "ops@example.com", "--project", "malipo-prod"])).toEqual({
      action: "revoke",
      email: "ops@example.com",
      project: "malipo-prod",
    });
    expect(parseAdminArgs(["--project", "malipo-prod", "grant", "ops@example.com"]).project).toBe("malipo-prod");
  });

  it("reads judge and unjudge with the competition's id", () => {
    expect(parseAdminArgs(["judge", "Judge@Example.com", "kenya-sings-2026"])).toEqual({
      action: "judge",
      email: "judge@example.com",
      competitionId: "kenya-sings-2026",
      project: undefined,
    });
    expect(parseAdminArgs(["unjudge", "judge@example.com", "kenya-sings-2026", "--project", "p"]).project).toBe("p");
  });

  it("reads publish-results with the competition's id", () => {
    expect(parseAdminArgs(["publish-results", "kenya-sings-2026"])).toEqual({
      action: "publish-results",
      email: "",
      competitionId: "kenya-sings-2026",
      project: undefined,
    });
    expect(parseAdminArgs(["publish-results", "c1", "--project", "p"]).project).toBe("p");
  });

  it.each([
    [["publish-results"], "publish-results needs the competition's id"],
    [["publish-results", "a/b"], "publish-results needs the competition's id"],
    [["publish-results", "c1", "extra"], "unexpected arguments: extra"],
    [["judge", "judge@example.com"], "judge needs the competition's id"],
    [["unjudge", "judge@example.com", "a/b"], "unjudge needs the competition's id"],
    [["judge", "judge@example.com", "c", "extra"], "unexpected arguments: extra"],
    [[], USAGE],
    [["promote", "ops@example.com"], USAGE],
    [["grant"], "is not an email address"],
    [["grant", "not-an-email"], '"not-an-email" is not an email address'],
    [["grant", "ops@example.com", "--project"], "--project needs a project id"],
    [["grant", "ops@example.com", "extra"], "unexpected arguments: extra"],
  ])("refuses %j with a sentence saying what to fix", (argv, message) => {
    expect(() => parseAdminArgs(argv)).toThrow(message);
  });
});
