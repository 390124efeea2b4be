import { createServer, type Server } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { describeTaken, emulatorPortsFree, takenEmulatorPorts } from "./ports.ts";

const servers: Server[] = [];

function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve({ server, port: typeof address === "object" && address ? address.port : 0 });
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

afterEach(async () => {
  await Promise.all(
    servers
      .splice(0)
      .filter((s) => s.listening)
      .map(close),
  );
});

describe("emulator ports", () => {
  it("names the ports something listens on, and only those", async () => {
    const held = await listen();
    const free = await listen();
    await close(free.server);
    const configured = {
      firestore: { host: "127.0.0.1", port: held.port },
      auth: { host: "127.0.0.1", port: free.port },
    };
    const taken = await takenEmulatorPorts(configured);
    expect(taken).toEqual([{ emulator: "firestore", port: held.port }]);
    expect(describeTaken(taken)).toBe(`${held.port} (firestore)`);
  });

  it("waits for a port to be let go of", async () => {
    const held = await listen();
    const configured = { pubsub: { host: "127.0.0.1", port: held.port } };
    const waiting = emulatorPortsFree(60_000, configured);
    await close(held.server);
    expect(await waiting).toEqual([]);
  });

  it("gives up after its time and says what is still taken", async () => {
    const held = await listen();
    const configured = { pubsub: { host: "127.0.0.1", port: held.port } };
    expect(await emulatorPortsFree(0, configured)).toEqual([{ emulator: "pubsub", port: held.port }]);
  });
});
