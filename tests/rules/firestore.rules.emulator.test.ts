/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment --
   RulesTestContext.firestore() is typed as the compat Firestore; the modular functions accept it
   (the documented usage of @firebase/rules-unit-testing v5), which this rule cannot see. */
// Security rules, evaluated by the Firestore emulator: who may do what, per collection.
import { readFileSync } from "node:fs";
import path from "node:path";

import {
  assertFails,
  assertSucceeds,
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

const OWNER = `alice-${Date.now()}`;
const OTHER = "bob";
// Documents are seeded per run so parallel test files never share them.
const run = `rules-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

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
    await setDoc(doc(firestore, `users/${OWNER}`), { uid: OWNER, displayName: "Alice" });
    await setDoc(doc(firestore, `payments/${run}`), { uid: OWNER, amount: 10_000, currency: "KES", status: "pending" });
    await setDoc(doc(firestore, `payments/${run}/events/e1`), { uid: OWNER, type: "created" });
    await setDoc(doc(firestore, `mail/${run}`), { uid: OWNER, to: "a@example.com" });
    await setDoc(doc(firestore, `paymentCodes/${run}`), { uid: OWNER, hash: "x" });
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

type Operation = "get" | "list (constrained to the owner)" | "list (unconstrained)" | "create" | "update" | "delete";
const operations: Record<Operation, (context: RulesTestContext, docPath: string) => Promise<unknown>> = {
  get: (context, docPath) => getDoc(doc(context.firestore(), docPath)),
  "list (constrained to the owner)": (context, docPath) =>
    getDocs(
      query(collection(context.firestore(), docPath.slice(0, docPath.lastIndexOf("/"))), where("uid", "==", OWNER)),
    ),
  "list (unconstrained)": (context, docPath) =>
    getDocs(collection(context.firestore(), docPath.slice(0, docPath.lastIndexOf("/")))),
  create: (context, docPath) => setDoc(doc(context.firestore(), `${docPath}-new`), { uid: OWNER, amount: 1 }),
  update: (context, docPath) => updateDoc(doc(context.firestore(), docPath), { status: "succeeded" }),
  delete: (context, docPath) => deleteDoc(doc(context.firestore(), docPath)),
};

// The table reads as the access model: what each role may do; everything else is denied.
const allowed: Record<string, Partial<Record<Who, Operation[]>>> = {
  [`payments/${run}`]: { owner: ["get", "list (constrained to the owner)"] },
  [`payments/${run}/events/e1`]: {},
  [`users/${OWNER}`]: {},
  [`mail/${run}`]: {},
  [`paymentCodes/${run}`]: {},
  "system/health": {},
};

describe("firestore.rules", () => {
  for (const [docPath, grants] of Object.entries(allowed)) {
    for (const who of Object.keys(clients) as Who[]) {
      for (const [operation, attempt] of Object.entries(operations) as [Operation, (typeof operations)[Operation]][]) {
        const permitted = grants[who]?.includes(operation) ?? false;
        it(`${docPath.split("/").slice(0, -1).join("/") || docPath}: ${who} ${permitted ? "may" : "may not"} ${operation}`, async () => {
          if (permitted) await assertSucceeds(attempt(clients[who](), docPath));
          else await assertFails(attempt(clients[who](), docPath));
        });
      }
    }
  }
});
