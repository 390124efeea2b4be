// The wallet page's two-step verification in the browser tests: topping up a fresh visitor, turning
// 2FA on with a code computed here from the secret in the page's otpauth:// URI (as an authenticator
// app computes it), and the codes the app would show.
import type { Page } from "playwright-core";

import { stepAt, TOTP_PERIOD_SECONDS, totpCode } from "../../functions/src/twofactor/totp.ts";
import { formatMoney } from "../../functions/src/shared/money.ts";

/** The secret an authenticator app reads from the QR code's otpauth:// URI. */
export function secretOf(otpauthUri: string): string {
  const secret = new URL(otpauthUri).searchParams.get("secret");
  if (!secret) throw new Error(`no secret in ${otpauthUri}`);
  return secret;
}

/** The code the app shows now. */
export function currentCode(secret: string): string {
  return totpCode(secret, Date.now());
}

/**
 * The code of the step after now: still inside the functions' window (one step either side), and
 * later than any code typed so far, which the functions refuse to accept twice. So the test never
 * waits for the app to show a new code.
 */
export function nextCode(secret: string): string {
  return totpCode(secret, (stepAt(Date.now()) + 1) * TOTP_PERIOD_SECONDS * 1000);
}

/** Tops up `shillings` from `phone` on the wallet page and waits for the balance to show it. */
export async function topUpKes(page: Page, phone: string, shillings: number): Promise<void> {
  await page.locator('#balances[data-state="loaded"]').waitFor({ timeout: 30_000 });
  await page.locator("#topup:not([disabled])").waitFor({ timeout: 30_000 });
  await page.fill("#topup-phone", phone);
  await page.fill("#topup-amount", String(shillings));
  await page.click("#topup");
  await page.locator('#topup-status[data-status="succeeded"], #topup-error:not([hidden])').waitFor({ timeout: 30_000 });
  if (!(await page.locator("#topup-error").isHidden())) {
    throw new Error(`the top-up was refused: ${(await page.locator("#topup-error").textContent()) ?? ""}`);
  }
  await page
    .locator('#wallets li[data-currency="KES"] .balance', { hasText: formatMoney(shillings * 100, "KES") })
    .waitFor({ timeout: 30_000 });
}

/**
 * Turns two-step verification on in the card: the QR code and the key shown, the code typed, the
 * recovery codes shown once and put away. Answers the secret and the recovery codes.
 */
export async function enrolTwoFactor(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.locator('#twofactor[data-state="off"]').waitFor({ timeout: 30_000 });
  await page.click("#twofactor-start:not([disabled])");
  await page.locator('#twofactor[data-state="enrolling"]').waitFor({ timeout: 30_000 });
  const qr = (await page.locator("#twofactor-qr").getAttribute("src")) ?? "";
  if (!qr.startsWith("data:image/svg+xml;base64,")) throw new Error(`the QR code is not an SVG data URL: ${qr}`);
  // The QR code's image has loaded and shows something (a broken image has no natural size).
  await page.waitForFunction(() => {
    const image = document.getElementById("twofactor-qr");
    return image instanceof HTMLImageElement && image.complete && image.naturalWidth > 0;
  });
  const uri = (await page.locator("#twofactor-uri").getAttribute("href")) ?? "";
  const secret = secretOf(uri);
  const shownKey = ((await page.locator("#twofactor-secret").textContent()) ?? "").replaceAll(" ", "");
  if (shownKey !== secret) throw new Error(`the key shown (${shownKey}) is not the URI's secret`);
  await page.fill("#twofactor-code", currentCode(secret));
  await page.click("#twofactor-confirm");
  await page.locator('#twofactor[data-state="codes"]').waitFor({ timeout: 30_000 });
  const recoveryCodes = await page.locator("#twofactor-recovery-codes li").allTextContents();
  await page.click("#twofactor-recovery-done");
  await page.locator('#twofactor[data-state="on"]').waitFor({ timeout: 30_000 });
  return { secret, recoveryCodes };
}
