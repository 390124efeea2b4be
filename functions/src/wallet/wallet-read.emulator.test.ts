// getWallet and listWalletActivity against the Firestore emulator, in-process through the real
// edge (schema, handler, error conversion): balances from seeded ledger movements, every line
// exactly once however it is paged (equal timestamps included), each filter, nobody else's lines,
// and readable refusals. One HTTP call of each proves the wiring.
import { randomUUID } from "node:crypto";

import { HttpsError, type CallableRequest } from "firebase-functions/v2/https";
import { beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";

import { call, randomIp, signUpAnonymous } from "../../../tests/support/client.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { handleCallable } from "../core/callable.js";
import { accounts, type Account } from "../ledger/accounts.js";
import { postEntry } from "../ledger/journal.js";
import type { Posting } from "../ledger/postings.js";
import { listWalletActivity, type ActivityLineView, type ActivityPage } from "./activity.js";
import { getWallet, type WalletView } from "./get-wallet.js";
import { getWalletInput, listWalletActivityInput } from "./schemas.js";

const db = adminDb();
// Each call a minute after the last, so the per-user "frequent" limit (proven in core) never
// decides these tests.
let clock = Date.now();
const deps = { db, now: () => (clock += 61_000) };

const debit = (account: Account, amount: number): Posting => ({ account, side: "debit", amount });
const credit = (account: Account, amount: number): Posting => ({ account, side: "credit", amount });

interface Refusal {
  refused: string;
  message: string;
}

/** The callable's edge and handler in-process, as the Functions runtime would call them. */
function viaEdge<S extends z.ZodType, R>(
  name: string,
  schema: S,
  handler: (input: z.infer<S>, caller: { uid: string; ip: string }, d: typeof deps) => Promise<R>,
) {
  const run = handleCallable(
    name,
    () => Promise.resolve(schema),
    { allowedOrigins: () => [], enforceAppCheck: () => true },
    (input, caller) => handler(input, caller, deps),
  );
  return async (uid: string, data: unknown): Promise<R | Refusal> => {
    const request = {
      data,
      auth: { uid, token: {} },
      app: { appId: "test-app" },
      rawRequest: { headers: { "x-forwarded-for": randomIp() } },
    };
    try {
      return await run(request as unknown as CallableRequest);
    } catch (error) {
      if (error instanceof HttpsError) return { refused: error.code, message: error.message };
      throw error;
    }
  };
}

const wallet = viaEdge("getWallet", getWalletInput, getWallet);
const activity = viaEdge("listWalletActivity", listWalletActivityInput, listWalletActivity);

function accepted<R>(result: R | Refusal): R {
  if (typeof result === "object" && result !== null && "refused" in result) {
    throw new Error(`expected an answer, got ${result.refused}: ${result.message}`);
  }
  return result;
}

async function page(uid: string, input: Record<string, unknown>): Promise<ActivityPage> {
  return accepted(await activity(uid, input));
}

/** Every page of a listing, following nextCursor; the pages' sizes too. */
async function allPages(uid: string, input: Record<string, unknown> = {}) {
  const lines: ActivityLineView[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const next: ActivityPage = await page(uid, { ...input, ...(cursor ? { cursor } : {}) });
    lines.push(...next.lines);
    sizes.push(next.lines.length);
    cursor = next.nextCursor;
  } while (cursor);
  return { lines, sizes };
}

const at = (iso: string) => () => Date.parse(iso);

interface Seeded {
  readonly uid: string;
  /** Expected lines: id, entry, account, time. */
  readonly lines: { id: string; entryId: string; accountId: string; at: string; currency: string; kind: string }[];
}

/**
 * 22 KES top-ups over three days, four at each instant (ties to break), two UGX top-ups at an
 * instant some KES ones share, a KES purchase held, and reward points from the points liability.
 */
async function seed(uid: string, kesTopUps = 22): Promise<Seeded> {
  const lines: Seeded["lines"] = [];
  const record = (account: Account, entryId: string, iso: string, kind: string) =>
    lines.push({
      id: `${account.id}/${entryId}`,
      entryId,
      accountId: account.id,
      at: iso,
      currency: account.currency,
      kind,
    });
  const kes = accounts.wallet(uid, "KES");
  const ugx = accounts.wallet(uid, "UGX");
  for (let i = 0; i < kesTopUps; i++) {
    const day = 10 + Math.floor(i / 8);
    const iso = `2025-01-${day}T12:0${Math.floor((i % 8) / 4)}:00.000Z`;
    const id = `topup:${randomUUID()}`;
    const amount = (i + 1) * 10_00;
    await postEntry(
      db,
      { id, kind: "topup", postings: [debit(accounts.clearing("mpesa", "KES"), amount), credit(kes, amount)] },
      at(iso),
    );
    record(kes, id, iso, "topup");
  }
  for (const amount of [5_000, 7_000]) {
    const id = `topup:${randomUUID()}`;
    const iso = "2025-01-12T12:00:00.000Z";
    await postEntry(
      db,
      { id, kind: "topup", postings: [debit(accounts.clearing("iotec", "UGX"), amount), credit(ugx, amount)] },
      at(iso),
    );
    record(ugx, id, iso, "topup");
  }
  const hold = `purchase:${randomUUID()}`;
  const holdAt = "2025-01-13T12:00:00.000Z";
  await postEntry(
    db,
    { id: hold, kind: "purchase", hold: true, postings: [debit(kes, 50_00), credit(accounts.fees("KES"), 50_00)] },
    at(holdAt),
  );
  record(kes, hold, holdAt, "purchase");
  const reward = `reward:${randomUUID()}`;
  const points = accounts.points(uid);
  await postEntry(
    db,
    { id: reward, kind: "reward", postings: [debit(accounts.pointsLiability(), 150), credit(points, 150)] },
    at(holdAt),
  );
  record(points, reward, holdAt, "reward");
  return { uid, lines };
}

/** The query's order: newest first, then document path (segment by segment), descending. */
function newestFirst(a: Seeded["lines"][number], b: Seeded["lines"][number]): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  if (a.accountId !== b.accountId) return a.accountId < b.accountId ? 1 : -1;
  return a.entryId < b.entryId ? 1 : a.entryId > b.entryId ? -1 : 0;
}

let seeded: Promise<{ main: Seeded; other: Seeded }>;

beforeAll(() => {
  seeded = Promise.all([seed(`wallet-read-${randomUUID()}`), seed(`wallet-read-${randomUUID()}`, 3)]).then(
    ([main, other]) => ({ main, other }),
  );
  return seeded.then(() => undefined);
});

describe("getWallet", () => {
  it("answers each currency's balance, held and available, and the points", async () => {
    const { main } = await seeded;
    const kes = 10_00 * ((22 * 23) / 2);
    expect(accepted(await wallet(main.uid, {}))).toEqual<WalletView>({
      wallets: [
        { currency: "KES", balance: kes, held: 50_00, available: kes - 50_00 },
        { currency: "UGX", balance: 12_000, held: 0, available: 12_000 },
      ],
      points: { balance: 150, held: 0, available: 150 },
      pin: { set: false, lockedUntil: null },
      twoFactor: { enabled: false, enrolledAt: null, recoveryCodesLeft: 0 },
    });
  });

  it("answers no wallets and zero points for someone who never held money", async () => {
    expect(accepted(await wallet(`wallet-read-${randomUUID()}`, {}))).toEqual({
      wallets: [],
      points: { balance: 0, held: 0, available: 0 },
      pin: { set: false, lockedUntil: null },
      twoFactor: { enabled: false, enrolledAt: null, recoveryCodesLeft: 0 },
    });
  });
});

describe("listWalletActivity", () => {
  it("pages 20 at a time, newest first, every line exactly once, with each line's details", async () => {
    const { main } = await seeded;
    const { lines, sizes } = await allPages(main.uid);
    expect(sizes).toEqual([20, 6]);
    const expected = [...main.lines].sort(newestFirst);
    expect(lines.map((line) => line.id)).toEqual(expected.map((line) => line.id));
    expect(lines[0]).toEqual({
      id: expect.any(String),
      entryId: expect.any(String),
      kind: expect.any(String),
      stage: expect.any(String),
      side: expect.any(String),
      amount: expect.any(Number),
      currency: expect.any(String),
      at: "2025-01-13T12:00:00.000Z",
      balanceAfter: expect.any(Number),
    });
    const held = lines.find((line) => line.kind === "purchase");
    expect(held).toMatchObject({
      stage: "hold",
      side: "debit",
      amount: 50_00,
      currency: "KES",
      balanceAfter: 2_530_00,
    });
    const reward = lines.find((line) => line.kind === "reward");
    expect(reward).toMatchObject({ stage: "post", side: "credit", amount: 150, currency: "PTS", balanceAfter: 150 });
    expect(lines.at(-1)?.at).toBe("2025-01-10T12:00:00.000Z");
    expect(lines.find((line) => line.amount === 10_00)).toMatchObject({ kind: "topup", balanceAfter: 10_00 });
  });

  it("small pages cut through runs of equal times without losing or repeating a line", async () => {
    const { main } = await seeded;
    const { lines, sizes } = await allPages(main.uid, { pageSize: 3 });
    expect(sizes).toEqual([3, 3, 3, 3, 3, 3, 3, 3, 2]);
    expect(lines.map((line) => line.id)).toEqual([...main.lines].sort(newestFirst).map((line) => line.id));
  });

  it.each([
    ["currency UGX", { currency: "UGX" }, (l: Seeded["lines"][number]) => l.currency === "UGX"],
    ["currency PTS", { currency: "PTS" }, (l: Seeded["lines"][number]) => l.currency === "PTS"],
    ["kind purchase", { kind: "purchase" }, (l: Seeded["lines"][number]) => l.kind === "purchase"],
    [
      "kind topup in KES",
      { kind: "topup", currency: "KES" },
      (l: Seeded["lines"][number]) => l.kind === "topup" && l.currency === "KES",
    ],
    [
      "one day",
      { from: "2025-01-11", to: "2025-01-11" },
      (l: Seeded["lines"][number]) => l.at.startsWith("2025-01-11"),
    ],
    [
      "one instant, both ends included",
      { from: "2025-01-12T12:00:00Z", to: "2025-01-12T15:00:00+03:00" },
      (l: Seeded["lines"][number]) => l.at === "2025-01-12T12:00:00.000Z",
    ],
    ["from a day on", { from: "2025-01-13" }, (l: Seeded["lines"][number]) => l.at >= "2025-01-13"],
    ["up to a day", { to: "2025-01-10" }, (l: Seeded["lines"][number]) => l.at < "2025-01-11"],
    ["a range with nothing in it", { from: "2024-01-01", to: "2024-12-31" }, () => false],
  ])("filters by %s, paged", async (_name, filter, keep) => {
    const { main } = await seeded;
    const { lines } = await allPages(main.uid, { ...filter, pageSize: 5 });
    const expected = main.lines.filter(keep).sort(newestFirst);
    expect(lines.map((line) => line.id)).toEqual(expected.map((line) => line.id));
  });

  it("never shows another user's lines", async () => {
    const { main, other } = await seeded;
    const mine = (await allPages(main.uid)).lines.map((line) => line.id);
    const theirs = (await allPages(other.uid)).lines.map((line) => line.id);
    expect(theirs).toEqual([...other.lines].sort(newestFirst).map((line) => line.id));
    expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
    expect(mine.every((id) => id.includes(main.uid))).toBe(true);
  });

  it("answers an empty first page for someone with no activity", async () => {
    expect(await page(`wallet-read-${randomUUID()}`, {})).toEqual({ lines: [], nextCursor: null });
  });
});

describe("refusals", () => {
  async function cursorOf(uid: string, input: Record<string, unknown> = {}): Promise<string> {
    const { nextCursor } = await page(uid, { ...input, pageSize: 2 });
    if (!nextCursor) throw new Error("expected another page");
    return nextCursor;
  }

  function tamper(cursor: string, change: (body: unknown[]) => void): string {
    const body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    change(body);
    return Buffer.from(JSON.stringify(body)).toString("base64url");
  }

  it.each([
    ["a page size of 0", { pageSize: 0 }, "pageSize: must be a whole number from 1 to 20"],
    ["a page size over 20", { pageSize: 21 }, "pageSize: must be a whole number from 1 to 20"],
    ["a fractional page size", { pageSize: 2.5 }, "pageSize: must be a whole number from 1 to 20"],
    ["an unknown currency", { currency: "USD" }, "currency: must be one of: KES, UGX, NGN, MWK, PTS"],
    ["a kind that is not one", { kind: "Top Up!" }, "kind: must be a kind of movement"],
    ["a day that does not exist", { from: "2025-02-30" }, "from: must be a date like 2026-01-31"],
    ["words for a date", { to: "yesterday" }, "to: must be a date like 2026-01-31"],
    ["an hour that does not exist", { from: "2025-01-10T25:00:00Z" }, "from: must be a date like"],
    ["a time without its offset", { from: "2025-01-10T10:00:00" }, "from: must be a date like"],
    ["from after to", { from: "2025-01-12", to: "2025-01-11" }, "from: must not be after to"],
    ["an unknown field", { uid: "someone-else" }, "uid"],
    ["a number for the cursor", { cursor: 7 }, "cursor: must be the nextCursor of the previous page"],
    ["a cursor that is not one", { cursor: "not-a-cursor" }, "cursor: is not a cursor from this list"],
  ])("refuses %s with invalid-argument and a sentence", async (_name, data, message) => {
    const { main } = await seeded;
    const result = await activity(main.uid, data);
    expect(result).toMatchObject({ refused: "invalid-argument", message: expect.stringContaining(message) });
  });

  it("refuses a cursor that was edited, reused with other filters or by someone else", async () => {
    const { main, other } = await seeded;
    const cursor = await cursorOf(main.uid);
    const refusal = {
      refused: "invalid-argument",
      message: expect.stringContaining("cursor: is not a cursor from this list"),
    };
    const edited = [
      tamper(cursor, (body) => {
        body[1] = Number(body[1]) - 86_400;
      }),
      tamper(cursor, (body) => {
        body[3] = String(body[3]).replace(main.uid, other.uid);
      }),
      tamper(cursor, (body) => {
        body[4] = "0".repeat(22);
      }),
      tamper(cursor, (body) => {
        body.pop();
      }),
      cursor.slice(0, -3),
    ];
    for (const bad of edited) expect(await activity(main.uid, { cursor: bad })).toMatchObject(refusal);
    expect(await activity(main.uid, { cursor, currency: "KES" })).toMatchObject(refusal);
    expect(await activity(other.uid, { cursor })).toMatchObject(refusal);
    // The page size is not part of a cursor's scope: the next page may be larger.
    expect((await page(main.uid, { cursor, pageSize: 20 })).lines).toHaveLength(20);
  });

  it("getWallet takes no fields", async () => {
    expect(await wallet(`wallet-read-${randomUUID()}`, { currency: "KES" })).toMatchObject({
      refused: "invalid-argument",
      message: expect.stringContaining("currency"),
    });
  });
});

describe("over HTTP", () => {
  it("getWallet and listWalletActivity answer a signed-in user with their own wallet", async () => {
    const user = await signUpAnonymous();
    const entryId = `topup:${randomUUID()}`;
    await postEntry(db, {
      id: entryId,
      kind: "topup",
      postings: [debit(accounts.clearing("mpesa", "KES"), 250_00), credit(accounts.wallet(user.uid, "KES"), 250_00)],
    });
    expect(await call("getWallet", {}, { user })).toEqual({
      ok: true,
      result: {
        wallets: [{ currency: "KES", balance: 250_00, held: 0, available: 250_00 }],
        points: { balance: 0, held: 0, available: 0 },
        pin: { set: false, lockedUntil: null },
        twoFactor: { enabled: false, enrolledAt: null, recoveryCodesLeft: 0 },
      },
    });
    expect(await call("listWalletActivity", { pageSize: 5 }, { user })).toMatchObject({
      ok: true,
      result: {
        lines: [
          {
            id: `wallet:${user.uid}:KES/${entryId}`,
            entryId,
            kind: "topup",
            stage: "post",
            side: "credit",
            amount: 250_00,
            currency: "KES",
            balanceAfter: 250_00,
          },
        ],
        nextCursor: null,
      },
    });
  });
});
