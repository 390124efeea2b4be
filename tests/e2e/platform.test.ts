// `npm start` as a person uses it: the command brings the platform up and prints the page URL;
// headless Chromium opens it, the page signs in anonymously and shows `ok` from `health`, pays,
// and tops up on the wallet page; on the bills page a visitor buys a prepaid electricity token
// with their PIN; on the wallet page a visitor withdraws part of a KES top-up to the number it
// came from; on the checkout page a visitor buys two products and sees the paid order
// with its invoice number; on the judges' page a judge scores an entry and edits the score, and
// once judging closes and the results are published the entrant sees their rank; the till sells
// offline in two tabs and through a reload, then syncs every sale exactly once; Ctrl-C (SIGINT
// to the process group) shuts everything down cleanly. One platform serves every test: starting
// one takes half a minute.
import { mkdirSync } from "node:fs";
import path from "node:path";

import { Timestamp } from "firebase-admin/firestore";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { BILLS } from "../../functions/src/bills/collections.ts";
import { MAIL } from "../../functions/src/notifications/send.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";
import { ROOT } from "../../tools/emulators/environment.ts";
import { kenyanPhone, REGION } from "../support/client.ts";
import { accountUid, keepWalletByEmail, signInByEmail } from "../support/accounts-page.ts";
import { seedAnalytics, seedReport, signInToConsole, visitorListStatuses } from "../support/console-page.ts";
import { adminDb, eventually } from "../support/firestore.ts";
import { openInvoiceLink } from "../support/checkout-page.ts";
import { uuidV7 } from "../support/pos.ts";
import {
  addProduct,
  openStore,
  productButton,
  receiveStock,
  sellForCash,
  unlockTill,
  waitForPending,
} from "../support/pos-page.ts";
import { judgeAccount, signInAsJudge, visitorUid } from "../support/judging-page.ts";
import { adminCli, judgedCompetition, seedEntry, seedScores } from "../support/judging.ts";
import {
  asOwnClient,
  isListening,
  startPlatform,
  topUpNgnThroughPaystack,
  type Platform,
} from "../support/platform.ts";
import { enrolTwoFactor, nextCode, topUpKes } from "../support/totp-page.ts";

let platform: Platform;

beforeAll(() => {
  platform = startPlatform();
});

afterAll(async () => {
  await platform.close();
});

describe("npm start", () => {
  let pageUrl: string;

  it("starts the emulators and prints the page URL", async () => {
    pageUrl = await platform.pageUrl();
    expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const output = platform.output();
    expect(output).toContain("Firestore Emulator was started");
    expect(output).toContain("Pub/Sub Emulator logging to pubsub-debug.log");
    expect(output).toContain(`functions[${REGION}-health]: http function initialized`);
  });

  it("serves a page that signs in anonymously and shows ok from health", async () => {
    const page = await platform.newPage();
    await page.goto(pageUrl);
    const status = page.locator('#health-status[data-state="ok"]');
    await status.waitFor({ timeout: 30_000 });
    expect(await status.textContent()).toBe("ok");
    await page.locator("#session", { hasText: "anonymous visitor" }).waitFor({ timeout: 30_000 });
    expect(await page.locator("#health-firestore").textContent()).toBe("ok");
    expect(await page.locator("#problem").isHidden()).toBe(true);
    const shots = path.join(ROOT, "test-results");
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, "status-page.png"), fullPage: true });
  });

  async function payOnPage(page: Page, phone: string): Promise<string> {
    await page.goto(pageUrl);
    // The button waits for the open competitions: the fee shown is the server's.
    await page.locator("#pay:not([disabled])").waitFor({ timeout: 30_000 });
    expect(await page.locator("#competition option:checked").textContent()).toBe("Kenya Sings 2026");
    expect(await page.locator("#fee").textContent()).toBe("Entry fee: KES 500.00");
    await page.fill("#name", "Achieng Otieno");
    await page.fill("#email", "achieng@example.com");
    await page.fill("#phone", phone);
    await page.click("#pay");
    await page.locator("#payment[data-payment-id]").waitFor({ timeout: 30_000 });
    return (await page.locator("#payment").getAttribute("data-payment-id")) ?? "";
  }

  it("enters a competition: pays the fee, reloads mid-way, confirms the code and submits the entry", async () => {
    const page = await platform.newPage();
    const paymentId = await payOnPage(page, kenyanPhone("0000"));
    expect(new URL(page.url()).searchParams.get("payment")).toBe(paymentId);
    await page.locator('#payment-status[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#payment-status").textContent()).toBe("succeeded");
    await page.locator('#payment[data-step="code"]').waitFor({ timeout: 15_000 });

    // A reload resumes at the code step.
    await page.reload();
    await page.locator('#payment[data-step="code"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#code-form").isVisible()).toBe(true);
    expect(await page.locator("#pay-form").isHidden()).toBe(true);

    const mails = await eventually(
      async () => (await adminDb().collection("mail").where("paymentId", "==", paymentId).get()).docs,
      (docs) => docs.some((doc) => doc.get("kind") === "verification-code"),
    );
    const mail = mails.find((doc) => doc.get("kind") === "verification-code");
    const subject = mail?.get("message.subject") as string;
    const code = /(\d{6})$/.exec(subject)?.[1] ?? "";
    // The email's link opens the page at this payment; here in a new tab of the same browser.
    expect(mail?.get("message.text")).toContain(`/?payment=${paymentId}`);
    const tab = await page.context().newPage();
    await tab.goto(`${pageUrl}?payment=${paymentId}`);
    await tab.locator('#payment[data-step="code"]').waitFor({ timeout: 30_000 });
    await tab.fill("#code", code);
    await tab.click("#verify");
    await tab.locator('#payment[data-step="entry"]').waitFor({ timeout: 15_000 });
    expect(await tab.locator("#verified").textContent()).toContain("Verified");

    // The first tab follows live; after another reload it is still at the entry step.
    await page.locator('#payment[data-step="entry"]').waitFor({ timeout: 15_000 });
    await page.reload();
    await page.locator("#entry-form:not([hidden])").waitFor({ timeout: 30_000 });
    expect(await page.locator("#category option").allTextContents()).toEqual(["Solo", "Group", "Gospel"]);
    await page.selectOption("#category", "Gospel");
    await page.fill("#title", "Sauti ya Moyo");
    await page.fill("#link", "http://videos.example.com/sauti");
    await page.fill("#description", "An original song, recorded live.");
    await page.click("#submit-entry");
    await page.locator("#entry-error").waitFor({ state: "visible", timeout: 15_000 });
    expect(await page.locator("#entry-error").textContent()).toContain("https://");
    await page.fill("#link", "https://videos.example.com/sauti");
    await page.click("#submit-entry");
    await page.locator('#payment[data-step="done"]').waitFor({ timeout: 15_000 });
    expect(await page.locator("#entered").textContent()).toContain("Your entry is in");
    await tab.locator('#payment[data-step="done"]').waitFor({ timeout: 15_000 });

    const entry = (await adminDb().collection("entries").doc(paymentId).get()).data();
    expect(entry).toMatchObject({ competitionId: "kenya-sings-2026", category: "Gospel", title: "Sauti ya Moyo" });
    const payment = (await adminDb().collection("payments").doc(paymentId).get()).data();
    expect(payment).toMatchObject({ amount: 500_00, currency: "KES", verified: true });
    await page.screenshot({ path: path.join(ROOT, "test-results", "entry-submitted.png"), fullPage: true });
  });

  it("pays with a number that cancels and shows the cancel message", async () => {
    const page = await platform.newPage();
    await payOnPage(page, kenyanPhone("1032"));
    await page.locator('#payment-status[data-status="cancelled"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#payment-message").textContent()).toBe(
      "You cancelled the M-Pesa prompt. No money was taken.",
    );
    expect(await page.locator("#code-form").isHidden()).toBe(true);
    await page.screenshot({ path: path.join(ROOT, "test-results", "cancelled.png"), fullPage: true });
  });

  it("explains a bad number on the form without charging", async () => {
    const page = await platform.newPage();
    await page.goto(pageUrl);
    await page.locator("#pay:not([disabled])").waitFor({ timeout: 30_000 });
    await page.fill("#name", "Test");
    await page.fill("#email", "t@example.com");
    await page.fill("#phone", "12345");
    await page.click("#pay");
    await page.locator("#form-error").waitFor({ state: "visible", timeout: 15_000 });
    expect(await page.locator("#form-error").textContent()).toContain("phone");
    expect(await page.locator("#payment").isHidden()).toBe(true);
  });

  it("signs in as the seeded admin that npm start printed", async () => {
    const [, email, password] = /Admin\s+(\S+@\S+) \/ (\S+)/.exec(platform.output()) ?? [];
    expect(email).toBeDefined();
    const page = await platform.newPage();
    await page.goto(pageUrl);
    await page.locator("#session", { hasText: "anonymous visitor" }).waitFor({ timeout: 30_000 });
    await page.click("#operator summary");
    await page.fill("#operator-password", "wrong password");
    await page.fill("#operator-email", email!);
    await page.click("#operator-sign-in");
    await page.locator("#operator-error", { hasText: "Wrong email or password." }).waitFor({ timeout: 15_000 });
    await page.fill("#operator-password", password!);
    await page.click("#operator-sign-in");
    await page.locator("#session", { hasText: `operator ${email!} (admin)` }).waitFor({ timeout: 15_000 });
  });

  it("tops up on the wallet page, shows the balance and the line, and keeps them after a reload", async () => {
    const page = await platform.newPage();
    await page.goto(pageUrl);
    await page.click("#wallet-link");
    await page.waitForURL(/\/wallet\.html$/, { timeout: 15_000 });
    const session = page.locator("#session", { hasText: "anonymous visitor" });
    await session.waitFor({ timeout: 30_000 });
    const visitor = await session.textContent();
    await page.locator('#balances[data-state="loaded"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#no-wallets").isVisible()).toBe(true);

    await page.locator("#topup:not([disabled])").waitFor({ timeout: 30_000 });
    await page.fill("#topup-phone", kenyanPhone("0000"));
    await page.fill("#topup-amount", "250");
    await page.click("#topup");
    await page.locator('#topup-status[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    // The credit lands when the settlement trigger has run; the page hears of it by itself.
    const balance = page.locator('#wallets li[data-currency="KES"] .balance', { hasText: "KES 250.00" });
    const line = page.locator('#activity-list li[data-kind="topup"]', { hasText: "+KES 250.00" });
    await balance.waitFor({ timeout: 30_000 });
    await line.waitFor({ timeout: 30_000 });
    expect(await page.locator("#no-wallets").isHidden()).toBe(true);
    await page.screenshot({ path: path.join(ROOT, "test-results", "wallet-topped-up.png"), fullPage: true });

    await page.reload();
    await page.locator("#session", { hasText: visitor ?? "" }).waitFor({ timeout: 30_000 });
    await balance.waitFor({ timeout: 30_000 });
    await line.waitFor({ timeout: 30_000 });
    expect(await page.locator("#activity-list li").count()).toBe(1);
    expect(await page.locator("#problem").isHidden()).toBe(true);

    // The PIN: a weak one is refused with the functions' sentence, a good one is set, and the page
    // (after a reload too) offers to change it instead.
    await page.locator('#pin[data-state="unset"]').waitFor({ timeout: 30_000 });
    await page.locator("#set-pin:not([disabled])").waitFor({ timeout: 30_000 });
    await page.fill("#new-pin", "1234");
    await page.click("#set-pin");
    await page.locator("#pin-error", { hasText: "pin:" }).waitFor({ timeout: 30_000 });
    await page.fill("#new-pin", "4821");
    await page.click("#set-pin");
    await page.locator("#pin-result", { hasText: "Your PIN is set." }).waitFor({ timeout: 30_000 });
    await page.locator('#pin[data-state="set"]').waitFor({ timeout: 30_000 });
    await page.reload();
    await page.locator('#pin[data-state="set"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#set-pin-form").isHidden()).toBe(true);
    expect(await page.locator("#change-pin").isVisible()).toBe(true);
  });

  it("tops up NGN on Paystack's simulated page and shows the NGN balance back on the wallet page", async () => {
    const page = await platform.newPage();
    await page.goto(`${pageUrl}wallet.html`);
    await topUpNgnThroughPaystack(page, 2_500);
    await page.locator('#activity-list li[data-kind="topup"][data-currency="NGN"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(ROOT, "test-results", "wallet-topped-up-ngn.png"), fullPage: true });
  });
});

const FUNDS = 5_000_00;
const PIN = "4821";
const WRONG_PIN = "5902";
/** The VTpass simulator delivers a token for this prepaid meter (sandbox/README.md). */
const METER = "1111111111111";
const EMAIL = "ada@example.com";

async function visitorOn(page: Page): Promise<string> {
  const session = page.locator("#session", { hasText: "anonymous visitor" });
  await session.waitFor({ timeout: 30_000 });
  return (await session.textContent())?.replace("anonymous visitor ", "").trim() ?? "";
}

async function setPin(page: Page): Promise<void> {
  await page.locator('#pin[data-state="unset"]').waitFor({ timeout: 30_000 });
  await page.locator("#set-pin:not([disabled])").waitFor({ timeout: 30_000 });
  await page.fill("#new-pin", PIN);
  await page.click("#set-pin");
  await page.locator("#pin-result", { hasText: "Your PIN is set." }).waitFor({ timeout: 30_000 });
}

// A visitor tops up NGN through Paystack's simulated checkout page, sets their PIN, goes to the
// bills page from the wallet, buys a prepaid electricity token for a simulator meter with the
// PIN, sees the token on screen (and copies it), finds it in the receipt mail and asks for the
// receipt again.
describe("the bills page", () => {
  it("buys a prepaid electricity token with the PIN, shows it, and mails it", async () => {
    const pageUrl = await platform.pageUrl();
    const page = await platform.newPage({ permissions: ["clipboard-read", "clipboard-write"] });
    await page.goto(new URL("wallet.html", pageUrl).href);
    const uid = await visitorOn(page);
    await page.locator('#balances[data-state="loaded"]').waitFor({ timeout: 30_000 });
    await topUpNgnThroughPaystack(page, FUNDS / 100);
    await setPin(page);

    await page.click("#bills-link");
    await page.waitForURL(/\/bills\.html$/, { timeout: 15_000 });
    expect(await visitorOn(page)).toBe(uid);
    await page.locator('#wallet-summary[data-state="loaded"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#bills-balance").textContent()).toBe("NGN 5,000.00");
    expect(await page.locator("#pin-missing").isHidden()).toBe(true);

    await page.click("#category-electricity", { timeout: 30_000 });
    await page.click("#service-ikeja-electric");
    await page.selectOption("#variation", "prepaid");
    await page.fill("#amount", "1000");
    await page.fill("#customer-number", METER);
    await page.click("#check");
    await page.locator("#customer-name").waitFor({ state: "visible", timeout: 30_000 });
    expect((await page.locator("#customer-name").textContent())?.trim()).not.toBe("");
    await page.fill("#phone", "08011111111");
    const quote = page.locator("#quote-total", { hasText: /^NGN 1,000\.00 \+ fee NGN [\d,.]+ = NGN [\d,.]+$/ });
    await quote.waitFor({ timeout: 30_000 });
    expect(await page.locator("#quote-points").textContent()).toMatch(/^Earns (no|\d+) points?$/);
    await page.fill("#pin", PIN);
    await page.fill("#email", EMAIL);
    await page.click("#pay");

    await page.locator('#bill-status[data-status="delivered"]').waitFor({ timeout: 60_000 });
    const billId = (await page.locator("#bill").getAttribute("data-bill-id")) ?? "";
    const tokenLine = page.locator("#delivered-lines li", { hasText: "Token: " });
    const token = /^Token: (\S+)/.exec((await tokenLine.textContent()) ?? "")?.[1] ?? "";
    expect(token).not.toBe("");
    const bill = (await BILLS.ref(adminDb()).doc(billId).get()).data();
    expect(bill).toMatchObject({ uid, serviceId: "ikeja-electric", variationCode: "prepaid", amount: 1_000_00 });
    expect(bill?.delivery?.token).toBe(token);
    expect(await quote.textContent()).toBe(
      `NGN 1,000.00 + fee ${formatMoney(bill!.fee, "NGN")} = ${formatMoney(bill!.total, "NGN")}`,
    );
    const shots = path.join(ROOT, "test-results");
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, "bills-token.png"), fullPage: true });

    await page.click("#copy");
    await page.locator("#copy-result", { hasText: "Copied." }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(token);

    const receipts = async () =>
      (await MAIL.ref(adminDb()).where("uid", "==", uid).get()).docs
        .map((doc) => doc.data())
        .filter((mail) => mail.kind === "bill-receipt");
    const [receipt] = await eventually(receipts, (mails) => mails.length > 0);
    expect(receipt?.to).toBe(EMAIL);
    expect(receipt?.message.text).toContain(token);

    await page.click("#resend");
    await page.locator("#resend-result", { hasText: `Sent to ${EMAIL}.` }).waitFor({ timeout: 30_000 });
    await eventually(receipts, (mails) => mails.length === 2);

    await page
      .locator(`#history-list li[data-bill-id="${billId}"][data-status="delivered"]`, { hasText: token })
      .waitFor({ timeout: 30_000 });
    await page
      .locator("#bills-balance", { hasText: formatMoney(FUNDS - bill!.total, "NGN") })
      .waitFor({ timeout: 30_000 });
  });
});

// A visitor tops up KES from a Kenyan number (the withdraw form offers only numbers topped up
// from), sets their PIN, sees the fee, is refused with a wrong PIN, then withdraws part of the
// balance to that number: the Daraja simulator pays it and posts the B2C result to darajaResult a
// moment later, and the page shows the withdrawal sent, the new balance and the activity line. A
// number ending 2040 is paid from (the STK push succeeds) but cannot take M-Pesa payouts: that
// withdrawal fails and its money is released.
describe("the wallet page's withdraw form", () => {
  /** A new visitor on the wallet page with `shillings` topped up from `phone` and the PIN set. */
  async function fundedVisitor(page: Page, phone: string, shillings: number): Promise<string> {
    // The pages before this one have spent this machine's payment starts (5 in 15 minutes).
    await asOwnClient(page);
    await page.goto(new URL("wallet.html", await platform.pageUrl()).href);
    const uid = await visitorOn(page);
    await page.locator('#balances[data-state="loaded"]').waitFor({ timeout: 30_000 });
    await page.locator('#withdraw[data-state="no-numbers"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#withdraw-no-numbers").textContent()).toContain("Top up from your number first");

    await page.locator("#topup:not([disabled])").waitFor({ timeout: 30_000 });
    await page.fill("#topup-phone", phone);
    await page.fill("#topup-amount", String(shillings));
    await page.click("#topup");
    // A refused top-up names its reason instead of leaving the wait to time out.
    await page
      .locator('#topup-status[data-status="succeeded"], #topup-error:not([hidden])')
      .waitFor({ timeout: 30_000 });
    expect(
      await page.locator("#topup-error").isHidden(),
      (await page.locator("#topup-error").textContent()) ?? "",
    ).toBe(true);
    await page.locator('#topup-status[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    await kesBalance(page)
      .filter({ hasText: formatMoney(shillings * 100, "KES") })
      .waitFor({ timeout: 30_000 });
    await setPin(page);

    // The number just topped up from is now one the visitor may withdraw to.
    await page.locator('#withdraw[data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.locator(`#withdraw-phone option[value="${phone}"]`).waitFor({ state: "attached", timeout: 30_000 });
    await page.locator("#withdraw-pin-missing").waitFor({ state: "hidden", timeout: 30_000 });
    return uid;
  }

  function kesBalance(page: Page) {
    return page.locator('#wallets li[data-currency="KES"] .balance');
  }

  /** Asks the fee for `shillings` to `phone`; answers the total the quote says leaves the wallet. */
  async function checkFee(page: Page, phone: string, shillings: number): Promise<string> {
    await page.selectOption("#withdraw-phone", phone);
    await page.fill("#withdraw-amount", String(shillings));
    await page.click("#withdraw-quote:not([disabled])", { timeout: 30_000 });
    const amount = formatMoney(shillings * 100, "KES").replaceAll(".", "\\.");
    const quoteLine = page.locator("#withdraw-quote-line", {
      hasText: new RegExp(`^You receive ${amount} · fee KES [\\d,.]+ · KES [\\d,.]+ from your wallet$`),
    });
    await quoteLine.waitFor({ timeout: 30_000 });
    return /· (KES [\d,.]+) from your wallet$/.exec((await quoteLine.textContent()) ?? "")?.[1] ?? "";
  }

  /** KES minor units from "KES 1,015.00". */
  const minorOf = (money: string): number => Number(money.replace(/[^\d]/g, ""));

  it("withdraws part of a top-up to the number it came from, after a wrong PIN is refused", async () => {
    const page = await platform.newPage();
    const phone = kenyanPhone("0000");
    const uid = await fundedVisitor(page, phone, 1_000);
    expect(await page.locator("#withdraw-limits").textContent()).toMatch(
      /^KES [\d,.]+ to KES [\d,.]+ at a time, up to KES [\d,.]+ a day\.$/,
    );
    expect(await page.locator("#withdraw-used").textContent()).toMatch(
      /^Used today: KES 0\.00 \(KES [\d,.]+ left\)\.$/,
    );
    const total = await checkFee(page, phone, 300);

    // A wrong PIN is refused with the functions' sentence, and nothing is sent.
    await page.fill("#withdraw-pin", WRONG_PIN);
    await page.click("#withdraw-send");
    const refusal = page.locator("#withdraw-error", { hasText: "that PIN is not right" });
    await refusal.waitFor({ state: "visible", timeout: 30_000 });
    expect(await refusal.textContent()).toMatch(/\.$/);
    expect(await page.locator("#withdrawal").isHidden()).toBe(true);
    expect(await kesBalance(page).textContent()).toBe("KES 1,000.00");

    // The right PIN, pressed again: the same attempt goes through.
    await page.fill("#withdraw-pin", PIN);
    await page.click("#withdraw-send");
    await page.locator("#withdrawal[data-withdrawal-id]").waitFor({ timeout: 30_000 });
    const withdrawalId = (await page.locator("#withdrawal").getAttribute("data-withdrawal-id")) ?? "";
    expect(await page.locator("#withdraw-error").isHidden()).toBe(true);
    expect(await page.locator("#withdrawal-summary").textContent()).toMatch(
      new RegExp(`^KES 300\\.00 to \\${phone} · fee KES [\\d,.]+$`),
    );

    // The simulator's result arrives through darajaResult; the page hears of it by itself.
    await page.locator('#withdrawal-status[data-status="succeeded"]').waitFor({ timeout: 60_000 });
    expect((await page.locator("#withdrawal-message").textContent())?.trim()).not.toBe("");
    expect(await page.locator("#withdrawal-receipt").textContent()).toMatch(/^M-Pesa receipt \S+$/);
    // The rules let the owner read it; the page followed this one.
    expect((await adminDb().collection("withdrawals").doc(withdrawalId).get()).get("uid")).toBe(uid);
    expect(await page.locator("#withdraw-confirm").isHidden()).toBe(true);
    // What left the wallet is the total the quote showed.
    await kesBalance(page)
      .filter({ hasText: formatMoney(1_000_00 - minorOf(total), "KES") })
      .waitFor({ timeout: 30_000 });
    await page
      .locator('#activity-list li[data-kind="withdrawal"]', { hasText: "Withdrawal to M-Pesa (completed)" })
      .filter({ hasText: `−${total}` })
      .waitFor({ timeout: 30_000 });
    await page.locator("#withdraw-used", { hasText: /^Used today: KES 300\.00 / }).waitFor({ timeout: 30_000 });
    const shots = path.join(ROOT, "test-results");
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: path.join(shots, "wallet-withdrawn.png"), fullPage: true });
  });

  it("shows a withdrawal the provider refuses as failed, with its sentence, and the money back", async () => {
    const page = await platform.newPage();
    const phone = kenyanPhone("2040");
    await fundedVisitor(page, phone, 500);
    await checkFee(page, phone, 200);
    await page.fill("#withdraw-pin", PIN);
    await page.click("#withdraw-send");
    await page.locator("#withdrawal[data-withdrawal-id]").waitFor({ timeout: 30_000 });

    await page.locator('#withdrawal-status[data-status="failed"]').waitFor({ timeout: 60_000 });
    const message = (await page.locator("#withdrawal-message").textContent()) ?? "";
    expect(message).toMatch(/\.$/);
    expect(message).not.toContain("Something went wrong");
    expect(await page.locator("#withdrawal-receipt").isHidden()).toBe(true);
    // The hold is released: the balance is whole again, and the form takes a new withdrawal.
    await page
      .locator('#activity-list li[data-kind="withdrawal"]', { hasText: "Withdrawal to M-Pesa (released)" })
      .waitFor({ timeout: 30_000 });
    await kesBalance(page).filter({ hasText: "KES 500.00" }).waitFor({ timeout: 30_000 });
    await page.locator("#withdraw-used", { hasText: /^Used today: KES 0\.00 / }).waitFor({ timeout: 30_000 });
    expect(await page.locator("#withdraw-fields").isDisabled()).toBe(false);
    await page.screenshot({ path: path.join(ROOT, "test-results", "wallet-withdrawal-failed.png"), fullPage: true });
  });
});

describe("the checkout page", () => {
  it("adds two products to the cart, pays from a Kenyan number, shows the paid order with its invoice number, and opens its invoice PDF", async () => {
    const page = await platform.newPage();
    // The pages before this one have spent this machine's payment starts (5 in 15 minutes).
    await asOwnClient(page);
    await page.goto(new URL("checkout.html", await platform.pageUrl()).href);
    await page.locator("#session", { hasText: "anonymous visitor" }).waitFor({ timeout: 30_000 });
    await page.locator('#products[data-state="loaded"]').waitFor({ timeout: 30_000 });
    await page.locator('#cart[data-state="loaded"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#cart-empty").isVisible()).toBe(true);

    // The seeded products (tools/seed.ts): a kikoi twice and a coffee, KES 3,650.00 in all.
    await page.click('#product-list li[data-product-id="kikoi-blue"] button.add');
    await page.locator('#cart-lines li[data-product-id="kikoi-blue"]').waitFor({ timeout: 30_000 });
    await page.fill("#quantity-kikoi-blue", "2");
    await page.dispatchEvent("#quantity-kikoi-blue", "change");
    await page
      .locator('#cart-lines li[data-product-id="kikoi-blue"] .line', { hasText: "2 × KES 1,500.00 = KES 3,000.00" })
      .waitFor({ timeout: 30_000 });
    await page.click('#product-list li[data-product-id="coffee-ground"] button.add:not([disabled])', {
      timeout: 30_000,
    });
    await page.locator('#cart-lines li[data-product-id="coffee-ground"]').waitFor({ timeout: 30_000 });
    await page.locator("#cart-total", { hasText: "KES 3,650.00" }).waitFor({ timeout: 30_000 });

    await page.fill("#checkout-phone", kenyanPhone("0000"));
    await page.fill("#checkout-email", "wanjiku@example.ke");
    expect(await page.locator("#checkout-currency").textContent()).toBe("KES");
    await page.click("#checkout-pay:not([disabled])", { timeout: 30_000 });
    // A refused checkout names its reason instead of leaving the wait to time out.
    await page
      .locator('#checkout-status[data-status="succeeded"], #checkout-error:not([hidden])')
      .waitFor({ timeout: 30_000 });
    expect(
      await page.locator("#checkout-error").isHidden(),
      (await page.locator("#checkout-error").textContent()) ?? "",
    ).toBe(true);

    // The order is written by fulfilment after the payment succeeds; the page finds it by itself.
    const status = page.locator('#order-status[data-status="confirmed"]', { hasText: "Paid" });
    await status.waitFor({ timeout: 30_000 });
    const checkoutId = await page.locator("#order").getAttribute("data-checkout-id");
    expect(await page.locator("#order-id").textContent()).toBe(checkoutId);
    expect(await page.locator("#order-invoice").textContent()).toMatch(/^MALIPO-\d{6}$/);
    expect(await page.locator("#order-total").textContent()).toBe("KES 3,650.00");
    expect(await page.locator("#order-lines li").allTextContents()).toEqual([
      "2 × Kikoi, blue · KES 3,000.00",
      "1 × Ground coffee, 250 g · KES 650.00",
    ]);
    expect(await page.locator("#order-note").isHidden()).toBe(true);
    const order = (
      await adminDb()
        .collection("orders")
        .doc(checkoutId ?? "")
        .get()
    ).data();
    expect(order?.invoiceNumber).toBe(await page.locator("#order-invoice").textContent());
    // Fulfilment empties the checked-out cart, and the page shows it so.
    await page.locator("#cart-empty").waitFor({ state: "visible", timeout: 30_000 });
    expect(await page.locator("#problem").isHidden()).toBe(true);
    await page.screenshot({ path: path.join(ROOT, "test-results", "checkout-order.png"), fullPage: true });

    // The order's invoice, from the page's "Download invoice (PDF)" link (on the page's origin,
    // through Hosting's /api/invoices/** rewrite to invoicePdf).
    const invoiceNumber = (await page.locator("#order-invoice").textContent()) ?? "";
    expect(await page.locator("#order-invoice-link").textContent()).toBe("Download invoice (PDF)");
    const invoice = await openInvoiceLink(page);
    expect(new URL(invoice.href).origin).toBe(new URL(await platform.pageUrl()).origin);
    expect(new URL(invoice.href).pathname).toBe(`/api/invoices/${checkoutId}`);
    expect(invoice.status).toBe(200);
    expect(invoice.contentType).toBe("application/pdf");
    expect(invoice.disposition).toBe(`inline; filename="invoice-${invoiceNumber}.pdf"`);
    expect(invoice.cacheControl).toBe("private, no-store");
    expect(invoice.bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(invoice.title).toBe(`Invoice ${invoiceNumber}`);
  });
});

// Accounts (docs/accounts.md): an anonymous visitor with money keeps the wallet by adding an email
// and password to the same account, opens it on a second device (another browser context), signs
// out everywhere there, and the first device's next PIN change is refused at once.
describe("the wallet page's account", () => {
  it("keeps an anonymous wallet by email, opens it on a second device, and signs out everywhere", async () => {
    const walletUrl = new URL("wallet.html", await platform.pageUrl()).href;
    const email = `wallet-${Date.now()}@example.com`;
    const password = "correct horse battery";
    const first = await platform.newPage();
    await asOwnClient(first);
    await first.goto(walletUrl);
    const uid = await visitorOn(first);
    await first.locator('#balances[data-state="loaded"]').waitFor({ timeout: 30_000 });
    await first.locator("#topup:not([disabled])").waitFor({ timeout: 30_000 });
    await first.fill("#topup-phone", kenyanPhone("0000"));
    await first.fill("#topup-amount", "300");
    await first.click("#topup");
    const balance = (page: Page) =>
      page.locator('#wallets li[data-currency="KES"] .balance', { hasText: "KES 300.00" });
    await balance(first).waitFor({ timeout: 30_000 });

    await keepWalletByEmail(first, email, password);
    expect(await accountUid(first)).toBe(uid);
    await balance(first).waitFor({ timeout: 30_000 });

    const second = await platform.newPage();
    await asOwnClient(second);
    await second.goto(walletUrl);
    expect(await visitorOn(second)).not.toBe(uid);
    await signInByEmail(second, email, password);
    expect(await accountUid(second)).toBe(uid);
    await balance(second).waitFor({ timeout: 30_000 });
    await second
      .locator('#activity-list li[data-kind="topup"]', { hasText: "+KES 300.00" })
      .waitFor({ timeout: 30_000 });
    // Both browsers are the account's devices; the second sign-in is in the history, and the new
    // device was mailed about.
    await second.locator("#devices-list li", { hasText: "(this device)" }).waitFor({ timeout: 30_000 });
    await eventually(
      async () => second.locator("#devices-list li").count(),
      (count) => count >= 2,
    );
    await second.locator("#sign-ins-list li", { hasText: "password" }).waitFor({ timeout: 30_000 });
    await eventually(
      async () => (await MAIL.ref(adminDb()).where("to", "==", email).where("kind", "==", "new-device").get()).size,
      (size) => size >= 1,
    );
    await second.screenshot({ path: path.join(ROOT, "test-results", "wallet-account.png"), fullPage: true });

    await second.click("#sign-out-everywhere:not([disabled])");
    await second.locator('#account[data-state="anonymous"]').waitFor({ timeout: 30_000 });

    // The first device's session was revoked: its next sensitive call is refused with a sentence.
    await first.locator("#set-pin:not([disabled])").waitFor({ timeout: 30_000 });
    await first.fill("#new-pin", PIN);
    await first.click("#set-pin");
    await first.locator("#pin-error", { hasText: "signed out everywhere" }).waitFor({ timeout: 30_000 });
  });

  it("changes the email with the code mailed to the new address, and the account signs in with it", async () => {
    const walletUrl = new URL("wallet.html", await platform.pageUrl()).href;
    const email = `before-${Date.now()}@example.com`;
    const moved = `after-${Date.now()}@example.com`;
    const password = "correct horse battery";
    const page = await platform.newPage();
    await asOwnClient(page);
    await page.goto(walletUrl);
    const uid = await visitorOn(page);
    await keepWalletByEmail(page, email, password);

    await page.click("#change-email summary");
    await page.fill("#new-email", moved);
    await page.click("#change-email-button:not([disabled])");
    await page.locator('#change-email[data-state="confirming"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#confirm-email-hint").textContent()).toContain(moved);
    const mailed = async (to: string, kind: string) =>
      (await MAIL.ref(adminDb()).where("to", "==", to).where("kind", "==", kind).get()).docs[0]?.data();
    const codeMail = await eventually(
      () => mailed(moved, "email-change-code"),
      (mail) => mail !== undefined,
    );
    const code = /Your code is (\d{6})/.exec(codeMail?.message.text ?? "")?.[1] ?? "";
    expect(await mailed(email, "email-change-requested")).toBeDefined();
    await page.fill("#email-code", code);
    await page.click("#confirm-email-button");
    // The change ended every session of the account: the page starts again signed out, says why,
    // and the account signs in with the new address.
    await page.locator('#account[data-state="anonymous"]').waitFor({ timeout: 30_000 });
    await page
      .locator("#account-notice", { hasText: `Your email is now ${moved}` })
      .waitFor({ state: "visible", timeout: 30_000 });
    expect(await mailed(email, "email-changed")).toBeDefined();
    await signInByEmail(page, moved, password);
    expect(await accountUid(page)).toBe(uid);
  });
});

describe("the operator console", () => {
  let pageUrl: string;
  let credentials: { email: string; password: string };
  // A day of its own for the report and the analytics the test gives the console.
  const day = "2026-01-15";
  const dayBefore = "2026-01-14";

  beforeAll(async () => {
    pageUrl = await platform.pageUrl();
    const [, email = "", password = ""] = /Admin\s+(\S+@\S+) \/ (\S+)/.exec(platform.output()) ?? [];
    credentials = { email, password };
  });

  it("keeps a visitor out: the console shows only its sign-in, and the rules refuse its data", async () => {
    const page = await platform.newPage();
    await page.goto(pageUrl);
    await page.locator("#session", { hasText: "anonymous visitor" }).waitFor({ timeout: 30_000 });
    await page.goto(new URL("/console.html", pageUrl).href);
    await page
      .locator('#console-gate[data-state="signed-out"]', { hasText: "for operators" })
      .waitFor({ timeout: 30_000 });
    expect(await page.locator("#console-app").isHidden()).toBe(true);
    expect(await page.locator("#console-signin").isVisible()).toBe(true);
    const statuses = await visitorListStatuses([
      "payments",
      "mail",
      "alerts",
      "reconciliationReports",
      "analytics",
      "adminAudit",
      "providerEvents",
    ]);
    expect(Object.values(statuses)).toEqual(Array.from({ length: 7 }, () => 403));
  });

  it("finds a payment by phone, opens its timeline, sees a day's report and a chart, and opens the receipt in the mailbox", async () => {
    // A payment made on the join page, by a visitor with their own email.
    const payer = await platform.newPage();
    await asOwnClient(payer);
    const phone = kenyanPhone("0000");
    const email = `console-${Date.now()}@example.com`;
    await payer.goto(pageUrl);
    await payer.locator("#pay:not([disabled])").waitFor({ timeout: 30_000 });
    await payer.fill("#name", "Wanjiru Kamau");
    await payer.fill("#email", email);
    await payer.fill("#phone", phone);
    await payer.click("#pay");
    await payer.locator('#payment-status[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    const paymentId = (await payer.locator("#payment").getAttribute("data-payment-id")) ?? "";
    await seedReport(day, paymentId);
    await seedAnalytics([dayBefore, day]);

    const page = await platform.newPage({ viewport: { width: 1280, height: 900 } });
    await signInToConsole(page, pageUrl, credentials.email, credentials.password);
    expect(await page.locator("#session").textContent()).toBe(`operator ${credentials.email} (admin)`);

    // Payments: by phone, typed the local way.
    const local = `0${phone.replace(/^\+?254/, "")}`;
    await page.selectOption("#search-kind", "phone");
    await page.fill("#search-term", local);
    await page.click("#search");
    const result = page.locator(`#payment-results tr[data-payment-id="${paymentId}"]`);
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute("data-status")).toBe("succeeded");
    await result.locator("button").click();
    await page
      .locator(`#payment-detail[data-state="loaded"][data-payment-id="${paymentId}"]`)
      .waitFor({ timeout: 30_000 });
    const events = await page
      .locator("#detail-events > li")
      .evaluateAll((items) => items.map((item) => item.getAttribute("data-type")));
    expect(events[0]).toBe("created");
    expect(events).toContain("callback");
    // The callback's raw body as M-Pesa posted it.
    expect(await page.locator('#detail-events li[data-type="callback"] pre').first().textContent()).toContain(
      "stkCallback",
    );
    expect(await page.locator("#detail-callbacks li").count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ROOT, "test-results", "console-payment.png"), fullPage: true });

    // Reports: the day's report and its exception.
    await page.click("#tab-reports");
    await page.fill("#report-date", day);
    await page.click("#report-open");
    await page.locator(`#report[data-state="loaded"][data-date="${day}"]`).waitFor({ timeout: 30_000 });
    expect(await page.locator("#report-verdict").textContent()).toBe(`${day}: 1 exceptions to act on.`);
    const exception = page.locator(`#report-exceptions tr[data-kind="pending-past-limit"][data-id="${paymentId}"]`);
    expect(await exception.textContent()).toContain("re-query it");

    // Analytics: both charts drawn and the percentiles per provider.
    await page.click("#tab-analytics");
    await page.fill("#analytics-from", dayBefore);
    await page.fill("#analytics-to", day);
    await page.click("#analytics-show");
    await page.locator('#analytics[data-state="loaded"][data-series="2"]').waitFor({ timeout: 30_000 });
    for (const chart of ["#chart-revenue", "#chart-success"]) {
      expect(await page.locator(chart).evaluate((canvas) => (canvas as HTMLCanvasElement).width)).toBeGreaterThan(0);
    }
    expect(await page.locator('#settlement-table tr[data-provider="mpesa"] td').allTextContents()).toEqual([
      "mpesa · KES",
      "16",
      "12",
      "5 s",
      "90 s",
    ]);
    await page.screenshot({ path: path.join(ROOT, "test-results", "console-analytics.png"), fullPage: true });

    // Alerts: the tab reads (what is open depends on the platform's own state).
    await page.click("#tab-alerts");
    await page.locator('#panel-alerts[data-state="loaded"]').waitFor({ timeout: 30_000 });

    // Mailbox: the payer's receipt as they would see it, then a retry (locally: recorded, not sent).
    // The sendMail trigger records its outcome soon after the mail is written: wait for it.
    await eventually(
      async () => (await adminDb().collection("mail").where("to", "==", email).get()).docs,
      (docs) => docs.some((doc) => doc.get("kind") === "receipt" && doc.get("delivery.state") === "not-sent"),
    );
    await page.click("#tab-mailbox");
    await page.fill("#mail-to", email);
    await page.click("#mail-find");
    // The list shows the latest mails until the search answers: wait for this payer's receipt.
    const receipt = page.locator('#mail-list tr[data-kind="receipt"]', { hasText: email });
    await receipt.waitFor({ timeout: 30_000 });
    await receipt.locator("button").click();
    await page.locator('#mail-view[data-state="loaded"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#mail-subject").textContent()).toBe("Receipt: KES 500.00 paid");
    await page.locator("#mail-body h1", { hasText: "Thank you, Wanjiru Kamau!" }).waitFor({ timeout: 15_000 });
    expect(await page.locator("#mail-body p").first().textContent()).toContain("KES 500.00");
    expect(await page.locator("#mail-body script").count()).toBe(0);
    expect(await page.locator("#mail-delivery").getAttribute("data-state")).toBe("not-sent");
    await page.click("#mail-retry");
    await page.locator('#mail-retry-result[data-state="not-sent"]').waitFor({ timeout: 30_000 });
    const mailId = await page.locator("#mail-view").getAttribute("data-mail-id");
    const audits = await adminDb().collection("adminAudit").where("mailId", "==", mailId).get();
    expect(audits.docs.map((doc) => doc.get("action") as unknown)).toEqual(["retry-mail"]);
    expect(await page.locator("#problem").isHidden()).toBe(true);
    await page.screenshot({ path: path.join(ROOT, "test-results", "console-mailbox.png"), fullPage: true });

    // Phone width: the same mail still reads.
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.locator("#mail-subject").isVisible()).toBe(true);
  });
});

describe("the judges' page", () => {
  it("lets the judge npm start printed sign in and see the open competition", async () => {
    // The seed's lines are printed with the page's URL.
    const pageUrl = await platform.pageUrl();
    const [, email, password] = /Judge\s+(\S+@\S+) \/ (\S+)/.exec(platform.output()) ?? [];
    expect(email).toBeDefined();
    const page = await platform.newPage();
    await page.goto(new URL("judge.html", pageUrl).href);
    await signInAsJudge(page, { email: email!, password: password! });
    const section = page.locator('section[data-competition-id="kenya-sings-2026"]');
    await section.locator("h2", { hasText: "Kenya Sings 2026" }).waitFor({ timeout: 30_000 });
    expect(await page.locator("#not-judge").isHidden()).toBe(true);
  });

  it("a judge scores an entry and edits it; once judging closes and the results are out, the entrant sees their score and rank", async () => {
    const pageUrl = await platform.pageUrl();
    const competitionId = await judgedCompetition({
      judgingClosesAt: Date.now() + 3_600_000,
      name: "Browser Idol",
      categories: ["Solo", "Group"],
    });

    // The entrant is the join page's visitor; their entry is seeded (entering is the test above),
    // next to a rival's that another judge scored.
    const entrant = await platform.newPage();
    await entrant.goto(pageUrl);
    const uid = await visitorUid(entrant);
    const entryId = await seedEntry(competitionId, { uid, category: "Solo", title: "Sauti ya Moyo" });
    const rival = await seedEntry(competitionId, { category: "Solo", title: "Another song" });
    await seedScores(rival, competitionId, [6], ["another-judge"]);
    const mine = entrant.locator(`#my-entry-list li[data-entry-id="${entryId}"]`);
    await mine.and(entrant.locator('[data-state="waiting"]')).waitFor({ timeout: 30_000 });
    expect(await mine.locator(".rank").textContent()).toContain("Results are not out yet");

    // Someone who judges nothing is told so.
    const page = await platform.newPage();
    await page.goto(new URL("judge.html", pageUrl).href);
    await signInAsJudge(page, await judgeAccount());
    expect(await page.locator("#not-judge").textContent()).toBe("You are not a judge of any competition.");
    await page.click("#sign-out");

    // The judge, appointed with npm run admin, scores the entry (a score out of range is refused first).
    const judge = await judgeAccount(competitionId);
    await signInAsJudge(page, judge);
    const section = page.locator(`section[data-competition-id="${competitionId}"]`);
    await section.and(page.locator('[data-entries="2"][data-judging="open"]')).waitFor({ timeout: 30_000 });
    expect(await section.locator(".judging-state").textContent()).toMatch(/^Judging is open until /);
    const card = section.locator(`li[data-entry-id="${entryId}"]`);
    expect(await card.locator("h3").textContent()).toBe("Sauti ya Moyo");
    expect(await card.locator(".category").textContent()).toBe("Solo");
    expect(await card.locator("a").getAttribute("href")).toBe(`https://videos.example.com/${entryId}`);
    expect(await card.locator(".description").textContent()).toBe("The entry Sauti ya Moyo.");
    expect(await card.locator(".saved").textContent()).toBe("Not scored yet.");
    await card.locator('input[name="score"]').fill("11");
    await card.locator("button.save").click();
    await card.locator(".error", { hasText: "Give a whole number from 0 to 10." }).waitFor({ timeout: 15_000 });
    await card.locator('input[name="score"]').fill("7");
    await card.locator('textarea[name="comment"]').fill("Lovely voice");
    await card.locator("button.save").click();
    await card.locator(".saved", { hasText: "Saved: 7 out of 10." }).waitFor({ timeout: 30_000 });

    // After a reload the score is there to edit; the edit replaces it.
    await page.reload();
    await card.locator(".saved", { hasText: "Saved: 7 out of 10." }).waitFor({ timeout: 30_000 });
    expect(await card.locator('input[name="score"]').inputValue()).toBe("7");
    expect(await card.locator('textarea[name="comment"]').inputValue()).toBe("Lovely voice");
    await card.locator('input[name="score"]').fill("8");
    await card.locator('textarea[name="comment"]').fill("Lovely voice, great range");
    await card.locator("button.save", { hasText: "Update score" }).click();
    await card.locator(".saved", { hasText: "Saved: 8 out of 10." }).waitFor({ timeout: 30_000 });
    const scores = await eventually(
      async () => (await adminDb().collection(`entries/${entryId}/scores`).get()).docs.map((d) => d.data()),
      (docs) => docs.length === 1 && docs[0]?.score === 8,
    );
    expect(scores[0]).toMatchObject({ competitionId, score: 8, comment: "Lovely voice, great range" });
    await page.screenshot({ path: path.join(ROOT, "test-results", "judge-scored.png"), fullPage: true });

    // Judging closes (here the operator moves the date; in life it passes): the page turns read-only.
    await adminDb()
      .doc(`competitions/${competitionId}`)
      .update({ judgingClosesAt: Timestamp.fromMillis(Date.now() - 1_000) });
    await section.and(page.locator('[data-judging="closed"]')).waitFor({ timeout: 30_000 });
    expect(await section.locator(".judging-state").textContent()).toBe("Judging closed");
    expect(await card.locator(".saved").textContent()).toBe("Your score: 8 out of 10.");
    expect(await card.locator('input[name="score"]').isDisabled()).toBe(true);
    expect(await card.locator("button.save").isHidden()).toBe(true);

    // An operator publishes the results; the entrant's page shows their rank, average and the comment.
    const published = await adminCli("publish-results", competitionId);
    expect(published, published.output).toMatchObject({ code: 0 });
    await mine.and(entrant.locator('[data-state="published"]')).waitFor({ timeout: 30_000 });
    expect(await mine.locator(".rank").textContent()).toBe("1st of 2 in Solo, average 8.00 from 1 judge");
    expect(await mine.locator(".scores li").allTextContents()).toEqual([
      "Judge 1: 8 out of 10 · “Lovely voice, great range”",
    ]);
    // And every visitor sees the ranking per category.
    const ranking = entrant.locator(
      `#results-list section[data-competition-id="${competitionId}"] ol[data-category="Solo"] li`,
    );
    await ranking.first().waitFor({ timeout: 30_000 });
    expect(await ranking.allTextContents()).toEqual(["1. Sauti ya Moyo · 8.00", "2. Another song · 6.00"]);
    await section.locator(".judging-state", { hasText: "The results are published." }).waitFor({ timeout: 30_000 });
    expect(await entrant.locator("#problem").isHidden()).toBe(true);
    expect(await page.locator("#problem").isHidden()).toBe(true);
    await entrant.screenshot({ path: path.join(ROOT, "test-results", "entrant-results.png"), fullPage: true });
  });
});

// Two-step verification on the wallet page: a visitor tops up and sets a PIN, turns 2FA on by
// scanning (here: reading) the QR code's otpauth:// URI and typing the code an authenticator app
// would compute from it, sees the 10 recovery codes once, then withdraws with the PIN and a fresh
// code; the step-up grant is used by that withdrawal and no other.
describe("the wallet page's two-step verification", () => {
  it("turns on with a code from the QR code's secret, shows the recovery codes once, and withdraws with a code", async () => {
    const page = await platform.newPage();
    await asOwnClient(page);
    await page.goto(new URL("wallet.html", await platform.pageUrl()).href);
    const uid = await visitorOn(page);
    const phone = kenyanPhone("0000");
    await topUpKes(page, phone, 1_000);
    await setPin(page);

    const { secret, recoveryCodes } = await enrolTwoFactor(page);
    expect(recoveryCodes).toHaveLength(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    // The page reads the wallet again once the codes are put away: the card then says so.
    await page
      .locator("#twofactor-summary", { hasText: /^On since .+ · 10 recovery codes left\.$/ })
      .waitFor({ timeout: 30_000 });
    expect(await page.locator("#twofactor-recovery-codes li").count()).toBe(0);
    // The secret is kept encrypted: the server-only document does not hold it.
    const stored = JSON.stringify((await adminDb().collection("twoFactor").doc(uid).get()).data());
    expect(stored).toContain('"status":"enabled"');
    expect(stored).not.toContain(secret);

    // The withdraw form now asks for a code as well as the PIN.
    await page.locator('#withdraw[data-state="ready"]').waitFor({ timeout: 30_000 });
    await page.locator(`#withdraw-phone option[value="${phone}"]`).waitFor({ state: "attached", timeout: 30_000 });
    await page.selectOption("#withdraw-phone", phone);
    await page.fill("#withdraw-amount", "300");
    await page.click("#withdraw-quote:not([disabled])", { timeout: 30_000 });
    await page
      .locator("#withdraw-quote-line", { hasText: /^You receive KES 300\.00 · fee / })
      .waitFor({ timeout: 30_000 });
    // With the fee shown, the form asks for the app's code beside the PIN.
    await page.locator("#withdraw-code-field").waitFor({ state: "visible", timeout: 30_000 });
    await page.fill("#withdraw-pin", PIN);
    await page.click("#withdraw-send");
    await page
      .locator("#withdraw-error", { hasText: "Enter the code from your authenticator app." })
      .waitFor({ state: "visible", timeout: 30_000 });

    await page.fill("#withdraw-code", nextCode(secret));
    await page.click("#withdraw-send");
    await page.locator("#withdrawal[data-withdrawal-id]").waitFor({ timeout: 30_000 });
    const withdrawalId = (await page.locator("#withdrawal").getAttribute("data-withdrawal-id")) ?? "";
    expect(await page.locator("#withdraw-error").isHidden()).toBe(true);
    await page.locator('#withdrawal-status[data-status="succeeded"]').waitFor({ timeout: 60_000 });

    // One grant, used by this withdrawal.
    const grants = await adminDb().collection("stepUpGrants").where("uid", "==", uid).get();
    expect(grants.docs.map((grant) => grant.get("usedBy") as unknown)).toEqual([`withdraw:${withdrawalId}`]);
    expect(grants.docs[0]?.get("amount")).toBe(300_00);
    await page.screenshot({ path: path.join(ROOT, "test-results", "wallet-two-step.png"), fullPage: true });

    // After a reload the card says it is on, and the recovery codes are not shown again.
    await page.reload();
    await page.locator('#twofactor[data-state="on"]').waitFor({ timeout: 30_000 });
    expect(await page.locator("#twofactor-recovery-codes li").count()).toBe(0);
    expect(await page.content()).not.toContain(recoveryCodes[0] ?? "-");
  });
});

describe("the till (point of sale, offline)", () => {
  // One owner's till in one browser context (one device): two tabs, offline for most of it.
  let page: Page;
  let tab: Page;
  let storeId = "";
  const names = ["Sugar 1kg", "Bread", "Soap", "Ndizi bunch"] as const;
  const prices: Record<(typeof names)[number], number> = {
    "Sugar 1kg": 150_00,
    Bread: 70_00,
    Soap: 60_00,
    "Ndizi bunch": 250_00,
  };
  /** What each sale's taps are: the i-th sale of the test (varied so the totals mean something). */
  const itemsOf = (i: number): string[] =>
    [names[0], ...(i % 2 ? [names[1]] : []), ...(i % 3 === 0 ? [names[2], names[2]] : [])] as string[];

  const sold = new Map<string, number>();
  let soldTotal = 0;
  function count(items: readonly string[]): void {
    for (const name of items) {
      sold.set(name, (sold.get(name) ?? 0) + 1);
      soldTotal += prices[name as (typeof names)[number]];
    }
  }

  function store() {
    return adminDb().collection("stores").doc(storeId);
  }
  async function stockByName(): Promise<Record<string, number>> {
    const products = await store().collection("products").get();
    return Object.fromEntries(products.docs.map((d) => [String(d.get("name")), Number(d.get("stock"))]));
  }

  it("opens a store, adds and stocks products, and is served by its service worker", async () => {
    page = await platform.newPage();
    await asOwnClient(page);
    await page.goto(new URL("pos.html", await platform.pageUrl()).href);
    storeId = await openStore(page, "Mama Njeri's stall", "KES");
    expect(storeId).toMatch(/^s[0-9a-f]{20}$/);
    expect(await page.locator("#till-code").textContent()).toMatch(/^T[0-9A-HJKMNP-TV-Z]{5}$/);
    for (const name of names) await addProduct(page, name, String(prices[name] / 100));
    for (const name of names) await receiveStock(page, name, name === "Ndizi bunch" ? 1 : 100);
    await eventually(stockByName, (stock) => names.every((n) => stock[n] === (n === "Ndizi bunch" ? 1 : 100)));
    // Installable, and the worker controls the page (it precached the app when it installed).
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      return link ? ((await (await fetch(link.href)).json()) as { start_url: string; display: string }) : undefined;
    });
    expect(manifest).toMatchObject({ start_url: "/pos.html", display: "standalone" });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
  });

  it("sells 25 times across two tabs offline, opens again offline after a reload, sells 5 more, and syncs all 30 exactly once", async () => {
    tab = await page.context().newPage();
    await tab.goto(page.url());
    await unlockTill(tab);
    await productButton(tab, names[0]).waitFor({ timeout: 30_000 });

    await page.context().setOffline(true);
    await page.locator("#network", { hasText: "Offline" }).waitFor({ timeout: 10_000 });
    const receipts: string[] = [];
    for (let i = 0; i < 25; i++) {
      const items = itemsOf(i);
      receipts.push(await sellForCash(i % 2 ? tab : page, items));
      count(items);
    }
    await waitForPending(page, 25);
    expect(await page.locator("#sign-out").isDisabled()).toBe(true);

    // A reload with no connection: the service worker serves the app, the SDK its queue and cache.
    await page.reload();
    await unlockTill(page);
    await waitForPending(page, 25);
    for (let i = 25; i < 30; i++) {
      const items = itemsOf(i);
      receipts.push(await sellForCash(page, items));
      count(items);
    }
    await waitForPending(page, 30);
    expect(new Set(receipts).size).toBe(30);
    expect((await adminDb().collection("stores").doc(storeId).collection("sales").get()).size).toBe(0);

    await page.context().setOffline(false);
    await waitForPending(page, 0, 120_000);
    expect(await page.locator("#last-sync").textContent()).not.toBe("never");
    expect(await page.locator("#sign-out").isDisabled()).toBe(false);

    const sales = await eventually(
      async () => (await store().collection("sales").get()).docs,
      (docs) => docs.length >= 30,
    );
    expect(sales).toHaveLength(30);
    expect(new Set(sales.map((d) => String(d.get("receiptNumber"))))).toEqual(new Set(receipts));
    const results = await eventually(
      async () => (await store().collection("results").where("kind", "==", "sale").get()).docs,
      (docs) => docs.length >= 30,
    );
    expect(results.map((d): unknown[] => [d.get("status"), d.get("flags")])).toEqual(Array(30).fill(["applied", []]));
    const stock = await stockByName();
    for (const name of names.slice(0, 3)) expect(stock[name]).toBe(100 - (sold.get(name) ?? 0));
    const today = (await store().collection("days").get()).docs.map((d): Record<string, unknown> => d.data());
    expect(today).toHaveLength(1);
    expect(today[0]).toMatchObject({ salesCount: 30, salesTotal: soldTotal, cashTotal: soldTotal, mobileTotal: 0 });
    await page.locator("#dash-sales-count", { hasText: "30" }).waitFor({ timeout: 30_000 });
  });

  it("flags, and keeps, a sale made offline of stock another till sold meanwhile", async () => {
    await page.context().setOffline(true);
    const receipt = await sellForCash(page, ["Ndizi bunch"]);
    await waitForPending(page, 1);
    // Another till of the store sells the last bunch while this one is offline.
    const other = store();
    const products = await other.collection("products").get();
    const ndizi = products.docs.find((d) => d.get("name") === "Ndizi bunch");
    const otherTill = `t${"e".repeat(20)}`;
    await other.collection("tills").doc(otherTill).set({ deviceCode: "TOTHER", label: "Back", registeredBy: "x" });
    const otherSale = uuidV7();
    await other
      .collection("sales")
      .doc(otherSale)
      .set({
        tillId: otherTill,
        deviceCode: "TOTHER",
        cashierUid: "back-cashier",
        recordedAt: Date.now(),
        receiptNumber: "TOTHER-1-1",
        shift: 1,
        seq: 1,
        lines: [{ productId: ndizi?.id, name: "Ndizi bunch", quantity: 1, unitPrice: 250_00, lineTotal: 250_00 }],
        total: 250_00,
        currency: "KES",
        payment: { method: "cash" },
      });
    await eventually(
      async () => (await other.collection("results").doc(`sale-${otherSale}`).get()).get("status") as unknown,
      (status) => status === "applied",
    );
    await page.context().setOffline(false);
    await waitForPending(page, 0, 120_000);
    await page
      .locator(`#recent-sales li[data-receipt="${receipt}"]`, { hasText: "flagged: stock-below-zero" })
      .waitFor({ timeout: 60_000 });
    expect((await stockByName())["Ndizi bunch"]).toBe(-1);
    const day = (await other.collection("days").get()).docs[0]?.data();
    expect(day).toMatchObject({ salesCount: 32, flaggedCount: 1 });
  });

  it("charges a sale by M-Pesa when online, and writes the sale once the payment has succeeded", async () => {
    await page.bringToFront();
    await productButton(page, "Soap").click();
    await productButton(page, "Soap").click();
    await page.fill("#mm-phone", kenyanPhone("0000"));
    await page.click("#mm-pay");
    await page.locator("#mm-status", { hasText: "Paid." }).waitFor({ timeout: 60_000 });
    const receipt = (await page.locator("#last-receipt").textContent()) ?? "";
    await waitForPending(page, 0, 60_000);
    // The count can read 0 before the new write is queued: wait for the sale to reach the server.
    const sale = await eventually(
      async () => (await store().collection("sales").where("receiptNumber", "==", receipt).get()).docs[0],
      (found) => found !== undefined,
    );
    expect(sale?.get("payment")).toMatchObject({ method: "mobile-money" });
    expect(sale?.get("total")).toBe(2 * prices.Soap);
    const paymentId = String(sale?.get("payment.paymentId"));
    expect((await adminDb().collection("payments").doc(paymentId).get()).get("status")).toBe("succeeded");
    const result = await eventually(
      async () =>
        (
          await store()
            .collection("results")
            .doc(`sale-${sale?.id ?? ""}`)
            .get()
        ).data(),
      (data) => data?.status === "applied",
    );
    expect(result?.flags).toEqual([]);
    expect((await store().collection("days").get()).docs[0]?.get("mobileTotal")).toBe(2 * prices.Soap);
  });

  it("locks behind the PIN after a spell without use", async () => {
    const idle = await page.context().newPage();
    await idle.goto(new URL("pos.html?lockAfterMs=1500", await platform.pageUrl()).href);
    await unlockTill(idle);
    await idle.locator('#pos[data-state="locked"]').waitFor({ timeout: 30_000 });
    expect(await idle.locator("#app").isHidden()).toBe(true);
    expect(await idle.locator("#lock").isVisible()).toBe(true);
    await idle.fill("#pin-input", "0000");
    await idle.click("#unlock");
    await idle.locator("#lock-error", { hasText: "Wrong PIN." }).waitFor({ timeout: 10_000 });
    await unlockTill(idle);
  });
});

describe("after every page", () => {
  it("ran every page without a Content-Security-Policy violation", () => {
    expect(platform.cspViolations).toEqual([]);
  });

  it("stops cleanly on Ctrl-C and frees its ports", async () => {
    const { code, signal, portsStillTaken } = await platform.stop();
    const output = platform.output();
    // npm re-raises the SIGINT it received once its script has exited; the launcher exits 0.
    expect(code === 0 || signal === "SIGINT", `code ${code}, signal ${signal}`).toBe(true);
    expect(output).toContain("Shutting down emulators.");
    // One SIGINT reached firebase-tools: a second one makes it exit without stopping its emulators.
    expect(output).not.toContain("forced the Emulator Suite to exit");
    expect(portsStillTaken).toEqual([]);
    expect(output).not.toMatch(/stopped \(exit \d+\); stopping the rest/);
    expect(await isListening(await platform.pageUrl())).toBe(false);
  });
});
