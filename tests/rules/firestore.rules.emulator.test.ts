/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   RulesTestContext.firestore() is typed as the compat Firestore; the modular functions accept it
   (the documented usage of @firebase/rules-unit-testing v5), which this rule cannot see. */
// Security rules, evaluated by the Firestore emulator. Until collections open up, every client
// (signed out, the owner of a document, another user) is denied every operation.
import { readFileSync } from "node:fs";
import path from "node:path";

import {
  assertFails,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from "@firebase/rules-unit-testing";
import {
  collection,
  deleteDoc,
  doc,
  getDoc,
  getDocs,
  query,
  setDoc,
  setLogLevel,
  updateDoc,
  where,
} from "firebase/firestore";
import { afterAll, beforeAll, describe, it } from "vitest";

import { ROOT } from "../../tools/emulators/environment.ts";
import { PROJECT_ID } from "../support/emulators.ts";

const OWNER = "alice";
const OTHER = "bob";
// Documents are seeded per run so parallel test files never share them.
const run = `rules-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
const paths = {
  users: `users/${OWNER}`,
  payments: `payments/${run}`,
  system: "system/health",
};

let env: RulesTestEnvironment;

beforeAll(async () => {
  // Every denial is also logged by the SDK; the assertions below are what matter.
  setLogLevel("silent");
  env = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { rules: readFileSync(path.join(ROOT, "firestore.rules"), "utf8") },
  });
  await env.withSecurityRulesDisabled(async (context) => {
    const firestore = context.firestore();
    await setDoc(doc(firestore, paths.users), { uid: OWNER, displayName: "Alice" });
    await setDoc(doc(firestore, paths.payments), { uid: OWNER, amount: 10_000, currency: "KES", status: "pending" });
  });
});

afterAll(async () => {
  await env.cleanup();
});

type Who = "unauthenticated" | "owner" | "other user";
const clients: Record<Who, () => RulesTestContext> = {
  unauthenticated: () => env.unauthenticatedContext(),
  owner: () => env.authenticatedContext(OWNER),
  "other user": () => env.authenticatedContext(OTHER),
};

const operations = {
  get: (context: RulesTestContext, docPath: string) => getDoc(doc(context.firestore(), docPath)),
  "list (constrained to the owner)": (context: RulesTestContext, docPath: string) =>
    getDocs(query(collection(context.firestore(), docPath.split("/")[0]!), where("uid", "==", OWNER))),
  "list (unconstrained)": (context: RulesTestContext, docPath: string) =>
    getDocs(collection(context.firestore(), docPath.split("/")[0]!)),
  create: (context: RulesTestContext, docPath: string) =>
    setDoc(doc(context.firestore(), `${docPath}-new`), { uid: OWNER, amount: 1 }),
  update: (context: RulesTestContext, docPath: string) => updateDoc(doc(context.firestore(), docPath), { amount: 1 }),
  delete: (context: RulesTestContext, docPath: string) => deleteDoc(doc(context.firestore(), docPath)),
};

describe("firestore.rules: deny by default", () => {
  for (const [collectionName, docPath] of Object.entries(paths)) {
    for (const who of Object.keys(clients) as Who[]) {
      for (const [operation, attempt] of Object.entries(operations)) {
        it(`${collectionName}: ${who} cannot ${operation}`, async () => {
          await assertFails(attempt(clients[who](), docPath));
        });
      }
    }
  }
});
