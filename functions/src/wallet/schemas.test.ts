// The activity list's input: what a date means, and its cursors. The production indexes it needs
// are checked here too, since the emulator runs every query without them.
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { ROOT } from "../../../tools/emulators/environment.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { listWalletActivityInput } from "./schemas.js";

describe("listWalletActivity dates", () => {
  it("reads a day as UTC: from its start, to its end", () => {
    expect(listWalletActivityInput.parse({ from: "2024-02-29", to: "2024-02-29" })).toMatchObject({
      from: { millis: Date.UTC(2024, 1, 29), inclusive: true },
      to: { millis: Date.UTC(2024, 2, 1), inclusive: false },
      pageSize: 20,
    });
  });

  it("reads an instant with its offset, both ends included", () => {
    expect(
      listWalletActivityInput.parse({ from: "2025-01-10T12:00+03:00", to: "2025-01-10T09:00:00.5Z" }),
    ).toMatchObject({
      from: { millis: Date.UTC(2025, 0, 10, 9), inclusive: true },
      to: { millis: Date.UTC(2025, 0, 10, 9, 0, 0, 500), inclusive: true },
    });
  });

  it("ends at the last moment Firestore can hold", () => {
    expect(listWalletActivityInput.parse({ to: "9999-12-31" }).to).toEqual({
      millis: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      inclusive: true,
    });
  });

  it.each([
    "1969-12-31",
    "0050-01-01",
    "9999-12-31T23:59:59-01:00",
    "2025-02-29",
    "2025-13-01",
    "2025-1-5",
    "2025-04-31T10:00:00Z",
    "1736500000000",
    "",
  ])("refuses %j", (from) => {
    expect(listWalletActivityInput.safeParse({ from }).success).toBe(false);
  });
});

describe("activity cursors", () => {
  const position = {
    seconds: 1_736_510_400,
    nanoseconds: 123_000_000,
    path: "ledgerAccounts/wallet:u:KES/activity/topup:1",
  };

  it("come back as the position they were made from, for the same scope only", () => {
    const cursor = encodeCursor("scope", position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("scope", cursor)).toEqual(position);
    expect(() => decodeCursor("other scope", cursor)).toThrow(/cursor: is not a cursor from this list/);
  });

  it.each([
    ["a reserved id", { ...position, path: "ledgerAccounts/__x__/activity/a" }],
    ["a path outside the activity lines", { ...position, path: "payments/p1" }],
    ["a time Firestore cannot hold", { ...position, seconds: 1e15 }],
  ])("refuse %s even with a matching checksum", (_name, forged) => {
    expect(() => decodeCursor("scope", encodeCursor("scope", forged))).toThrow(/cursor: is not a cursor/);
  });
});

describe("firestore.indexes.json", () => {
  interface Index {
    collectionGroup: string;
    queryScope: string;
    fields: { fieldPath: string; order: string }[];
  }
  const { indexes } = JSON.parse(readFileSync(path.join(ROOT, "firestore.indexes.json"), "utf8")) as {
    indexes: Index[];
  };

  it.each([[[]], [["currency"]], [["kind"]], [["currency", "kind"]]])(
    "has the collection-group index listWalletActivity needs with equality filters %j",
    (filters: string[]) => {
      const wanted = [
        { fieldPath: "uid", order: "ASCENDING" },
        ...filters.map((fieldPath) => ({ fieldPath, order: "ASCENDING" })),
        { fieldPath: "at", order: "DESCENDING" },
        { fieldPath: "__name__", order: "DESCENDING" },
      ];
      expect(indexes).toContainEqual({ collectionGroup: "activity", queryScope: "COLLECTION_GROUP", fields: wanted });
    },
  );
});
