// The production-shaped host: every function Malipo exports, served by this one Node process the
// way Cloud Run serves a 2nd gen function (HTTPS and callable exports are Express handlers behind
// the platform's body parsing, 80 requests in flight per function), with each Firestore trigger
// registered with the Firestore emulator and its events acknowledged at once and run
// concurrently, as Eventarc delivers them. Scheduled functions are not served.
//
// Started by bench/host/run.ts with the environment of bench/host/env.ts; listens on
// 127.0.0.1:$HOST_PORT and prints "host ready" once the triggers are registered. Control:
//   GET  /__host/stats   Firestore counts per function, CPU ms, event-loop utilisation, gates
//   POST /__host/reset   starts a new measurement window
//   GET  /__host/idle    {idle, requests, triggers}: nothing in flight or queued
import { createRequire } from "node:module";
import path from "node:path";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

import express, { type Request, type Response } from "express";

import { decodeCloudEvent, isFirestoreTrigger, triggerRegistration, type EventTrigger } from "./cloudevent.ts";
import { FirestoreCounter, instrumentFirestoreClient, invocation } from "./counters.ts";
import { Busy, Gate } from "./gate.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the host through bench/host/run.ts`);
  return value;
};
const PORT = Number(required("HOST_PORT"));
const PROJECT = required("GCLOUD_PROJECT");
const FIRESTORE = required("FIRESTORE_EMULATOR_HOST");
const CONCURRENCY = Number(process.env.HOST_CONCURRENCY ?? 80);
const QUEUE = Number(process.env.HOST_QUEUE ?? Number.POSITIVE_INFINITY);

// Before the functions load: the Firestore client they will use is the one instrumented here.
const functionsRequire = createRequire(path.join(ROOT, "functions", "package.json"));
interface ClientClass {
  prototype: Record<string, unknown>;
}
const firestoreModule = functionsRequire(functionsRequire.resolve("@google-cloud/firestore")) as {
  v1: ClientClass & { FirestoreClient?: ClientClass };
};
const gapicClient = firestoreModule.v1.FirestoreClient ?? firestoreModule.v1;
const counter = new FirestoreCounter();
instrumentFirestoreClient(gapicClient.prototype, counter);

interface Endpoint {
  readonly region?: string[];
  readonly httpsTrigger?: unknown;
  readonly callableTrigger?: unknown;
  readonly eventTrigger?: EventTrigger;
  readonly scheduleTrigger?: unknown;
}
type Exported = ((...args: unknown[]) => unknown) & { __endpoint?: Endpoint };

const importStarted = performance.now();
const loaded = (await import(pathToFileURL(path.join(ROOT, "functions", "lib", "index.js")).href)) as Record<
  string,
  Exported
>;
const importMs = performance.now() - importStarted;

interface Invocations {
  count: number;
  errors: number;
}
const invocations = new Map<string, Invocations>();
const gates = new Map<string, Gate>();
const gateFor = (name: string): Gate => {
  let gate = gates.get(name);
  if (!gate) gates.set(name, (gate = new Gate(CONCURRENCY, QUEUE)));
  return gate;
};
function invoked(name: string, failed: boolean): void {
  let entry = invocations.get(name);
  if (!entry) invocations.set(name, (entry = { count: 0, errors: 0 }));
  entry.count++;
  if (failed) entry.errors++;
}

const finished = (res: Response): Promise<void> =>
  new Promise((resolve) => {
    if (res.writableFinished || res.destroyed) resolve();
    res.once("finish", resolve);
    res.once("close", resolve);
  });

const app = express();
// As functionsEmulatorRuntime.js: behind the front end, req.ip comes from X-Forwarded-For.
app.enable("trust proxy");
app.disable("x-powered-by");
const rawBodySaver = (req: Request, _res: Response, buf: Buffer): void => {
  (req as Request & { rawBody?: Buffer }).rawBody = buf;
};
const LIMIT = "32mb";
const bodyParsers = [
  express.json({ limit: LIMIT, verify: rawBodySaver }),
  express.text({ limit: LIMIT, verify: rawBodySaver }),
  express.urlencoded({ extended: true, limit: LIMIT, verify: rawBodySaver }),
  express.raw({ type: "*/*", limit: LIMIT, verify: rawBodySaver }),
];

const served: string[] = [];
const triggers: string[] = [];
const skipped: string[] = [];
let triggersRunning = 0;
let triggersFailed = 0;

for (const [name, fn] of Object.entries(loaded)) {
  const endpoint = fn.__endpoint;
  if (typeof fn !== "function" || !endpoint) continue;
  const region = endpoint.region?.[0] ?? "us-central1";
  if (endpoint.httpsTrigger !== undefined || endpoint.callableTrigger !== undefined) {
    const handle = (req: Request, res: Response): void => {
      gateFor(name)
        .run(() =>
          invocation.run(name, async () => {
            let failed = false;
            try {
              await fn(req, res);
            } catch (error) {
              failed = true;
              if (!res.headersSent) res.status(500).send(String(error));
            }
            await finished(res);
            invoked(name, failed || res.statusCode >= 500);
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof Busy) res.status(429).send("Rate exceeded.");
          else if (!res.headersSent) res.status(500).send(String(error));
        });
    };
    // Mounted as the platform (and the emulator, functionsEmulator.js) presents it: the function
    // sees the path after its own name (/ or /<rest>), as on Cloud Run.
    app.use(`/${PROJECT}/${region}/${name}`, ...bodyParsers, handle);
    served.push(name);
  } else if (endpoint.eventTrigger && isFirestoreTrigger(endpoint.eventTrigger)) {
    const key = `${region}-${name}`;
    const registration = triggerRegistration(PROJECT, key, endpoint.eventTrigger);
    const response = await fetch(`http://${FIRESTORE}${registration.path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(registration.body),
    });
    if (!response.ok) throw new Error(`the Firestore emulator refused trigger ${key}: ${await response.text()}`);
    app.post(
      `/functions/projects/${PROJECT}/triggers/${key}`,
      express.raw({ type: "*/*", limit: LIMIT }),
      (req, res) => {
        let event;
        try {
          event = decodeCloudEvent(req.headers, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
        } catch (error) {
          res.status(400).send(String(error));
          return;
        }
        // Acknowledged at once; the handler runs on, concurrently with the next events.
        res.status(204).end();
        triggersRunning++;
        void gateFor(name)
          .run(() => invocation.run(name, async () => await fn(event)))
          .then(
            () => {
              invoked(name, false);
            },
            (error: unknown) => {
              triggersFailed++;
              invoked(name, true);
              console.error(`[host] ${name} failed on event ${event.id}:`, error);
            },
          )
          .finally(() => {
            triggersRunning--;
          });
      },
    );
    triggers.push(name);
  } else {
    skipped.push(name);
  }
}

let cpuBase = process.cpuUsage();
let eluBase: EventLoopUtilization = performance.eventLoopUtilization();
let windowStarted = performance.now();

const requestsInFlight = (): number =>
  [...gates.entries()]
    .filter(([name]) => served.includes(name))
    .reduce((sum, [, gate]) => sum + gate.stats.inFlight + gate.stats.queued, 0);

app.get("/__host/stats", (_req, res) => {
  const cpu = process.cpuUsage(cpuBase);
  const elu = performance.eventLoopUtilization(eluBase);
  res.json({
    windowMs: performance.now() - windowStarted,
    cpuMs: { user: cpu.user / 1000, system: cpu.system / 1000, total: (cpu.user + cpu.system) / 1000 },
    elu: elu.utilization,
    firestore: { total: counter.total(), byFunction: Object.fromEntries(counter.byFunction) },
    invocations: Object.fromEntries(invocations),
    gates: Object.fromEntries([...gates].map(([name, gate]) => [name, gate.stats])),
    triggersFailed,
    memoryMb: process.memoryUsage().rss / 1024 / 1024,
  });
});
app.post("/__host/reset", (_req, res) => {
  counter.reset();
  invocations.clear();
  for (const gate of gates.values()) gate.resetPeaks();
  triggersFailed = 0;
  cpuBase = process.cpuUsage();
  eluBase = performance.eventLoopUtilization();
  windowStarted = performance.now();
  res.status(204).end();
});
app.get("/__host/idle", (_req, res) => {
  const requests = requestsInFlight();
  res.json({ idle: requests === 0 && triggersRunning === 0, requests, triggers: triggersRunning });
});
app.use((req, res) => {
  res.status(404).send(`no function at ${req.path}`);
});

app.listen(PORT, "127.0.0.1", () => {
  console.log(
    `host ready on 127.0.0.1:${PORT} (import ${importMs.toFixed(0)} ms): serving ${served.join(", ")}; triggers ${triggers.join(", ")}; not served (scheduled) ${skipped.join(", ")}`,
  );
});
