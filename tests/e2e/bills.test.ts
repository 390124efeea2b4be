// The bills page as a person uses it under `npm start`: a visitor tops up NGN through Paystack's
// simulated checkout page, sets their PIN, goes to the bills page from the wallet, buys a prepaid electricity token for a
// simulator meter with the PIN, sees the token on screen (and copies it), finds it in the receipt
// mail and asks for the receipt again.
import { mkdirSync } from "node:fs";
import path from "node:path";

import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { BILLS } from "../../functions/src/bills/collections.ts";
import { MAIL } from "../../functions/src/notifications/send.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";
import { ROOT } from "../../tools/emulators/environment.ts";
import { adminDb, eventually } from "../support/firestore.ts";
import { startPlatform, topUpNgnThroughPaystack, type Platform } from "../support/platform.ts";

const FUNDS = 5_000_00;
const PIN = "4821";
/** The VTpass simulator delivers a token for this prepaid meter (sandbox/README.md). */
const METER = "1111111111111";
const EMAIL = "ada@example.com";

let platform: Platform;

beforeAll(() => {
  platform = startPlatform();
});

afterAll(async () => {
  await platform.close();
});

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
    expect(platform.cspViolations).toEqual([]);
  });
});
