// The wallet page's account card, driven as a person would: keep the wallet with an email and a
// password, sign in with them on another device, sign out everywhere.
import type { Page } from "playwright-core";

/** Waits for the account card to show a signed-in account, or fails with what the page said instead. */
async function signedIn(page: Page, email: string): Promise<void> {
  await page
    .locator('#account[data-state="signed-in"], #account-error:not([hidden]), #problem:not([hidden])')
    .first()
    .waitFor({ timeout: 30_000 });
  const said = [await page.locator("#account-error").textContent(), await page.locator("#problem").textContent()];
  if ((await page.locator('#account[data-state="signed-in"]').count()) === 0) {
    throw new Error(`not signed in; the page says: ${said.filter(Boolean).join(" / ")}`);
  }
  await page.locator("#session", { hasText: `signed in as ${email}` }).waitFor({ timeout: 30_000 });
}

/** On the wallet page of an anonymous visitor: adds the email and password to the same account. */
export async function keepWalletByEmail(page: Page, email: string, password: string): Promise<void> {
  await page.locator('#account[data-state="anonymous"]').waitFor({ timeout: 30_000 });
  await page.fill("#keep-email", email);
  await page.fill("#keep-password", password);
  await page.click("#keep-wallet-button:not([disabled])");
  await signedIn(page, email);
}

/** On the wallet page of a new visitor: signs in to an existing account. */
export async function signInByEmail(page: Page, email: string, password: string): Promise<void> {
  await page.locator('#account[data-state="anonymous"]').waitFor({ timeout: 30_000 });
  await page.click("#sign-in summary");
  await page.fill("#sign-in-email", email);
  await page.fill("#sign-in-password", password);
  await page.click("#sign-in-button:not([disabled])");
  await signedIn(page, email);
}

/** The account's uid as the card shows it. */
export async function accountUid(page: Page): Promise<string> {
  return ((await page.locator("#account-uid").textContent()) ?? "").trim();
}
