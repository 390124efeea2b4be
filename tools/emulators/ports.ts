// Whether the emulators' ports (firebase.json) are free. A run that starts while an earlier one is
// still letting go of them (the Java emulators take a few seconds to exit) waits for them rather
// than failing on firebase-tools' "port is not open" warnings.
import { connect } from "node:net";

import { emulatorListens, type Listen } from "./environment.ts";

export interface TakenPort {
  readonly emulator: string;
  readonly port: number;
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      resolve(false);
    });
  });
}

type Listens = Readonly<Record<string, Listen | undefined>>;

/** The configured emulator ports something is listening on now. */
export async function takenEmulatorPorts(configured: Listens = emulatorListens()): Promise<TakenPort[]> {
  const listens = Object.entries(configured).flatMap(([emulator, listen]) =>
    listen?.port === undefined ? [] : [{ emulator, host: listen.host, port: listen.port }],
  );
  const states = await Promise.all(listens.map(({ host, port }) => listening(host, port)));
  return listens.filter((_, i) => states[i]).map(({ emulator, port }) => ({ emulator, port }));
}

/** Waits until no emulator port is taken, or `timeoutMs` passed; resolves with those still taken. */
export async function emulatorPortsFree(
  timeoutMs: number,
  configured: Listens = emulatorListens(),
): Promise<TakenPort[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const taken = await takenEmulatorPorts(configured);
    if (taken.length === 0 || Date.now() > deadline) return taken;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function describeTaken(taken: readonly TakenPort[]): string {
  return taken.map(({ emulator, port }) => `${port} (${emulator})`).join(", ");
}
