// Driving the till page (hosting/pos.html) in the browser tests: setting a till up, unlocking it,
// selling, and reading what it shows. Locators are the page's ids; every wait is for a condition.
import type { Page } from "playwright-core";

export const TILL_PIN = "4826";

/** Unlocks the till (the lock shows on every start), choosing the PIN if none is set yet. */
export async function unlockTill(page: Page): Promise<void> {
  await page.locator('#pos[data-state="locked"]').waitFor({ timeout: 60_000 });
  if (await page.locator("#pin-setup").isVisible()) {
    await page.fill("#pin-new", TILL_PIN);
    await page.fill("#pin-confirm", TILL_PIN);
    await page.click("#pin-save");
  } else {
    await page.fill("#pin-input", TILL_PIN);
    await page.click("#unlock");
  }
  await page.locator('#pos[data-state="ready"]').waitFor({ timeout: 30_000 });
}

/** Opens a store from the setup screen and registers this browser's till in it. */
export async function openStore(page: Page, name: string, currency: "KES" | "MWK" | "UGX" | "NGN"): Promise<string> {
  await page.locator("#setup:not([hidden])").waitFor({ timeout: 60_000 });
  await page.fill("#store-name", name);
  await page.selectOption("#store-currency", currency);
  await page.click("#open-store-button");
  await unlockTill(page);
  await page.locator("#owner:not([hidden])").waitFor({ timeout: 30_000 });
  return (await page.locator("#store-id").textContent()) ?? "";
}

export async function addProduct(page: Page, name: string, price: string): Promise<void> {
  await page.fill("#product-name", name);
  await page.fill("#product-price", price);
  await page.click("#product-save");
  await productButton(page, name).waitFor({ timeout: 30_000 });
}

export async function receiveStock(page: Page, name: string, quantity: number): Promise<void> {
  await page.selectOption("#adjust-product", { label: name });
  await page.fill("#adjust-delta", String(quantity));
  await page.click("#adjust-save");
}

export function productButton(page: Page, name: string) {
  return page.locator("#product-buttons button", { hasText: name });
}

/** One cash sale: each name is one tap (one item) on its product, then "Cash sale". */
export async function sellForCash(page: Page, items: readonly string[]): Promise<string> {
  // The tab in front, as a cashier's would be: Chromium throttles a hidden tab's animation frames,
  // and every click there waits about 2 s for them.
  await page.bringToFront();
  const before = await page.locator("#last-receipt").textContent();
  for (const name of items) await productButton(page, name).click();
  await page.click("#cash-sale");
  await page.waitForFunction((previous) => document.getElementById("last-receipt")?.textContent !== previous, before, {
    timeout: 30_000,
  });
  return (await page.locator("#last-receipt").textContent()) ?? "";
}

export async function waitForPending(page: Page, count: number, timeout = 60_000): Promise<void> {
  await page.locator("#pending-count", { hasText: new RegExp(`^${count}$`) }).waitFor({ timeout });
}
