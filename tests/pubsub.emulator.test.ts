// The Pub/Sub emulator really runs (scheduled functions and later triggers depend on it):
// a topic and subscription are created and a message goes round trip over its REST API.
import { describe, expect, it } from "vitest";

import { emulatorOrigin, PROJECT_ID } from "./support/emulators.ts";

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status, `${method} ${url}`).toBe(200);
  return response.json();
}

describe("Pub/Sub emulator", () => {
  it("delivers a published message to a subscription", async () => {
    const base = `${await emulatorOrigin("pubsub")}/v1/projects/${PROJECT_ID}`;
    const id = `probe-${Date.now()}`;
    await call(`${base}/topics/${id}`, "PUT", {});
    await call(`${base}/subscriptions/${id}`, "PUT", { topic: `projects/${PROJECT_ID}/topics/${id}` });
    const data = Buffer.from("hello from malipo").toString("base64");
    await call(`${base}/topics/${id}:publish`, "POST", { messages: [{ data }] });
    const pulled = (await call(`${base}/subscriptions/${id}:pull`, "POST", { maxMessages: 1 })) as {
      receivedMessages?: { message: { data: string } }[];
    };
    expect(pulled.receivedMessages?.map((received) => received.message.data)).toEqual([data]);
  });
});
