// Facts that live in more than one file and must agree.
import { readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { REGION } from "../functions/src/core/region.ts";
import { DARAJA, IOTEC, PAYSTACK, VTPASS } from "../sandbox/src/settings.ts";
import { EMULATOR_PROJECT, ROOT } from "../tools/emulators/environment.ts";
import { emulatorParams, emulatorSecrets } from "./support/providers.ts";

function json(file: string): unknown {
  return JSON.parse(readFileSync(path.join(ROOT, file), "utf8"));
}

interface FirebaseJson {
  functions: { runtime: string; source: string }[];
  hosting: { rewrites: { function?: { functionId: string; region: string } }[] };
  emulators: Record<string, unknown>;
}

describe("project configuration", () => {
  const firebase = json("firebase.json") as FirebaseJson;

  it("uses the demo project by default, so local runs touch no real resources", () => {
    expect((json(".firebaserc") as { projects: { default: string } }).projects.default).toBe(EMULATOR_PROJECT);
    expect(EMULATOR_PROJECT.startsWith("demo-")).toBe(true);
  });

  it("deploys the functions on the Node major their package declares", () => {
    const engines = (json("functions/package.json") as { engines: { node: string } }).engines;
    expect(firebase.functions.map((codebase) => codebase.runtime)).toEqual([`nodejs${engines.node}`]);
  });

  it("routes every Hosting rewrite to the functions' region", () => {
    const regions = firebase.hosting.rewrites.flatMap((rewrite) => (rewrite.function ? [rewrite.function.region] : []));
    expect(regions.length).toBeGreaterThan(0);
    expect(new Set(regions)).toEqual(new Set([REGION]));
  });

  it("binds every emulator to the loopback address", () => {
    for (const [name, listen] of Object.entries(firebase.emulators)) {
      if (typeof listen === "object" && listen !== null && "port" in listen) {
        expect((listen as { host?: unknown }).host, name).toBe("127.0.0.1");
      }
    }
  });

  it("points the emulator's functions at the simulators, with the simulators' own credentials", () => {
    expect(emulatorParams.MPESA_BASE_URL).toBe(`http://127.0.0.1:${DARAJA.port}`);
    expect(emulatorParams.IOTEC_BASE_URL).toBe(`http://127.0.0.1:${IOTEC.port}`);
    expect(emulatorParams.IOTEC_TOKEN_URL).toBe(`http://127.0.0.1:${IOTEC.port}/connect/token`);
    expect(emulatorParams.MPESA_SHORTCODE).toBe(DARAJA.shortcode);
    expect(emulatorParams.MPESA_B2C_SHORTCODE).toBe(DARAJA.b2cShortcode);
    expect(emulatorParams.MPESA_INITIATOR_NAME).toBe(DARAJA.initiatorName);
    expect(emulatorParams.IOTEC_WALLET_ID).toBe(IOTEC.walletId);
    expect(emulatorParams.VTPASS_BASE_URL).toBe(`http://127.0.0.1:${VTPASS.port}/api`);
    expect(emulatorParams.PAYSTACK_BASE_URL).toBe(`http://127.0.0.1:${PAYSTACK.port}`);
    expect(emulatorParams.PAYSTACK_CALLBACK_URL).toBe(PAYSTACK.callbackUrl);
    expect(emulatorSecrets).toMatchObject({
      MPESA_CONSUMER_KEY: DARAJA.consumerKey,
      MPESA_CONSUMER_SECRET: DARAJA.consumerSecret,
      MPESA_PASSKEY: DARAJA.passkey,
      MPESA_SECURITY_CREDENTIAL: DARAJA.securityCredential,
      IOTEC_CLIENT_ID: IOTEC.clientId,
      IOTEC_CLIENT_SECRET: IOTEC.clientSecret,
      IOTEC_CALLBACK_SECRET: IOTEC.callbackSecret,
      VTPASS_API_KEY: VTPASS.apiKey,
      VTPASS_PUBLIC_KEY: VTPASS.publicKey,
      VTPASS_SECRET_KEY: VTPASS.secretKey,
      PAYSTACK_SECRET_KEY: PAYSTACK.secretKey,
    });
  });

  it("sends the simulators' callbacks to the emulated callback functions", () => {
    const functions = firebase.emulators.functions as { host: string; port: number };
    const base = `http://${functions.host}:${functions.port}/${EMULATOR_PROJECT}/${REGION}`;
    expect(emulatorParams.MPESA_CALLBACK_URL).toBe(`${base}/mpesaCallback`);
    expect(emulatorParams.MPESA_RESULT_URL).toBe(`${base}/darajaResult`);
    expect(IOTEC.callbackUrl).toBe(`${base}/iotecCallback`);
    expect(VTPASS.webhookUrl).toBe(`${base}/vtpassWebhook`);
    expect(PAYSTACK.webhookUrl).toBe(`${base}/paystackWebhook`);
  });

  it("sends Paystack's payers back to the wallet page the Hosting emulator serves", () => {
    const hosting = firebase.emulators.hosting as { host: string; port: number };
    expect(PAYSTACK.callbackUrl).toBe(`http://${hosting.host}:${hosting.port}/wallet.html`);
  });

  it("keeps real secrets out of the committed emulator files", () => {
    for (const value of Object.values(emulatorSecrets))
      expect(value === "disabled" || value.startsWith("sim-") || value.startsWith("sk_test_sim_"), value).toBe(true);
  });
});
