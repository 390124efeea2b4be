// Fault switches shared by the simulators. A rule applies to every request ("per run") or only to
// one payer number ("per request"), optionally a limited number of times. Tests add rules over
// HTTP (POST /__sim/faults) for their own payer numbers, so parallel tests never interfere.
import type { IncomingMessage, ServerResponse } from "node:http";

import { readJson, record, sendJson } from "./http.ts";

export interface FaultRule {
  readonly fault: string;
  /**
   * Only requests for this payer (digits as the provider sees them; Paystack's payer is the
   * email); every request when absent.
   */
  readonly phone?: string;
  /** How many times the fault fires; unlimited when absent. */
  remaining?: number;
  /** A size for faults that have one (how many copies of a delivery). */
  readonly count?: number;
}

/**
 * What a simulator received or did. Besides the API paths it records its own steps, so tests can
 * wait for them instead of for time: "settled" (the payment reached its final status),
 * "callback-dropped" (a drop-callback fault swallowed it) and "callback-answered" (a callback was
 * delivered and answered with `status`, 0 when the delivery failed).
 */
export interface RecordedRequest {
  readonly at: string;
  readonly path: string;
  readonly phone?: string;
  readonly reference?: string;
  readonly status?: number;
}

export class SimulatorState {
  readonly #rules: FaultRule[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly knownFaults: readonly string[];

  constructor(knownFaults: readonly string[]) {
    this.knownFaults = knownFaults;
  }

  /** True when `fault` applies to this request; consumes one use of the matching rule. */
  take(fault: string, phone?: string): boolean {
    return this.takeRule(fault, phone) !== undefined;
  }

  /** The rule for `fault` that applies to this request, if any; consumes one use of it. */
  takeRule(fault: string, phone?: string): FaultRule | undefined {
    const rule = this.#rules.find((r) => r.fault === fault && (r.phone === undefined || r.phone === phone));
    if (!rule) return undefined;
    if (rule.remaining !== undefined) {
      rule.remaining -= 1;
      if (rule.remaining <= 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
    }
    return rule;
  }

  record(entry: Omit<RecordedRequest, "at">): void {
    this.requests.push({ at: new Date().toISOString(), ...entry });
    if (this.requests.length > 50_000) this.requests.splice(0, 10_000);
  }

  /** Handles /__sim/* control requests; returns false for any other path. */
  async control(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith("/__sim/")) return false;
    if (url.pathname === "/__sim/faults" && request.method === "POST") {
      const rules = record(await readJson(request)).rules;
      if (!Array.isArray(rules)) {
        sendJson(response, 400, { error: "send {rules: [{fault, phone?, remaining?, count?}]}" });
        return true;
      }
      for (const raw of rules) {
        const rule = record(raw);
        if (typeof rule.fault !== "string" || !this.knownFaults.includes(rule.fault)) {
          sendJson(response, 400, {
            error: `unknown fault ${String(rule.fault)}; known: ${this.knownFaults.join(", ")}`,
          });
          return true;
        }
        this.#rules.push({
          fault: rule.fault,
          ...(typeof rule.phone === "string" ? { phone: rule.phone } : {}),
          ...(typeof rule.remaining === "number" ? { remaining: rule.remaining } : {}),
          ...(typeof rule.count === "number" ? { count: rule.count } : {}),
        });
      }
      sendJson(response, 200, { ok: true });
      return true;
    }
    if (url.pathname === "/__sim/faults" && request.method === "DELETE") {
      this.#rules.length = 0;
      sendJson(response, 200, { ok: true });
      return true;
    }
    if (url.pathname === "/__sim/requests" && request.method === "GET") {
      const phone = url.searchParams.get("phone");
      const reference = url.searchParams.get("reference");
      sendJson(response, 200, {
        requests: this.requests.filter(
          (r) => (phone === null || r.phone === phone) && (reference === null || r.reference === reference),
        ),
      });
      return true;
    }
    sendJson(response, 404, { error: "unknown simulator control path" });
    return true;
  }
}
