import { defineConfig } from "vitest/config";

// Three projects, run in this order by `npm test` (tools/run.ts):
//   unit      pure logic, no emulators
//   emulator  *.emulator.test.ts, inside `firebase emulators:exec`
//   e2e       the local platform as a person uses it: `npm start` and headless Chromium
export default defineConfig({
  test: {
    // Emulator test files spend their time waiting on the emulators, not computing, so three run
    // at once even on two cores (vitest's default there is one: cores - 1). Each file works on
    // its own users, payments and ids, and the jobs it runs are scoped to them. (vitest reads
    // this option at the root only; the e2e project turns file parallelism off.)
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: "unit",
          include: ["{tools,functions/src,hosting/src,tests,bench}/**/*.test.ts"],
          exclude: ["**/*.emulator.test.ts", "tests/e2e/**", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "emulator",
          include: ["**/*.emulator.test.ts"],
          exclude: ["**/node_modules/**"],
          // A guard against hangs, not a speed limit: CI may be a loaded 2-core machine, and
          // the tests wait for conditions rather than for time.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
