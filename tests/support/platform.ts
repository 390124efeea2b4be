// The local platform as the browser tests use it: `npm start` run as a person runs it, its output
// collected, headless Chromium pages at phone width (Content-Security-Policy violations recorded),
// and Ctrl-C (SIGINT to the process group) to stop it. The tests read what the platform wrote
// (mail, bills) like a person opening the local Emulator UI: the Admin SDK pointed at its Firestore.
import { spawn } from "node:child_process";
import path from "node:path";

import type { Browser, BrowserContextOptions, Page } from "playwright-core";

import { formatMoney } from "../../functions/src/shared/money.ts";
import { PAYSTACK } from "../../sandbox/src/settings.ts";
import { emulatorListens, ROOT } from "../../tools/emulators/environment.ts";
import { emulatorPortsFree } from "../../tools/emulators/ports.ts";
import { launchChromium } from "./chromium.ts";
import { nigerianPhone, randomIp } from "./client.ts";

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Emulator ports still taken two minutes after npm start ended: none when it stopped properly. */
  readonly portsStillTaken: readonly number[];
}

export interface Platform {
  /** Everything npm start printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the first match in the output; fails if it never comes or npm start ends. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** The page URL npm start prints once everything is up. */
  pageUrl(timeoutMs?: number): Promise<string>;
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Console messages about Content-Security-Policy violations, from every page opened. */
  readonly cspViolations: readonly string[];
  /** Ctrl-C; settles when npm and everything holding its output is gone. */
  stop(): Promise<Exit>;
  /** Closes the browser, then stops the platform; fails if it left emulator ports taken. */
  close(): Promise<void>;
}

function pointAdminSdkAtPlatform(): void {
  const firestore = emulatorListens().firestore;
  if (!firestore) throw new Error("firebase.json configures no Firestore emulator");
  process.env.FIRESTORE_EMULATOR_HOST = `${firestore.host}:${firestore.port}`;
}

export async function isListening(url: string): Promise<boolean> {
  return fetch(url).then(
    () => true,
    () => false,
  );
}

/** Runs `npm start`; call it from beforeAll and `close()` it from afterAll. */
export function startPlatform(): Platform {
  pointAdminSdkAtPlatform();
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // The local scheduler (tools/scheduler.ts) stays off in the browser tests: a re-query or an
    // expiry firing on the clock in the middle of a test would make it depend on the time of day.
    env: { MALIPO_SCHEDULER: "off", ...process.env },
  });
  let output = "";
  let browser: Browser | undefined;
  const cspViolations: string[] = [];
  const exited = new Promise<Pick<Exit, "code" | "signal">>((resolve) => {
    child.on("close", (code, signal) => {
      resolve({ code, signal });
    });
  });
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);

  const waitForOutput = (pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = pattern.exec(output);
        if (match) resolve(match);
        return Boolean(match);
      };
      if (check()) return;
      const timer = setTimeout(() => {
        reject(new Error(`npm start never printed ${pattern}:\n${output}`));
      }, timeoutMs);
      child.stdout.on("data", () => {
        if (check()) clearTimeout(timer);
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`npm start ended (${code ?? signal}) before printing ${pattern}:\n${output}`));
      });
    });

  const stop = (): Promise<Exit> => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, "SIGINT");
      } catch {
        // the group is already gone
      }
    }
    // Stopped means the emulators' ports are free again, for the next test file's platform.
    // Two minutes: the Pub/Sub wrapper alone gives its JVM up to 10 s.
    return exited.then(async (exit) => ({
      ...exit,
      portsStillTaken: (await emulatorPortsFree(120_000)).map(({ port }) => port),
    }));
  };

  return {
    output: () => output,
    waitForOutput,
    async pageUrl(timeoutMs = 180_000) {
      const [, url = ""] = await waitForOutput(/Malipo is running[\s\S]*?Page\s+(http:\/\/\S+)/, timeoutMs);
      return url;
    },
    async newPage(options = {}) {
      browser ??= await launchChromium();
      // A context of its own (one visitor), so a test can open a second tab of the same visitor
      // with page.context().newPage(); every tab's CSP reports are collected.
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, ...options });
      context.on("page", (page) => {
        page.on("console", (message) => {
          if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
        });
      });
      return context.newPage();
    },
    cspViolations,
    stop,
    async close() {
      await browser?.close();
      const { portsStillTaken } = await stop();
      if (portsStillTaken.length > 0) {
        throw new Error(`npm start ended but left ports ${portsStillTaken.join(", ")} taken:\n${output}`);
      }
    },
  };
}

/**
 * Gives the page's calls to the functions a client address of its own, as Cloud Functions' front
 * end would for a different visitor (the X-Forwarded-For the emulator tests send too). Every page
 * of this file is on one machine, and the per-address limits (5 createPayment calls in 15
 * minutes) are the suite's whole budget otherwise: a page that starts payments beyond the first
 * five would be refused for a reason that is not the one it tests.
 */
export async function asOwnClient(page: Page): Promise<void> {
  const functions = emulatorListens().functions;
  if (!functions) throw new Error("firebase.json configures no Functions emulator");
  const ip = randomIp();
  await page.route(
    (url) => url.host === `${functions.host}:${functions.port}`,
    (route) => route.continue({ headers: { ...route.request().headers(), "x-forwarded-for": ip } }),
  );
}

/**
 * On the wallet page: tops up `naira` through Paystack's simulated hosted checkout (a Nigerian
 * number, the email Paystack needs, Pay on the checkout page) and waits, back on the wallet page,
 * for the payment to succeed and the NGN balance to show it.
 */
export async function topUpNgnThroughPaystack(page: Page, naira: number): Promise<void> {
  await page.locator('#balances[data-state="loaded"]').waitFor({ timeout: 30_000 });
  await page.locator("#topup:not([disabled])").waitFor({ timeout: 30_000 });
  await page.fill("#topup-phone", nigerianPhone());
  // The number names Nigeria: the page asks for the email Paystack needs.
  await page.locator("#topup-email").waitFor({ state: "visible", timeout: 15_000 });
  if ((await page.locator("#topup-currency").textContent()) !== "NGN") throw new Error("the top-up is not in NGN");
  await page.fill("#topup-email", "ada@example.ng");
  await page.fill("#topup-amount", String(naira));
  await page.click("#topup");
  await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${PAYSTACK.port}/checkout/`), { timeout: 30_000 });
  const shown = await page.locator("#amount").textContent();
  if (shown !== `NGN ${naira}.00`) throw new Error(`the checkout page asks for ${shown ?? "nothing"}`);
  await page.screenshot({ path: path.join(ROOT, "test-results", "paystack-checkout.png"), fullPage: true });
  await page.click("#pay");
  // Back on the wallet page with ?reference=: it shows what the payment document says, live.
  await page.waitForURL(/\/wallet\.html\?/, { timeout: 30_000 });
  await page.locator('#topup-status[data-status="succeeded"]').waitFor({ timeout: 30_000 });
  await page
    .locator('#wallets li[data-currency="NGN"] .balance', { hasText: formatMoney(naira * 100, "NGN") })
    .waitFor({ timeout: 30_000 });
}
