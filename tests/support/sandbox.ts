// Drives the provider simulators' fault switches and reads what they received.
import type { RecordedRequest } from "../../sandbox/src/faults.ts";
import { DARAJA, IOTEC, PAYSTACK, SANDBOX_HOST } from "../../sandbox/src/settings.ts";
import { eventually } from "./eventually.ts";

const origins = {
  daraja: `http://${SANDBOX_HOST}:${DARAJA.port}`,
  iotec: `http://${SANDBOX_HOST}:${IOTEC.port}`,
  paystack: `http://${SANDBOX_HOST}:${PAYSTACK.port}`,
};
export type Simulator = keyof typeof origins;

export type SimulatorRequest = RecordedRequest;

export async function addFault(
  simulator: Simulator,
  rule: { fault: string; phone?: string; remaining?: number; count?: number },
): Promise<void> {
  const response = await fetch(`${origins[simulator]}/__sim/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ rules: [rule] }),
  });
  if (!response.ok) throw new Error(`fault not accepted: ${await response.text()}`);
}

export async function requestsFor(
  simulator: Simulator,
  filter: { phone?: string; reference?: string },
): Promise<SimulatorRequest[]> {
  const query = new URLSearchParams(filter);
  const response = await fetch(`${origins[simulator]}/__sim/requests?${query.toString()}`);
  return ((await response.json()) as { requests: SimulatorRequest[] }).requests;
}

/**
 * Waits until the simulator has recorded `path` (a request or one of its own steps, such as
 * "settled" or "callback-answered") `count` times for this payer or reference.
 */
export async function waitForSimulator(
  simulator: Simulator,
  path: string,
  filter: { phone?: string; reference?: string },
  count = 1,
): Promise<SimulatorRequest[]> {
  const matching = await eventually(
    async () => (await requestsFor(simulator, filter)).filter((request) => request.path === path),
    (found) => found.length >= count,
  );
  return matching;
}

export function simulatorOrigin(simulator: Simulator): string {
  return origins[simulator];
}

/** What the payer does on the simulated Paystack page, without a browser; answers the redirect. */
export async function paystackCheckout(reference: string, action: "pay" | "fail" | "abandon"): Promise<string> {
  const response = await fetch(`${origins.paystack}/__sim/checkout/${encodeURIComponent(reference)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ action }),
  });
  if (!response.ok) throw new Error(`checkout not accepted: ${await response.text()}`);
  return ((await response.json()) as { redirect: string }).redirect;
}
