// A stand-in for the HTTPS function a provider posts results to: it records each POST (the path
// after the function name, headers, body and raw bytes) so tests hand real deliveries to an
// adapter's readResult. Binds 127.0.0.1 on an ephemeral port; answers 200 to everything.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

import { eventually } from "./eventually.ts";

export interface ReceivedResult {
  /** The path after the function name, e.g. "/<secret>/payout/<id>". */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly rawBody: Buffer;
}

export interface ResultReceiver {
  /** The function's URL, without any path after its name. */
  readonly url: string;
  readonly received: ReceivedResult[];
  /** Waits until `count` deliveries match and returns them; fails when they do not come. */
  waitFor(match: (result: ReceivedResult) => boolean, count?: number): Promise<ReceivedResult[]>;
  close(): Promise<void>;
}

const FUNCTION = "/payoutResult";

export async function resultReceiver(): Promise<ResultReceiver> {
  const received: ReceivedResult[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const rawBody = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString("utf8")) as unknown;
      } catch {
        body = undefined;
      }
      const path = (request.url ?? "/").startsWith(FUNCTION) ? (request.url ?? "/").slice(FUNCTION.length) : "";
      received.push({ path, headers: request.headers, body, rawBody });
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end('{"ResultCode":0,"ResultDesc":"Accepted"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${FUNCTION}`,
    received,
    waitFor: (match, count = 1) =>
      eventually(
        () => Promise.resolve(received.filter(match)),
        (found) => found.length >= count,
        15_000,
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
