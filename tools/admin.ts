// Operator roles: the `admin` custom claim that firestore.rules' isAdmin() reads.
//
//   npm run admin -- grant <email>                    against the running emulators (npm start)
//   npm run admin -- revoke <email>
//   npm run admin -- grant <email> --project <id>     against a real project, with Application
//                                                     Default Credentials (gcloud auth
//                                                     application-default login)
//
//   npm run admin -- judge <email> <competitionId>    appoints a judge of one competition (the
//   npm run admin -- unjudge <email> <competitionId>  membership document
//                                                     competitions/{id}/judges/{uid}; see
//                                                     docs/contests.md), or removes them
//   npm run admin -- publish-results <competitionId>  publishes a competition's results once
//                                                     its judging has closed (the same code as
//                                                     the publishResults callable)
//
// Every change (and every publication, even a repeat) is recorded in adminAudit/{id}: who ran it,
// on which account or competition, when.
//
//   npm run admin -- analytics rebuild <date>        operations commands (tools/admin-operations.ts)
//   npm run admin -- run-schedule <name>
import { userInfo } from "node:os";
import { fileURLToPath } from "node:url";

import { deleteApp, initializeApp, type App } from "firebase-admin/app";
import { getAuth, type Auth } from "firebase-admin/auth";
import { FieldValue, getFirestore } from "firebase-admin/firestore";

import { AppError } from "../functions/src/core/errors.ts";
import { COMPETITIONS, judgeRef } from "../functions/src/entries/competitions.ts";
import { publishCompetitionResults } from "../functions/src/entries/results.ts";
import { ADMIN_AUDIT } from "../functions/src/operations/admin-audit.ts";
import { EMULATOR_PROJECT, emulatorListens, LaunchError } from "./emulators/environment.ts";

export const USAGE =
  "usage: npm run admin -- grant|revoke <email> [--project <project-id>], judge|unjudge <email> <competitionId> [--project <project-id>], or publish-results <competitionId> [--project <project-id>]";

export interface AdminCommand {
  readonly action: "grant" | "revoke" | "judge" | "unjudge" | "publish-results";
  /** The account; empty for publish-results, which is about a competition. */
  readonly email: string;
  /** The competition a judge is appointed to or removed from (judge and unjudge only). */
  readonly competitionId?: string | undefined;
  /** A real project; absent means the local emulators. */
  readonly project?: string | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COMPETITION_ID = /^[A-Za-z0-9_-]{1,100}$/;

export function parseAdminArgs(argv: readonly string[]): AdminCommand {
  const args = [...argv];
  let project: string | undefined;
  const flag = args.indexOf("--project");
  if (flag !== -1) {
    project = args[flag + 1];
    if (!project || project.startsWith("-")) throw new LaunchError(`--project needs a project id. ${USAGE}`);
    args.splice(flag, 2);
  }
  const [action, email, ...rest] = args;
  if (action === "publish-results") {
    const competitionId = email;
    if (!competitionId || !COMPETITION_ID.test(competitionId)) {
      throw new LaunchError(`publish-results needs the competition's id (competitions/{id}). ${USAGE}`);
    }
    if (rest.length > 0) throw new LaunchError(`unexpected arguments: ${rest.join(" ")}. ${USAGE}`);
    return { action, email: "", competitionId, project };
  }
  if (action !== "grant" && action !== "revoke" && action !== "judge" && action !== "unjudge") {
    throw new LaunchError(USAGE);
  }
  if (!email || !EMAIL.test(email)) throw new LaunchError(`"${email ?? ""}" is not an email address. ${USAGE}`);
  if (action === "judge" || action === "unjudge") {
    const [competitionId, ...extra] = rest;
    if (!competitionId || !COMPETITION_ID.test(competitionId)) {
      throw new LaunchError(`${action} needs the competition's id (competitions/{id}). ${USAGE}`);
    }
    if (extra.length > 0) throw new LaunchError(`unexpected arguments: ${extra.join(" ")}. ${USAGE}`);
    return { action, email: email.toLowerCase(), competitionId, project };
  }
  if (rest.length > 0) throw new LaunchError(`unexpected arguments: ${rest.join(" ")}. ${USAGE}`);
  return { action, email: email.toLowerCase(), project };
}

function emulatorHosts(): { auth: string; firestore: string } {
  const { auth, firestore } = emulatorListens();
  if (!auth || !firestore) throw new LaunchError("firebase.json configures no Auth or Firestore emulator.");
  return { auth: `${auth.host}:${auth.port}`, firestore: `${firestore.host}:${firestore.port}` };
}

/** The Admin SDK pointed at the emulators (checked to be running) or at a real project. */
export async function adminApp(project: string | undefined): Promise<{ app: App; target: string }> {
  if (project) {
    delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
    delete process.env.FIRESTORE_EMULATOR_HOST;
    return { app: initializeApp({ projectId: project }, `admin-${project}`), target: `project ${project}` };
  }
  const hosts = emulatorHosts();
  process.env.FIREBASE_AUTH_EMULATOR_HOST ??= hosts.auth;
  process.env.FIRESTORE_EMULATOR_HOST ??= hosts.firestore;
  const auth = process.env.FIREBASE_AUTH_EMULATOR_HOST;
  const running = await fetch(`http://${auth}/`).then(
    (response) => response.ok,
    () => false,
  );
  if (!running) {
    throw new LaunchError(
      `The Auth emulator is not running at ${auth}: start it with \`npm start\`, or pass --project <id> for a real project.`,
    );
  }
  return {
    app: initializeApp({ projectId: EMULATOR_PROJECT }, `admin-${EMULATOR_PROJECT}`),
    target: `the emulators (${EMULATOR_PROJECT})`,
  };
}

async function userByEmail(auth: Auth, email: string, target: string) {
  try {
    return await auth.getUserByEmail(email);
  } catch (error) {
    if ((error as { code?: string }).code === "auth/user-not-found") {
      throw new LaunchError(`No user with email ${email} in ${target}: they must sign up (or be created) first.`);
    }
    throw error;
  }
}

/** Sets or clears the claim, keeping the user's other claims. Returns the line to print. */
export async function changeRole(app: App, target: string, command: AdminCommand): Promise<string> {
  const auth = getAuth(app);
  const user = await userByEmail(auth, command.email, target);
  const claims: Record<string, unknown> = { ...user.customClaims };
  const wasAdmin = claims.admin === true;
  if (command.action === "grant") claims.admin = true;
  else delete claims.admin;
  await auth.setCustomUserClaims(user.uid, claims);
  // A revoked admin's refresh tokens stop working; their current ID token lapses within the hour.
  if (command.action === "revoke" && wasAdmin) await auth.revokeRefreshTokens(user.uid);
  await ADMIN_AUDIT.ref(getFirestore(app)).add({
    action: command.action,
    uid: user.uid,
    email: command.email,
    changed: wasAdmin !== (command.action === "grant"),
    by: `${userInfo().username} (npm run admin)`,
    at: FieldValue.serverTimestamp(),
  });
  if (command.action === "grant") {
    return wasAdmin
      ? `${command.email} (${user.uid}) was already an admin in ${target}.`
      : `${command.email} (${user.uid}) is now an admin in ${target}. They get admin access when they next sign in.`;
  }
  return wasAdmin
    ? `${command.email} (${user.uid}) is no longer an admin in ${target}; their sessions were revoked.`
    : `${command.email} (${user.uid}) was not an admin in ${target}; nothing changed.`;
}

/**
 * Appoints or removes a judge of one competition: the membership document the rules read. The
 * competition must exist, so a mistyped id appoints nobody. Returns the line to print.
 */
export async function changeJudge(app: App, target: string, command: AdminCommand): Promise<string> {
  const competitionId = command.competitionId ?? "";
  const db = getFirestore(app);
  const user = await userByEmail(getAuth(app), command.email, target);
  const competition = (await COMPETITIONS.ref(db).doc(competitionId).get()).data();
  if (!competition) throw new LaunchError(`No competition ${competitionId} in ${target}.`);
  const ref = judgeRef(db, competitionId, user.uid);
  const wasJudge = (await ref.get()).exists;
  if (command.action === "judge") {
    await ref.set({
      uid: user.uid,
      email: command.email,
      appointedAt: FieldValue.serverTimestamp(),
      appointedBy: `${userInfo().username} (npm run admin)`,
    });
  } else {
    await ref.delete();
  }
  await ADMIN_AUDIT.ref(db).add({
    action: command.action,
    uid: user.uid,
    email: command.email,
    competitionId,
    changed: wasJudge !== (command.action === "judge"),
    by: `${userInfo().username} (npm run admin)`,
    at: FieldValue.serverTimestamp(),
  });
  const { name } = competition;
  if (command.action === "judge") {
    return `${command.email} (${user.uid}) ${wasJudge ? "was already" : "is now"} a judge of ${name} in ${target}.`;
  }
  return wasJudge
    ? `${command.email} (${user.uid}) is no longer a judge of ${name} in ${target}.`
    : `${command.email} (${user.uid}) was not a judge of ${name} in ${target}; nothing changed.`;
}

/**
 * Publishes a competition's results with the Admin SDK, through the same code as the publishResults
 * callable (entries/results.ts), and returns the lines to print: the ranking per category.
 */
export async function publishResults(app: App, target: string, command: AdminCommand): Promise<string> {
  const competitionId = command.competitionId ?? "";
  let results;
  try {
    results = await publishCompetitionResults(
      getFirestore(app),
      competitionId,
      { by: `${userInfo().username} (npm run admin)` },
      Date.now(),
    );
  } catch (error) {
    // The same sentences the callable answers, without the field name's prefix.
    if (error instanceof AppError) throw new LaunchError(error.message.replace(/^competitionId: /, ""));
    throw error;
  }
  const lines = [
    results.published
      ? `The results of ${results.name} are published in ${target} (${results.resultsPublishedAt}).`
      : `The results of ${results.name} were already published in ${target} (${results.resultsPublishedAt}); nothing changed.`,
    `${results.entries} entries, ${results.scored} scored.`,
  ];
  for (const { category, results: ranked } of results.categories) {
    lines.push(`${category}:`);
    for (const line of ranked) {
      const place = line.rank === null ? "  -" : String(line.rank).padStart(3);
      const average =
        line.average === null
          ? "not scored"
          : `${line.average} (${line.scores} ${line.scores === 1 ? "score" : "scores"})`;
      lines.push(`${place}. ${line.title} · ${average} · ${line.entryId}`);
    }
  }
  return lines.join("\n");
}

async function main(argv: readonly string[]): Promise<void> {
  const operations = await import("./admin-operations.ts");
  if (operations.isOperationsCommand(argv)) {
    console.log(await operations.runOperationsCommand(operations.parseOperationsArgs(argv)));
    return;
  }
  const command = parseAdminArgs(argv);
  const { app, target } = await adminApp(command.project);
  try {
    const judging = command.action === "judge" || command.action === "unjudge";
    if (command.action === "publish-results") console.log(await publishResults(app, target, command));
    else console.log(judging ? await changeJudge(app, target, command) : await changeRole(app, target, command));
  } finally {
    await deleteApp(app);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof LaunchError ? error.message : error);
    process.exit(1);
  });
}
