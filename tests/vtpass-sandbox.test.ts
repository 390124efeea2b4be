// The VTpass simulator's own behaviour that the adapter tests do not reach: webhooks (retries until
// answered {"response":"success"}), the variations-update control, and its key checks.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { VtpassBills } from "../functions/src/providers/vtpass/vtpass.ts";
import { VTPASS } from "../sandbox/src/settings.ts";
import { eventually } from "./support/eventually.ts";
import { addLocalFault, localVtpass, type LocalSimulator } from "./support/local-simulators.ts";

interface Receiver {
  url: string;
  readonly bodies: unknown[];
  /** How many deliveries to answer with something other than success first. */
  refuse: number;
  close(): Promise<void>;
}

async function receiver(): Promise<Receiver> {
  const hook: Receiver = {
    url: "",
    bodies: [],
    refuse: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      hook.bodies.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      const answer = hook.refuse-- > 0 ? { response: "later" } : { response: "success" };
      response.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(hook, { url: `http://127.0.0.1:${port}/vtpassWebhook` });
}

let hook: Receiver;
let sim: LocalSimulator;
let sequence = 0;

const adapter = () =>
  new VtpassBills({
    baseUrl: `${sim.baseUrl}/api`,
    apiKey: VTPASS.apiKey,
    publicKey: VTPASS.publicKey,
    secretKey: VTPASS.secretKey,
    timeoutMs: 5_000,
  });
const requestId = () => `202503101014hook${String(++sequence).padStart(6, "0")}`;
const answered = (reference: string) =>
  sim.state.requests.filter((r) => r.path === "webhook-answered" && r.reference === reference);

beforeEach(async () => {
  hook = await receiver();
  sim = await localVtpass({ webhookUrl: hook.url });
});
afterEach(async () => {
  await sim.close();
  await hook.close();
});

describe("VTpass simulator webhooks", () => {
  it("sends transaction-update when a pending bill resolves, until answered success", async () => {
    hook.refuse = 2;
    const id = requestId();
    const client = adapter();
    await client.pay({
      requestId: id,
      serviceId: "mtn",
      customerNumber: "201000000000",
      amount: 10_000,
      phone: "+2348011111111",
    });
    await eventually(
      () => Promise.resolve(answered(id).length),
      (n) => n >= 3,
    );
    expect(answered(id).map((step) => step.status)).toEqual([200, 200, 200]);
    expect(hook.bodies).toHaveLength(3);
    const webhook = client.readWebhook({ path: "/", headers: {}, body: hook.bodies[2] });
    expect(webhook).toEqual({ kind: "transaction-update", requestId: id, eventKey: `${id}:delivered` });
    expect(await client.requery(id)).toMatchObject({ outcome: "delivered" });
  });

  it("gives up after five deliveries, and sends none under drop-webhook", async () => {
    hook.refuse = 100;
    const id = requestId();
    await adapter().pay({
      requestId: id,
      serviceId: "glo",
      customerNumber: "201000000000",
      amount: 10_000,
      phone: "+2348011111111",
    });
    await eventually(
      () => Promise.resolve(answered(id).length),
      (n) => n >= 5,
    );
    await addLocalFault(sim, { fault: "drop-webhook", phone: "201000000000", remaining: 1 });
    const dropped = requestId();
    await adapter().pay({
      requestId: dropped,
      serviceId: "airtel",
      customerNumber: "201000000000",
      amount: 10_000,
      phone: "+2348011111111",
    });
    await eventually(
      () => Promise.resolve(sim.state.requests.some((r) => r.path === "webhook-dropped" && r.reference === dropped)),
      Boolean,
    );
    expect(answered(id)).toHaveLength(5);
    expect(answered(dropped)).toHaveLength(0);
  });

  it("changes a product's plans on /__sim/variations-update and says so by webhook", async () => {
    const before = await adapter().variations("gotv");
    const response = await fetch(`${sim.baseUrl}/__sim/variations-update`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ serviceID: "gotv" }),
    });
    expect(response.ok).toBe(true);
    const after = await adapter().variations("gotv");
    expect(after).toHaveLength(before.length - 1);
    expect(after[0]?.amount).toBe(Math.round((before[0]!.amount * 11) / 10));
    await eventually(
      () => Promise.resolve(answered("gotv").length),
      (n) => n >= 1,
    );
    expect(adapter().readWebhook({ path: "/", headers: {}, body: hook.bodies[0] })).toMatchObject({
      kind: "variations-update",
      serviceId: "gotv",
    });
  });
});

describe("VTpass simulator keys", () => {
  it("wants api-key and public-key on GET, api-key and secret-key on POST", async () => {
    const get = await fetch(`${sim.baseUrl}/api/service-categories`, {
      headers: { "api-key": VTPASS.apiKey, "secret-key": VTPASS.secretKey },
    });
    expect(get.status).toBe(401);
    expect(await get.json()).toMatchObject({ code: "087" });
    const categories = await fetch(`${sim.baseUrl}/api/service-categories`, {
      headers: { "api-key": VTPASS.apiKey, "public-key": VTPASS.publicKey },
    });
    expect(await categories.json()).toMatchObject({
      content: expect.arrayContaining([{ identifier: "electricity-bill", name: "Electricity Bill" }]),
    });
    const post = await fetch(`${sim.baseUrl}/api/requery`, {
      method: "POST",
      headers: { "api-key": VTPASS.apiKey, "public-key": VTPASS.publicKey, "Content-Type": "application/json" },
      body: JSON.stringify({ request_id: "202503101014x" }),
    });
    expect(post.status).toBe(401);
  });

  it("refuses an unknown fault by name", async () => {
    await expect(addLocalFault(sim, { fault: "no-such-fault" })).rejects.toThrow(/known: pending, timeout/);
  });
});
