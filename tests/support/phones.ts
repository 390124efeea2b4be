// Kenyan test numbers that no two emulator tests share.
//
// The Daraja simulator decides a payment's outcome by the number's last four digits, which
// leaves four digits (10,000 numbers) per outcome. Drawn at random, two of the suite's numbers
// for the same outcome met often enough to fail a test that counts the pushes one number
// received. So every emulator test file owns a block of the 10,000, found from its place among
// the suite's files, and hands its numbers out in turn; no file can meet another's numbers,
// and a file never repeats one.
import { randomInt } from "node:crypto";
import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import { expect } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SKIPPED = new Set(["node_modules", ".git", "lib", "dist", ".firebase"]);
const MIDDLES = 10_000;

function emulatorTestFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIPPED.has(entry.name) ? [] : emulatorTestFiles(join(dir, entry.name));
    return entry.name.endsWith(".emulator.test.ts") ? [relative(ROOT, join(dir, entry.name))] : [];
  });
}

interface Block {
  readonly start: number;
  readonly size: number;
}

let block: Block | undefined;
const issued = new Map<string, number>();
const firstOffsets = new Map<string, number>();

function ownBlock(): Block {
  if (block) return block;
  const files = emulatorTestFiles().sort();
  const testPath = expect.getState().testPath;
  const index = testPath ? files.indexOf(relative(ROOT, testPath)) : -1;
  // A file outside the emulator suite (unit, e2e) shares no simulator with it: any number will do.
  const size = index < 0 ? MIDDLES : Math.floor(MIDDLES / files.length);
  block = { start: index < 0 ? 0 : index * size, size };
  return block;
}

/** The four middle digits of this file's next number ending in `suffix`. */
export function nextMiddle(suffix: string): string {
  const { start, size } = ownBlock();
  const count = issued.get(suffix) ?? 0;
  if (count >= size)
    throw new Error(`kenyanPhone: this test file has used all ${size} of its numbers ending ${suffix}`);
  issued.set(suffix, count + 1);
  const first = firstOffsets.get(suffix) ?? randomInt(0, size);
  firstOffsets.set(suffix, first);
  return String(start + ((first + count) % size)).padStart(4, "0");
}
