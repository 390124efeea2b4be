// Private simulator instances on an ephemeral port, for adapter tests that need faults no other
// test may see (token endpoint failures) or a controlled clock.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createDarajaSimulator, type DarajaSimulatorOptions } from "../../sandbox/src/daraja.ts";
import type { SimulatorState } from "../../sandbox/src/faults.ts";
import { createIotecSimulator, type IotecSimulatorOptions } from "../../sandbox/src/iotec.ts";
import { DARAJA, IOTEC, VTPASS } from "../../sandbox/src/settings.ts";
import { createVtpassSimulator, type VtpassSimulatorOptions } from "../../sandbox/src/vtpass.ts";
import { eventually } from "./eventually.ts";

export interface LocalSimulator {
  readonly baseUrl: string;
  readonly state: SimulatorState;
  close(): Promise<void>;
}

async function listen(server: Server, state: SimulatorState): Promise<LocalSimulator> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

// Callbacks go to a port nothing listens on: adapter tests read results by query instead.
const NOWHERE = "http://127.0.0.1:9/callback";

export function localDaraja(options: Partial<DarajaSimulatorOptions> = {}): Promise<LocalSimulator> {
  const { server, state } = createDarajaSimulator({ ...DARAJA, callbackDelayMs: 10, timeoutHoldMs: 2_000, ...options });
  return listen(server, state);
}

export function localIotec(options: Partial<IotecSimulatorOptions> = {}): Promise<LocalSimulator> {
  const { server, state } = createIotecSimulator({
    ...IOTEC,
    callbackUrl: NOWHERE,
    callbackDelayMs: 10,
    timeoutHoldMs: 2_000,
    ...options,
  });
  return listen(server, state);
}

export function localVtpass(options: Partial<VtpassSimulatorOptions> = {}): Promise<LocalSimulator> {
  const { server, state } = createVtpassSimulator({
    ...VTPASS,
    webhookUrl: NOWHERE,
    callbackDelayMs: 10,
    timeoutHoldMs: 2_000,
    ...options,
  });
  return listen(server, state);
}

export async function addLocalFault(
  sim: LocalSimulator,
  rule: { fault: string; phone?: string; remaining?: number },
): Promise<void> {
  const response = await fetch(`${sim.baseUrl}/__sim/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ rules: [rule] }),
  });
  if (!response.ok) throw new Error(await response.text());
}

/** Waits until the simulator has finished the payment it knows by `reference` (its "settled" step). */
export async function settled(sim: LocalSimulator, reference: string): Promise<void> {
  await eventually(
    () =>
      Promise.resolve(
        sim.state.requests.some((request) => request.path === "settled" && request.reference === reference),
      ),
    Boolean,
  );
}
