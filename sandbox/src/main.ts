// Starts every provider simulator on 127.0.0.1 and stays up until SIGINT/SIGTERM.
//   node sandbox/src/main.ts
// SANDBOX_CALLBACK_DELAY_MS (default 1500) sets how long a simulated customer takes to answer;
// SANDBOX_TIMEOUT_HOLD_MS (default 20000) how long a "timeout" fault holds a reply;
// SANDBOX_VTPASS_DUPLICATE_WINDOW_MS (default 30000) how long VTpass refuses the same bill (019).
import type { Server } from "node:http";

import { createDarajaSimulator } from "./daraja.ts";
import { createIotecSimulator } from "./iotec.ts";
import { DARAJA, IOTEC, SANDBOX_HOST, VTPASS } from "./settings.ts";
import { createVtpassSimulator } from "./vtpass.ts";

const callbackDelayMs = Number(process.env.SANDBOX_CALLBACK_DELAY_MS ?? 1500);
const timeoutHoldMs = Number(process.env.SANDBOX_TIMEOUT_HOLD_MS ?? 20_000);
const duplicateWindowMs = Number(process.env.SANDBOX_VTPASS_DUPLICATE_WINDOW_MS ?? 30_000);

function listen(name: string, server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error) => {
      reject(new Error(`${name} simulator cannot listen on ${SANDBOX_HOST}:${port}: ${error.message}`));
    });
    server.listen(port, SANDBOX_HOST, () => {
      console.log(`${name} simulator on http://${SANDBOX_HOST}:${port}`);
      resolve();
    });
  });
}

const daraja = createDarajaSimulator({ ...DARAJA, callbackDelayMs, timeoutHoldMs });
const iotec = createIotecSimulator({ ...IOTEC, callbackDelayMs, timeoutHoldMs });
const vtpass = createVtpassSimulator({ ...VTPASS, callbackDelayMs, timeoutHoldMs, duplicateWindowMs });
const servers = [daraja.server, iotec.server, vtpass.server];

try {
  await listen("Daraja (M-Pesa)", daraja.server, DARAJA.port);
  await listen("ioTec (MTN/Airtel Uganda)", iotec.server, IOTEC.port);
  await listen("VTpass (Nigeria bills)", vtpass.server, VTPASS.port);
  console.log("Sandbox ready");
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

function stop(): void {
  for (const server of servers) {
    server.close();
    server.closeAllConnections();
  }
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
