// The join page: signs the visitor in anonymously (every record needs an owner uid), runs the
// contest entry flow (pay.ts), and shows the platform's health in the footer.
import { element } from "./dom";
import { connect, signIn } from "./firebase";
import { readHealth } from "./health";
import { startOperatorSignIn } from "./operator";
import { startCheckout } from "./pay";
import { startMyEntries, startPublicResults } from "./results";

function showProblem(message: string): void {
  const problem = element("problem");
  problem.textContent = message;
  problem.hidden = false;
}

async function showHealth(): Promise<void> {
  const status = element("health-status");
  try {
    const report = await readHealth(fetch);
    status.textContent = report.ok ? "ok" : "unavailable";
    status.dataset.state = report.ok ? "ok" : "unavailable";
    element("health-firestore").textContent = report.firestore;
    element("health-version").textContent = report.version;
    if (!report.ok) showProblem("The platform is not healthy right now; payments may be delayed.");
  } catch (error) {
    status.textContent = "unavailable";
    status.dataset.state = "unavailable";
    showProblem(error instanceof Error ? error.message : String(error));
  }
}

async function startSession(): Promise<void> {
  try {
    const client = await connect();
    const user = await signIn(client);
    element("session").textContent = `anonymous visitor ${user.uid}`;
    startCheckout(client, user.uid);
    startPublicResults(client);
    startMyEntries(client, user.uid);
    startOperatorSignIn(client);
  } catch (error) {
    showProblem(`We could not start a secure session: ${error instanceof Error ? error.message : String(error)}`);
  }
}

await Promise.all([showHealth(), startSession()]);
