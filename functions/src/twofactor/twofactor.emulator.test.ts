// The second factor against the Firestore emulator, in-process with an injected clock (time moves
// by the test, never by waiting): enrolment, one step either side and no further, a code accepted
// once (also under 5 concurrent submissions), recovery codes once each, wrong codes counted like the
// PIN's, disabling, and step-up grants single-use, bound to their operation and amount, expiring
// after 5 minutes, consumed by withdraw, changePin and payBill. One enrolment over HTTP proves the
// callables' wiring and the emulator's TOTP_ENCRYPTION_KEY.
import { randomInt, randomUUID } from "node:crypto";

import { Timestamp } from "firebase-admin/firestore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { VTPASS } from "../../../sandbox/src/settings.js";
import { call, kenyanPhone, randomIp, signUpAnonymous } from "../../../tests/support/client.js";
import { eventually } from "../../../tests/support/eventually.js";
import { adminDb } from "../../../tests/support/firestore.js";
import { localVtpass, type LocalSimulator } from "../../../tests/support/local-simulators.js";
import { emulatorSecrets, simulatorPayoutProvider } from "../../../tests/support/providers.js";
import { refusal } from "../../../tests/support/refusal.js";
import { refreshCatalogue } from "../bills/catalogue.js";
import { BILLS } from "../bills/collections.js";
import { payBill } from "../bills/pay.js";
import { quoteBill } from "../bills/quote-bill.js";
import type { Caller } from "../core/callable.js";
import { seedLocalFeeRules } from "../fees/local-rules.js";
import { createQuote } from "../fees/quote.js";
import { accounts } from "../ledger/accounts.js";
import { postEntry, readBalances } from "../ledger/journal.js";
import { paymentSchema, paymentsCollection } from "../payments/records.js";
import { dispatchStatusChange } from "../payments/settlement.js";
import { DEFAULT_FLOAT_LOW, DEFAULT_WITHDRAWAL_LIMITS } from "../payouts/config.js";
import { WITHDRAWALS } from "../payouts/collections.js";
import { withdraw } from "../payouts/withdraw.js";
import { VtpassBills } from "../providers/vtpass/vtpass.js";
import { getWallet } from "../wallet/get-wallet.js";
import { PIN_LOCK_MS } from "../wallet/pin-policy.js";
import { changePin, setPin, verifyPin } from "../wallet/pin.js";
import { STEP_UP_GRANTS, TWO_FACTOR } from "./collections.js";
import { decryptSecret, RECOVERY_CODE_COUNT } from "./crypto.js";
import { confirmTwoFactorEnrolment, disableTwoFactor, startTwoFactorEnrolment } from "./enrol.js";
import { twoFactorStatus } from "./factor.js";
import { stepUpInput } from "./schemas.js";
import { consumeStepUp, STEP_UP_GRANT_MS, stepUp } from "./step-up.js";
import { stepAt, TOTP_PERIOD_SECONDS, totpCode } from "./totp.js";

// The secrets the Functions emulator gets, so in-process calls encrypt and hash as the functions do.
process.env.PIN_PEPPER = emulatorSecrets.PIN_PEPPER ?? "";
process.env.TOTP_ENCRYPTION_KEY = emulatorSecrets.TOTP_ENCRYPTION_KEY ?? "";

const db = adminDb();
const PIN = "4821";
const STEP_MS = TOTP_PERIOD_SECONDS * 1000;
const MINUTE = 60_000;

/** A user, and a clock only the test moves: it starts mid-step, so ±1 step is unambiguous. */
function setup(prefix = "2fa") {
  const caller: Caller = { uid: `${prefix}-${randomUUID()}`, ip: randomIp() };
  const clock = { at: (stepAt(Date.now()) * TOTP_PERIOD_SECONDS + 15) * 1000 };
  const deps = { db, now: () => clock.at };
  return { caller, clock, deps };
}

type Setup = ReturnType<typeof setup>;

function secretOf(otpauthUri: string): string {
  const secret = new URL(otpauthUri).searchParams.get("secret");
  if (!secret) throw new Error(`no secret in ${otpauthUri}`);
  return secret;
}

/** Enrols the user (start, then a current code), moving the clock one step on so the next code is new. */
async function enrolled(user: Setup) {
  const { caller, clock, deps } = user;
  const enrolment = await startTwoFactorEnrolment({}, caller, deps);
  const secret = secretOf(enrolment.otpauthUri);
  const { recoveryCodes } = await confirmTwoFactorEnrolment({ code: totpCode(secret, clock.at) }, caller, deps);
  clock.at += STEP_MS;
  /** The code the app shows now. */
  const code = () => totpCode(secret, clock.at);
  return { secret, recoveryCodes, code };
}

const record = async (uid: string) => (await TWO_FACTOR.ref(db).doc(uid).get()).data();
const grantsOf = async (uid: string) => (await STEP_UP_GRANTS.ref(db).where("uid", "==", uid).get()).docs;

describe("enrolment", () => {
  it("answers an otpauth URI and its QR code, keeps the secret only encrypted, and turns on with a current code", async () => {
    const user = setup();
    const { caller, clock, deps } = user;
    const enrolment = await startTwoFactorEnrolment({}, caller, deps);
    const uri = new URL(enrolment.otpauthUri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(Object.fromEntries(uri.searchParams)).toMatchObject({
      issuer: "Malipo",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
      secret: enrolment.secret,
    });
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(enrolment.qrCode.split(",")[1] ?? "", "base64").toString()).toContain("<svg");

    // Stored encrypted, bound to this user: the secret is nowhere in the document.
    const pending = await record(caller.uid);
    expect(pending).toMatchObject({ status: "pending", lastStep: null, recoveryCodes: [], enrolledAt: null });
    const text = JSON.stringify((await TWO_FACTOR.ref(db).doc(caller.uid).get()).data());
    expect(text).not.toContain(enrolment.secret);
    expect(decryptSecret(pending!.secret, caller.uid)).toBe(enrolment.secret);
    expect(() => decryptSecret(pending!.secret, "someone-else")).toThrow();
    // Not in force until confirmed.
    expect(await twoFactorStatus(db, caller.uid)).toEqual({ enabled: false, enrolledAt: null, recoveryCodesLeft: 0 });

    // A wrong code is refused and counted; a current one turns it on and answers the recovery codes once.
    const wrong = String((Number(totpCode(enrolment.secret, clock.at)) + 1) % 1_000_000).padStart(6, "0");
    expect(await refusal(confirmTwoFactorEnrolment({ code: wrong }, caller, deps))).toMatchObject({
      code: "invalid-argument",
      message: "code: that code is not right. 4 tries left.",
    });
    const confirmed = await confirmTwoFactorEnrolment({ code: totpCode(enrolment.secret, clock.at) }, caller, deps);
    expect(confirmed.enabled).toBe(true);
    expect(confirmed.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(confirmed.recoveryCodes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of confirmed.recoveryCodes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    const enabled = await record(caller.uid);
    expect(enabled).toMatchObject({ status: "enabled", lastStep: stepAt(clock.at), wrongAttempts: 0 });
    const stored = JSON.stringify((await TWO_FACTOR.ref(db).doc(caller.uid).get()).data());
    for (const code of confirmed.recoveryCodes) {
      expect(stored).not.toContain(code);
      expect(stored).not.toContain(code.replace("-", ""));
    }
    const wallet = await getWallet({}, caller, deps);
    expect(wallet.twoFactor).toEqual({
      enabled: true,
      enrolledAt: clock.at,
      recoveryCodesLeft: RECOVERY_CODE_COUNT,
    });

    // On once: a second enrolment is refused until it is turned off.
    expect(await refusal(startTwoFactorEnrolment({}, caller, deps))).toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("already on"),
    });
    expect(await refusal(confirmTwoFactorEnrolment({ code: "123456" }, caller, deps))).toMatchObject({
      code: "failed-precondition",
      message: "Two-step verification is already on.",
    });
  });

  it("accepts a code one step either side of now and refuses one two steps old or ahead", async () => {
    for (const [offset, accepted] of [
      [-2, false],
      [2, false],
      [-1, true],
      [1, true],
    ] as const) {
      const { caller, clock, deps } = setup();
      const { secret } = await startTwoFactorEnrolment({}, caller, deps);
      const code = totpCode(secret, clock.at + offset * STEP_MS);
      const answer = confirmTwoFactorEnrolment({ code }, caller, deps);
      if (accepted) {
        await expect(answer).resolves.toMatchObject({ enabled: true });
        expect((await record(caller.uid))?.lastStep).toBe(stepAt(clock.at) + offset);
      } else {
        expect(await refusal(answer)).toMatchObject({
          code: "invalid-argument",
          message: /^code: that code is not right/,
        });
        expect((await record(caller.uid))?.status).toBe("pending");
      }
    }
  });

  it("needs a start before a confirmation, and a new start keeps the wrong tries", async () => {
    const { caller, clock, deps } = setup();
    expect(await refusal(confirmTwoFactorEnrolment({ code: "123456" }, caller, deps))).toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("Start the enrolment first"),
    });
    const first = await startTwoFactorEnrolment({}, caller, deps);
    const wrong = totpCode(first.secret, clock.at + 5 * STEP_MS);
    await refusal(confirmTwoFactorEnrolment({ code: wrong }, caller, deps));
    await refusal(confirmTwoFactorEnrolment({ code: wrong }, caller, deps));
    const second = await startTwoFactorEnrolment({}, caller, deps);
    expect(second.secret).not.toBe(first.secret);
    expect(await record(caller.uid)).toMatchObject({ status: "pending", wrongAttempts: 2 });
    // The first secret no longer enrols.
    expect(
      await refusal(confirmTwoFactorEnrolment({ code: totpCode(first.secret, clock.at) }, caller, deps)),
    ).toMatchObject({
      message: "code: that code is not right. 2 tries left.",
    });
  });
});

describe("a code is accepted once", () => {
  it("refuses the same code again, and a code of an earlier step still in the window", async () => {
    const user = setup();
    const { caller, clock, deps } = user;
    const { secret, code } = await enrolled(user);
    const now = code();
    const grant = await stepUp({ operation: "changePin", code: now }, caller, deps);
    expect(grant).toMatchObject({ operation: "changePin", amount: null, currency: null });
    expect(await refusal(stepUp({ operation: "changePin", code: now }, caller, deps))).toMatchObject({
      code: "invalid-argument",
      message: expect.stringMatching(/^code: that code was already used\. Wait for your authenticator app/),
    });
    // The previous step's code is still inside the window, but older than the one accepted.
    const previous = totpCode(secret, clock.at - STEP_MS);
    expect(await refusal(stepUp({ operation: "changePin", code: previous }, caller, deps))).toMatchObject({
      message: expect.stringMatching(/^code: that code was already used/),
    });
    // A replay counts no wrong try; the next step's code works.
    expect((await record(caller.uid))?.wrongAttempts).toBe(0);
    clock.at += STEP_MS;
    await expect(stepUp({ operation: "changePin", code: code() }, caller, deps)).resolves.toMatchObject({
      operation: "changePin",
    });
    expect(await grantsOf(caller.uid)).toHaveLength(2);
  });

  it("5 concurrent submissions of one code: exactly one grant, 4 refused as already used", async () => {
    const user = setup();
    const { caller, deps } = user;
    const { code } = await enrolled(user);
    const now = code();
    const answers = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        stepUp({ operation: "withdraw", amount: 300_00, currency: "KES", code: now }, caller, deps),
      ),
    );
    const granted = answers.filter((answer) => answer.status === "fulfilled");
    const refused = answers.flatMap((answer) => (answer.status === "rejected" ? [answer.reason as Error] : []));
    expect(granted).toHaveLength(1);
    expect(refused).toHaveLength(4);
    for (const error of refused) expect(error.message).toMatch(/^code: that code was already used/);
    expect(await grantsOf(caller.uid)).toHaveLength(1);
    expect(await record(caller.uid)).toMatchObject({ lastStep: stepAt(user.clock.at), wrongAttempts: 0 });
  });
});

describe("recovery codes", () => {
  it("each works once, in any typing, and 5 concurrent uses of one code spend it once", async () => {
    const user = setup();
    const { caller, deps } = user;
    const { recoveryCodes } = await enrolled(user);
    const [first, second, third] = recoveryCodes as [string, string, string];
    await expect(stepUp({ operation: "changePin", recoveryCode: first }, caller, deps)).resolves.toMatchObject({
      operation: "changePin",
    });
    expect(await refusal(stepUp({ operation: "changePin", recoveryCode: first }, caller, deps))).toMatchObject({
      code: "invalid-argument",
      message: "recoveryCode: that recovery code was already used; each works once.",
    });
    // Lower case and without the dash is the same code.
    await expect(
      stepUp({ operation: "changePin", recoveryCode: second.toLowerCase().replace("-", "") }, caller, deps),
    ).resolves.toMatchObject({ operation: "changePin" });

    const answers = await Promise.allSettled(
      Array.from({ length: 5 }, () => stepUp({ operation: "changePin", recoveryCode: third }, caller, deps)),
    );
    expect(answers.filter((answer) => answer.status === "fulfilled")).toHaveLength(1);
    expect(await grantsOf(caller.uid)).toHaveLength(3);
    expect(await twoFactorStatus(db, caller.uid)).toMatchObject({ recoveryCodesLeft: RECOVERY_CODE_COUNT - 3 });
    expect((await grantsOf(caller.uid)).map((doc) => doc.data().method)).toEqual(
      expect.arrayContaining(["recovery-code", "recovery-code", "recovery-code"]),
    );

    // A code that is none of them counts as a wrong try.
    expect(await refusal(stepUp({ operation: "changePin", recoveryCode: "00000-00000" }, caller, deps))).toMatchObject({
      code: "invalid-argument",
      message: "recoveryCode: that is not one of your recovery codes. 4 tries left.",
    });
  });
});

describe("wrong codes", () => {
  it("7 wrong at once count 5 and lock for 15 minutes, refusing even a right code; then it works again", async () => {
    const user = setup();
    const { caller, clock, deps } = user;
    const { secret, code } = await enrolled(user);
    const wrong = totpCode(secret, clock.at + 10 * STEP_MS);
    const answers = await Promise.allSettled(
      Array.from({ length: 7 }, () => stepUp({ operation: "changePin", code: wrong }, caller, deps)),
    );
    const messages = answers.map((answer) =>
      answer.status === "rejected" ? (answer.reason as Error).message : "granted",
    );
    expect(messages.filter((message) => message.startsWith("code: that code is not right"))).toHaveLength(5);
    expect(messages.filter((message) => message.startsWith("Two-step verification is locked"))).toHaveLength(2);
    expect(await record(caller.uid)).toMatchObject({
      wrongAttempts: 5,
      lockedUntil: Timestamp.fromMillis(clock.at + PIN_LOCK_MS),
    });

    clock.at += 14 * MINUTE;
    expect(await refusal(stepUp({ operation: "changePin", code: code() }, caller, deps))).toMatchObject({
      code: "resource-exhausted",
      message: "Two-step verification is locked after 5 wrong codes: try again in 60 seconds.",
      details: { retryAfterSeconds: 60 },
    });
    clock.at += MINUTE;
    await expect(stepUp({ operation: "changePin", code: code() }, caller, deps)).resolves.toMatchObject({
      operation: "changePin",
    });
    expect(await record(caller.uid)).toMatchObject({ wrongAttempts: 0, lockedUntil: null });
  });
});

describe("disabling", () => {
  it("needs a current code or a recovery code; afterwards nothing asks for a code", async () => {
    const user = setup();
    const { caller, clock, deps } = user;
    const { secret, code, recoveryCodes } = await enrolled(user);
    expect(
      await refusal(disableTwoFactor({ code: totpCode(secret, clock.at + 9 * STEP_MS) }, caller, deps)),
    ).toMatchObject({ code: "invalid-argument", message: "code: that code is not right. 4 tries left." });
    expect((await record(caller.uid))?.status).toBe("enabled");
    await expect(disableTwoFactor({ code: code() }, caller, deps)).resolves.toEqual({ enabled: false });
    expect(await record(caller.uid)).toBeUndefined();
    expect(await twoFactorStatus(db, caller.uid)).toMatchObject({ enabled: false });
    expect(await refusal(disableTwoFactor({ code: code() }, caller, deps))).toMatchObject({
      code: "failed-precondition",
      message: "Two-step verification is not on for your account.",
    });
    expect(await refusal(stepUp({ operation: "changePin", code: code() }, caller, deps))).toMatchObject({
      code: "failed-precondition",
    });

    // Enrolled again, a recovery code turns it off too (a lost phone); the old codes are gone.
    clock.at += STEP_MS;
    const again = await enrolled(user);
    expect(await refusal(disableTwoFactor({ recoveryCode: recoveryCodes[0] ?? "" }, caller, deps))).toMatchObject({
      message: expect.stringMatching(/^recoveryCode: that is not one of your recovery codes/),
    });
    await expect(disableTwoFactor({ recoveryCode: again.recoveryCodes[0] ?? "" }, caller, deps)).resolves.toEqual({
      enabled: false,
    });
  });
});

describe("step-up grants", () => {
  it("are bound to their operation, amount and currency, single-use and expire after 5 minutes; a refusal changes nothing", async () => {
    const user = setup();
    const { caller, clock, deps } = user;
    const { code } = await enrolled(user);
    const grant = await stepUp({ operation: "withdraw", amount: 300_00, currency: "KES", code: code() }, caller, deps);
    expect(grant.expiresAt).toBe(clock.at + STEP_UP_GRANT_MS);
    const use = { uid: caller.uid, grantId: grant.grantId, now: clock.at, claim: "withdraw:a" };
    const refusals = [
      [{ ...use, operation: "changePin" as const }, "this step-up grant is for a withdrawal, not a PIN change."],
      [{ ...use, operation: "payBill" as const, amount: 300_00, currency: "KES" as const }, "not a bill payment"],
      [
        { ...use, operation: "withdraw" as const, amount: 500_00, currency: "KES" as const },
        "is for KES 300.00, not for a withdrawal of KES 500.00",
      ],
      [
        { ...use, operation: "withdraw" as const, amount: 300_00, currency: "UGX" as const },
        "is for KES 300.00, not for a withdrawal of UGX 30,000",
      ],
      [
        { ...use, uid: "someone-else", operation: "withdraw" as const, amount: 300_00, currency: "KES" as const },
        "there is no such step-up grant for you",
      ],
      [
        {
          ...use,
          operation: "withdraw" as const,
          amount: 300_00,
          currency: "KES" as const,
          now: clock.at + STEP_UP_GRANT_MS,
        },
        "this step-up grant has expired",
      ],
    ] as const;
    for (const [attempt, message] of refusals) {
      const error = await refusal(consumeStepUp(db, attempt));
      expect(error.code).toBe("failed-precondition");
      expect(error.message).toContain(message);
      expect(error.details).toMatchObject({ stepUpRequired: true, operation: attempt.operation });
    }
    expect((await STEP_UP_GRANTS.ref(db).doc(grant.grantId).get()).data()).toMatchObject({
      usedBy: null,
      usedAt: null,
    });

    // The right use, at the last millisecond: once; the same attempt again goes on; another is refused.
    const right = {
      ...use,
      operation: "withdraw" as const,
      amount: 300_00,
      currency: "KES" as const,
      now: clock.at + STEP_UP_GRANT_MS - 1,
    };
    const attempts = await Promise.allSettled(
      ["withdraw:a", "withdraw:b", "withdraw:c", "withdraw:d", "withdraw:e"].map((claim) =>
        consumeStepUp(db, { ...right, claim }),
      ),
    );
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(1);
    const usedBy = (await STEP_UP_GRANTS.ref(db).doc(grant.grantId).get()).data()?.usedBy;
    expect(usedBy).toMatch(/^withdraw:[a-e]$/);
    await expect(consumeStepUp(db, { ...right, claim: usedBy ?? "" })).resolves.toBeUndefined();
    expect((await refusal(consumeStepUp(db, { ...right, claim: "withdraw:z" }))).message).toContain("already used");
  });

  it("stepUp's input: money operations name their amount and currency, others do not, and one factor only", () => {
    const issues = (data: unknown) => {
      const parsed = stepUpInput.safeParse(data);
      return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    };
    expect(issues({ operation: "withdraw", code: "123456" })).toEqual([
      "amount: is required for withdraw",
      "currency: is required for withdraw",
    ]);
    expect(issues({ operation: "changePin", amount: 1, code: "123456" })).toEqual([
      "amount: is not part of changePin; leave it out",
    ]);
    expect(issues({ operation: "changePin", code: "123456", recoveryCode: "AAAAA-BBBBB" })).toContain(
      "code: send either code (from your authenticator app) or recoveryCode, not both",
    );
    expect(issues({ operation: "changePin" })).toContain(
      "code: send either code (from your authenticator app) or recoveryCode, not both",
    );
    expect(issues({ operation: "withdraw", amount: 300_00, currency: "KES", code: "123456" })).toEqual([]);
  });
});

/** A user with a PIN who topped up `shillings` from `phone` (as the withdraw tests seed one). */
async function topUpCustomer(user: Setup, phone: string, shillings: number) {
  const { caller } = user;
  await setPin({ pin: PIN }, caller, { db, now: Date.now });
  const paymentId = randomUUID().replaceAll("-", "");
  const now = Timestamp.now();
  const payment = paymentSchema.parse({
    uid: caller.uid,
    purpose: "wallet-topup",
    provider: "mpesa",
    amount: shillings * 100,
    currency: "KES",
    phone,
    email: null,
    name: null,
    reference: null,
    status: "succeeded",
    providerReference: `ref-${paymentId}`,
    receipt: `R${paymentId.slice(0, 9).toUpperCase()}`,
    failureCode: null,
    customerMessage: "Paid.",
    idempotencyKey: randomUUID(),
    verified: true,
    initiatedAt: now,
    createdAt: now,
    updatedAt: now,
    settledAt: now,
  });
  await paymentsCollection(db).doc(paymentId).set(payment);
  await dispatchStatusChange(db, paymentId, { ...payment, status: "processing" }, payment, "seed");
}

describe("operations that need a step-up", () => {
  beforeAll(async () => {
    await seedLocalFeeRules(db);
  });

  it("withdraw: without a grant or with one for another amount nothing is held; with its grant it goes, once", async () => {
    const user = setup("2fa-withdraw");
    const { caller, clock } = user;
    const phone = kenyanPhone("0000");
    await topUpCustomer(user, phone, 1_000);
    const { code } = await enrolled(user);
    const payoutsDeps = {
      db,
      provider: simulatorPayoutProvider,
      now: () => clock.at,
      verifyPin,
      limits: () => DEFAULT_WITHDRAWAL_LIMITS,
      floatLow: () => DEFAULT_FLOAT_LOW,
      allowSandboxPayers: true,
    };
    const quote = await createQuote(
      db,
      caller.uid,
      { service: "withdrawal", amount: 300_00, currency: "KES" },
      clock.at,
    );
    const input = { idempotencyKey: randomUUID(), quoteId: quote.quoteId, phone, pin: PIN };
    const unchanged = async () => {
      expect((await readBalances(db, accounts.wallet(caller.uid, "KES"))).pendingDebits).toBe(0);
      expect((await WITHDRAWALS.ref(db).where("uid", "==", caller.uid).get()).size).toBe(0);
    };

    const missing = await refusal(withdraw(input, caller, payoutsDeps));
    expect(missing).toMatchObject({
      code: "failed-precondition",
      message:
        "stepUpGrant: a withdrawal of KES 300.00 needs a code from your authenticator app (two-step verification is on). Enter it, then try again.",
      details: { stepUpRequired: true, operation: "withdraw", amount: 300_00, currency: "KES" },
    });
    await unchanged();

    const other = await stepUp(
      { operation: "withdraw", amount: 200_00, currency: "KES", code: code() },
      caller,
      user.deps,
    );
    expect((await refusal(withdraw({ ...input, stepUpGrant: other.grantId }, caller, payoutsDeps))).message).toContain(
      "is for KES 200.00, not for a withdrawal of KES 300.00",
    );
    await unchanged();

    clock.at += STEP_MS;
    const grant = await stepUp(
      { operation: "withdraw", amount: 300_00, currency: "KES", code: code() },
      caller,
      user.deps,
    );
    // A wrong PIN: the grant is this withdrawal's now, and the same attempt with the right PIN goes.
    const wrongPin = await refusal(
      withdraw({ ...input, pin: "9137", stepUpGrant: grant.grantId }, caller, payoutsDeps),
    );
    expect(wrongPin.message).toMatch(/^pin: that PIN is not right/);
    await unchanged();
    const view = await withdraw({ ...input, stepUpGrant: grant.grantId }, caller, payoutsDeps);
    expect(view).toMatchObject({ amount: 300_00, currency: "KES" });
    // Once it has settled (the simulator pays it), another withdrawal cannot use the same grant.
    await eventually(
      async () => (await WITHDRAWALS.ref(db).doc(view.withdrawalId).get()).data()?.status,
      (status) => status === "succeeded",
    );
    const quote2 = await createQuote(
      db,
      caller.uid,
      { service: "withdrawal", amount: 300_00, currency: "KES" },
      clock.at,
    );
    const again = await refusal(
      withdraw(
        { idempotencyKey: randomUUID(), quoteId: quote2.quoteId, phone, pin: PIN, stepUpGrant: grant.grantId },
        caller,
        payoutsDeps,
      ),
    );
    expect(again.message).toContain("this step-up grant was already used");
    expect((await WITHDRAWALS.ref(db).where("uid", "==", caller.uid).get()).size).toBe(1);
  });

  it("changePin: asks for a grant first; a wrong current PIN does not spend it; the right one does, once", async () => {
    const user = setup("2fa-pin");
    const { caller, clock, deps } = user;
    await setPin({ pin: PIN }, caller, deps);
    const { code } = await enrolled(user);
    const missing = await refusal(changePin({ currentPin: PIN, newPin: "905172" }, caller, deps));
    expect(missing).toMatchObject({
      code: "failed-precondition",
      message: expect.stringContaining("a PIN change needs a code from your authenticator app"),
      details: { stepUpRequired: true, operation: "changePin" },
    });
    const grant = await stepUp({ operation: "changePin", code: code() }, caller, deps);
    const wrong = await refusal(
      changePin({ currentPin: "9137", newPin: "905172", stepUpGrant: grant.grantId }, caller, deps),
    );
    expect(wrong.message).toMatch(/^currentPin: that PIN is not right/);
    expect((await STEP_UP_GRANTS.ref(db).doc(grant.grantId).get()).data()?.usedBy).toBeNull();
    await expect(
      changePin({ currentPin: PIN, newPin: "905172", stepUpGrant: grant.grantId }, caller, deps),
    ).resolves.toEqual({
      pinSet: true,
    });
    await expect(verifyPin(db, caller.uid, "905172", clock.at)).resolves.toBeUndefined();
    const reused = await refusal(
      changePin({ currentPin: "905172", newPin: "736150", stepUpGrant: grant.grantId }, caller, deps),
    );
    expect(reused.message).toContain("this step-up grant was already used");
    await expect(verifyPin(db, caller.uid, "905172", clock.at)).resolves.toBeUndefined();
  });

  describe("payBill", () => {
    let sim: LocalSimulator;
    let provider: VtpassBills;
    beforeAll(async () => {
      sim = await localVtpass();
      provider = new VtpassBills({
        baseUrl: `${sim.baseUrl}/api`,
        apiKey: VTPASS.apiKey,
        publicKey: VTPASS.publicKey,
        secretKey: VTPASS.secretKey,
        timeoutMs: 1_500,
      });
      await refreshCatalogue(db, provider, Date.now);
    });
    afterAll(async () => {
      await sim.close();
    });

    it("a purchase above STEP_UP_PURCHASE_OVER needs a grant for its amount; one below it does not", async () => {
      const user = setup("2fa-bill");
      const { caller, clock, deps } = user;
      await setPin({ pin: PIN }, caller, deps);
      await postEntry(db, {
        id: `topup:${randomUUID()}`,
        kind: "topup",
        postings: [
          { account: accounts.clearing("paystack", "NGN"), side: "debit", amount: 10_000_00 },
          { account: accounts.wallet(caller.uid, "NGN"), side: "credit", amount: 10_000_00 },
        ],
      });
      const { code } = await enrolled(user);
      const billsDeps = {
        db,
        provider: () => provider,
        now: () => clock.at,
        verifyPin,
        stepUpPurchaseOver: () => ({ NGN: 500_00 }),
      };
      const buy = async (naira: number, stepUpGrant?: string) => {
        const quoted = await quoteBill({ serviceId: "mtn", amount: naira * 100 }, caller, billsDeps);
        const input = {
          idempotencyKey: randomUUID(),
          quoteId: quoted.quoteId,
          serviceId: "mtn",
          customerNumber: `080${String(randomInt(10_000_000, 99_999_999))}`,
          pin: PIN,
          ...(stepUpGrant ? { stepUpGrant } : {}),
        };
        return payBill(input, caller, billsDeps);
      };
      // NGN 500.00 is not above the threshold: the PIN is enough.
      await expect(buy(500)).resolves.toMatchObject({ amount: 500_00 });
      const missing = await refusal(buy(1_000));
      expect(missing).toMatchObject({
        code: "failed-precondition",
        message: expect.stringContaining("a bill payment of NGN 1,000.00 needs a code from your authenticator app"),
      });
      const grant = await stepUp(
        { operation: "payBill", amount: 1_000_00, currency: "NGN", code: code() },
        caller,
        deps,
      );
      await expect(buy(1_000, grant.grantId)).resolves.toMatchObject({ amount: 1_000_00 });
      expect((await refusal(buy(1_000, grant.grantId))).message).toContain("already used");
      expect((await BILLS.ref(db).where("uid", "==", caller.uid).get()).size).toBe(2);
    });
  });
});

describe("the callables over HTTP", () => {
  it("enrol, confirm, step up and disable with the emulator's key (the secret decrypts in-process)", async () => {
    const user = await signUpAnonymous();
    const ip = randomIp();
    const started = await call<{ otpauthUri: string; qrCode: string }>("startTwoFactorEnrolment", {}, { user, ip });
    if (!started.ok) throw new Error(started.message);
    const secret = secretOf(started.result.otpauthUri);
    const stored = await record(user.uid);
    expect(decryptSecret(stored!.secret, user.uid)).toBe(secret);

    const confirmed = await call<{ recoveryCodes: string[] }>(
      "confirmTwoFactorEnrolment",
      { code: totpCode(secret, Date.now()) },
      { user, ip },
    );
    if (!confirmed.ok) throw new Error(confirmed.message);
    expect(confirmed.result.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);

    const granted = await call<{ grantId: string }>(
      "stepUp",
      { operation: "changePin", recoveryCode: confirmed.result.recoveryCodes[0] },
      { user, ip },
    );
    expect(granted).toMatchObject({ ok: true, result: { grantId: expect.stringMatching(/^[a-f0-9]{40}$/) } });
    const replay = await call(
      "stepUp",
      { operation: "changePin", recoveryCode: confirmed.result.recoveryCodes[0] },
      { user, ip },
    );
    expect(replay).toMatchObject({
      ok: false,
      code: "invalid-argument",
      message: expect.stringContaining("already used"),
    });
    const off = await call("disableTwoFactor", { recoveryCode: confirmed.result.recoveryCodes[1] }, { user, ip });
    expect(off).toMatchObject({ ok: true, result: { enabled: false } });
  });
});
