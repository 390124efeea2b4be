// Drives the provider simulators' fault switches and reads what they received.
import { DARAJA, IOTEC, SANDBOX_HOST } from "../../sandbox/src/settings.ts";

const origins = { daraja: `http://${SANDBOX_HOST}:${DARAJA.port}`, iotec: `http://${SANDBOX_HOST}:${IOTEC.port}` };
export type Simulator = keyof typeof origins;

export interface SimulatorRequest {
  readonly at: string;
  readonly path: string;
  readonly phone?: string;
  readonly reference?: string;
}

export async function addFault(
  simulator: Simulator,
  rule: { fault: string; phone?: string; remaining?: number },
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

export function simulatorOrigin(simulator: Simulator): string {
  return origins[simulator];
}
