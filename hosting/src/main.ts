// The status page: signs the visitor in anonymously (every later record needs an owner uid) and
// shows what the `health` function reports. Served from the Hosting emulator it talks to the
// Auth emulator; deployed it uses the project's own configuration from /__/firebase/init.json.
import { initializeApp, type FirebaseOptions } from "firebase/app";
import { connectAuthEmulator, getAuth, signInAnonymously } from "firebase/auth";

import { readHealth } from "./health";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page is missing #${id}`);
  return found;
}

function showProblem(message: string): void {
  const problem = element("problem");
  problem.textContent = message;
  problem.hidden = false;
}

async function firebaseOptions(): Promise<FirebaseOptions> {
  const response = await fetch("/__/firebase/init.json");
  if (!response.ok) throw new Error(`Firebase configuration unavailable (HTTP ${response.status})`);
  return (await response.json()) as FirebaseOptions;
}

async function signIn(): Promise<void> {
  const auth = getAuth(initializeApp(await firebaseOptions()));
  if (LOCAL_HOSTS.has(location.hostname)) {
    connectAuthEmulator(auth, __MALIPO_EMULATORS__.auth, { disableWarnings: true });
  }
  const { user } = await signInAnonymously(auth);
  element("session").textContent = `anonymous visitor ${user.uid}`;
}

async function showHealth(): Promise<void> {
  const status = element("health-status");
  const report = await readHealth(fetch);
  status.textContent = report.ok ? "ok" : "unavailable";
  status.dataset.state = report.ok ? "ok" : "unavailable";
  element("health-firestore").textContent = report.firestore;
  element("health-version").textContent = report.version;
  if (!report.ok) showProblem("The platform is not healthy right now; payments may be delayed.");
}

const results = await Promise.allSettled([signIn(), showHealth()]);
for (const result of results) {
  if (result.status === "rejected") {
    showProblem(result.reason instanceof Error ? result.reason.message : String(result.reason));
  }
}
if (results[1].status === "rejected") {
  const status = element("health-status");
  status.textContent = "unavailable";
  status.dataset.state = "unavailable";
}
