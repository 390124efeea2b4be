// The wallet page's "Two-step verification" card, and the step-up the withdraw and PIN forms ask
// for. Enrolment: startTwoFactorEnrolment answers an otpauth:// URI and its QR code (an SVG data
// URL: the page's CSP allows data: images) and the key for typing; the visitor types the app's
// code into confirmTwoFactorEnrolment, which turns it on and answers 10 recovery codes, shown here
// once (they are stored only hashed). Turning it off takes a current code or a recovery code.
// Whether it is on comes from getWallet (wallet.ts calls render).
//
// Element ids (stable, for tests):
//   #twofactor[data-state]       "off" | "enrolling" | "codes" | "on"
//   #twofactor-start             turns it on (shows the QR code)
//   #twofactor-qr (img), #twofactor-secret, #twofactor-code, #twofactor-confirm
//   #twofactor-recovery-codes (li each), #twofactor-recovery-done
//   #twofactor-summary, #twofactor-disable-code, #twofactor-disable
//   #twofactor-error, #twofactor-result
import { httpsCallable } from "firebase/functions";

import type { StepUpOperation } from "../../functions/src/twofactor/collections.ts";
import type { Enrolment } from "../../functions/src/twofactor/enrol.ts";
import type { StepUpGrantView } from "../../functions/src/twofactor/step-up.ts";
import type { Currency } from "../../functions/src/shared/catalog.ts";
import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import type { WalletView } from "./wallet-view";

export interface TwoFactorCard {
  /** The wallet page read the state (getWallet). */
  render(status: WalletView["twoFactor"]): void;
}

/** Whether a refusal is the functions asking for a (new) step-up code. */
export function stepUpAsked(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("details" in error)) return false;
  const details: unknown = error.details;
  return (
    typeof details === "object" && details !== null && "stepUpRequired" in details && details.stepUpRequired === true
  );
}

export type StepUpRequest =
  | {
      readonly operation: Extract<StepUpOperation, "withdraw" | "payBill">;
      readonly amount: number;
      readonly currency: Currency;
    }
  | { readonly operation: Exclude<StepUpOperation, "withdraw" | "payBill"> };

/** Exchanges a current code (or a recovery code, XXXXX-XXXXX) for a step-up grant id. */
export async function stepUpGrant(client: Client, request: StepUpRequest, typed: string): Promise<string> {
  const call = httpsCallable<StepUpRequest & { code?: string; recoveryCode?: string }, StepUpGrantView>(
    client.functions,
    "stepUp",
  );
  const value = typed.trim();
  const factor = /^[0-9]{6}$/.test(value) ? { code: value } : { recoveryCode: value };
  return (await call({ ...request, ...factor })).data.grantId;
}

function when(epochMs: number): string {
  return new Date(epochMs).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

export function startTwoFactor(client: Client, changed: () => void): TwoFactorCard {
  const start = httpsCallable<Record<string, never>, Enrolment>(client.functions, "startTwoFactorEnrolment");
  const confirm = httpsCallable<{ code: string }, { enabled: true; recoveryCodes: string[] }>(
    client.functions,
    "confirmTwoFactorEnrolment",
  );
  const disable = httpsCallable<{ code: string } | { recoveryCode: string }, { enabled: false }>(
    client.functions,
    "disableTwoFactor",
  );
  const card = element("twofactor");
  const startButton = element("twofactor-start", HTMLButtonElement);
  const code = element("twofactor-code", HTMLInputElement);
  const confirmButton = element("twofactor-confirm", HTMLButtonElement);
  const disableCode = element("twofactor-disable-code", HTMLInputElement);
  const disableButton = element("twofactor-disable", HTMLButtonElement);

  const setState = (state: "off" | "enrolling" | "codes" | "on"): void => {
    card.dataset.state = state;
    element("twofactor-off").hidden = state !== "off";
    element("twofactor-enrol").hidden = state !== "enrolling";
    element("twofactor-recovery").hidden = state !== "codes";
    element("twofactor-on").hidden = state !== "on";
  };
  const clearMessages = (): void => {
    hide("twofactor-error");
    hide("twofactor-result");
  };

  startButton.addEventListener("click", () => {
    clearMessages();
    startButton.disabled = true;
    start({})
      .then(({ data }) => {
        element("twofactor-qr", HTMLImageElement).src = data.qrCode;
        element("twofactor-secret").textContent = data.secret.replace(/(.{4})/g, "$1 ").trim();
        element("twofactor-uri", HTMLAnchorElement).href = data.otpauthUri;
        code.value = "";
        setState("enrolling");
        code.focus();
      })
      .catch((error: unknown) => {
        show("twofactor-error", messageOf(error));
      })
      .finally(() => {
        startButton.disabled = false;
      });
  });

  element("twofactor-confirm-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessages();
    if (!code.value.trim()) {
      show("twofactor-error", "Enter the 6-digit code your authenticator app shows.");
      return;
    }
    confirmButton.disabled = true;
    confirm({ code: code.value.trim() })
      .then(({ data }) => {
        code.value = "";
        const list = element("twofactor-recovery-codes", HTMLOListElement);
        list.replaceChildren(
          ...data.recoveryCodes.map((recovery) => {
            const item = document.createElement("li");
            item.textContent = recovery;
            return item;
          }),
        );
        setState("codes");
        changed();
      })
      .catch((error: unknown) => {
        show("twofactor-error", messageOf(error));
      })
      .finally(() => {
        confirmButton.disabled = false;
      });
  });

  element("twofactor-recovery-done").addEventListener("click", () => {
    // Shown once: they leave the page now and are never answered again.
    element("twofactor-recovery-codes").replaceChildren();
    setState("on");
    changed();
  });

  element("twofactor-disable-form", HTMLFormElement).addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessages();
    const typed = disableCode.value.trim();
    if (!typed) {
      show("twofactor-error", "Enter a current code from your authenticator app, or one of your recovery codes.");
      return;
    }
    disableButton.disabled = true;
    disable(/^[0-9]{6}$/.test(typed) ? { code: typed } : { recoveryCode: typed })
      .then(() => {
        disableCode.value = "";
        setState("off");
        show("twofactor-result", "Two-step verification is off.");
        changed();
      })
      .catch((error: unknown) => {
        show("twofactor-error", messageOf(error));
      })
      .finally(() => {
        disableButton.disabled = false;
      });
  });

  startButton.disabled = false;
  confirmButton.disabled = false;
  disableButton.disabled = false;
  return {
    render(status) {
      // An enrolment under way or recovery codes on screen are not interrupted by a new read.
      if (card.dataset.state === "enrolling" || card.dataset.state === "codes") return;
      if (!status.enabled) {
        setState("off");
        return;
      }
      const since = status.enrolledAt === null ? "" : ` since ${when(status.enrolledAt)}`;
      const left = `${status.recoveryCodesLeft} recovery ${status.recoveryCodesLeft === 1 ? "code" : "codes"} left`;
      element("twofactor-summary").textContent = `On${since} · ${left}.`;
      setState("on");
    },
  };
}
