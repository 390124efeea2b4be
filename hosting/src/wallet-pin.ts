// The wallet PIN: setPin({ pin }) the first time, changePin({ currentPin, newPin }) after; both
// answer { pinSet: true }. The functions decide what a valid PIN is, so the page shows their
// sentence ("pin: must be 4 to 6 digits.") rather than guessing the rule.
import { httpsCallable } from "./device";

import { element, hide, show } from "./dom";
import { messageOf } from "./errors";
import type { Client } from "./firebase";
import { stepUpAsked, stepUpGrant } from "./wallet-twofactor";

interface PinAnswer {
  readonly pinSet: true;
}

function submitting(
  formId: string,
  buttonId: string,
  /** The call, or what to fix before calling. */
  send: () => Promise<unknown> | string,
  done: string,
  reset: () => void,
  refused: (error: unknown) => void = () => undefined,
): void {
  const form = element(formId, HTMLFormElement);
  const button = element(buttonId, HTMLButtonElement);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    hide("pin-error");
    hide("pin-result");
    const sent = send();
    if (typeof sent === "string") {
      show("pin-error", sent);
      return;
    }
    button.disabled = true;
    sent
      .then(() => {
        reset();
        show("pin-result", done);
      })
      .catch((error: unknown) => {
        show("pin-error", messageOf(error));
        refused(error);
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  button.disabled = false;
}

export interface PinForms {
  /** The wallet page read whether two-step verification is on: then a PIN change asks a code. */
  twoFactor(enabled: boolean): void;
}

export function startPin(client: Client, changed: () => void): PinForms {
  const setPin = httpsCallable<{ pin: string }, PinAnswer>(client.functions, "setPin");
  const changePin = httpsCallable<{ currentPin: string; newPin: string; stepUpGrant?: string }, PinAnswer>(
    client.functions,
    "changePin",
  );
  const code = element("change-pin-code", HTMLInputElement);
  let codeNeeded = false;
  const askCode = (needed: boolean): void => {
    codeNeeded = needed;
    element("change-pin-code-field").hidden = !needed;
  };
  const pin = element("new-pin", HTMLInputElement);
  const currentPin = element("current-pin", HTMLInputElement);
  const changedPin = element("changed-pin", HTMLInputElement);

  submitting(
    "set-pin-form",
    "set-pin",
    () => {
      if (!pin.value) return "Enter the PIN you want.";
      return setPin({ pin: pin.value });
    },
    "Your PIN is set.",
    () => {
      pin.value = "";
      changed();
    },
  );
  submitting(
    "change-pin-form",
    "change-pin-button",
    () => {
      if (!currentPin.value || !changedPin.value) return "Enter your current PIN and the new one.";
      const pins = { currentPin: currentPin.value, newPin: changedPin.value };
      if (!codeNeeded) return changePin(pins);
      if (!code.value.trim()) return "Enter the code from your authenticator app.";
      const typed = code.value;
      code.value = "";
      // A grant is used only once the current PIN proved right, but each is for one change.
      return stepUpGrant(client, { operation: "changePin" }, typed).then((grantId) =>
        changePin({ ...pins, stepUpGrant: grantId }),
      );
    },
    "Your PIN is changed.",
    () => {
      currentPin.value = "";
      changedPin.value = "";
    },
    (error) => {
      if (stepUpAsked(error)) askCode(true);
    },
  );
  return {
    twoFactor(enabled) {
      askCode(enabled);
    },
  };
}
