// Child processes for the launcher: one-shot commands that inherit the terminal, and long-running
// services whose output is relayed line by line and watched for a "ready" line.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface Service {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves at the first output line matching `readyWhen`; rejects if the process exits first. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code (128 + signal number style codes are reported as 1). */
  readonly exited: Promise<number>;
}

export interface ServiceOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly readyWhen: RegExp;
  /** Prefix for relayed lines; undefined relays them untouched. */
  readonly prefix?: string;
  /**
   * Runs it in a process group of its own, so that a Ctrl-C at the terminal reaches it only
   * through the supervisor, once. firebase-tools takes a second SIGINT as "exit now" and leaves
   * its Java emulators running, holding their ports.
   */
  readonly ownProcessGroup?: boolean;
}

export function startService(name: string, command: string, args: readonly string[], options: ServiceOptions): Service {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.ownProcessGroup ?? false,
  });
  let markReady: () => void = () => undefined;
  let failReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  const relay = (stream: NodeJS.ReadableStream, out: NodeJS.WriteStream): void => {
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      out.write(options.prefix ? `${options.prefix} ${line}\n` : `${line}\n`);
      if (options.readyWhen.test(line)) markReady();
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  const exited = new Promise<number>((resolve) => {
    child.on("error", (error) => {
      failReady(new Error(`${name} could not start: ${error.message}`));
      resolve(1);
    });
    child.on("exit", (code) => {
      failReady(new Error(`${name} exited before it was ready`));
      resolve(code ?? 1);
    });
  });
  // A rejection nobody awaits (the service ended after start-up) is not an error here.
  ready.catch(() => undefined);
  return { name, child, ready, exited };
}

/**
 * Runs a command with the terminal attached and resolves with its exit code. SIGTERM and SIGHUP
 * are passed on and the child is waited for, so that firebase-tools can stop its emulators and
 * function workers instead of leaving them orphaned. (Ctrl-C reaches the child directly: the
 * terminal signals the whole process group.)
 */
export function run(
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: "inherit" });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    const ignore = (): void => undefined;
    process.on("SIGTERM", forward);
    process.on("SIGHUP", forward);
    process.on("SIGINT", ignore);
    const done = (code: number): void => {
      process.off("SIGTERM", forward);
      process.off("SIGHUP", forward);
      process.off("SIGINT", ignore);
      resolve(code);
    };
    child.on("error", (error) => {
      process.stderr.write(`${command} could not start: ${error.message}\n`);
      done(1);
    });
    child.on("exit", (code) => {
      done(code ?? 1);
    });
  });
}

/** Quotes arguments for the POSIX shell that `firebase emulators:exec` runs its script in. */
export function shellQuote(args: readonly string[]): string {
  return args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(" ");
}

/** Keeps a set of services running together: when one ends or a stop is asked, all end. */
export class Supervisor {
  readonly #services: Service[] = [];
  #stopping = false;

  get stopping(): boolean {
    return this.#stopping;
  }

  add(service: Service): Service {
    this.#services.push(service);
    return service;
  }

  /** Resolves with the first of the current services to exit. */
  firstExit(): Promise<{ service: Service; code: number }> {
    return Promise.race(this.#services.map((service) => service.exited.then((code) => ({ service, code }))));
  }

  /** `step`, unless one of the services exits first. */
  async unlessExit<T>(step: Promise<T>): Promise<T> {
    const exit = this.firstExit().then(({ service, code }) => {
      throw new Error(`${service.name} stopped (exit ${code})`);
    });
    return Promise.race([step, exit]);
  }

  /** Asks every service to end: `signals` names the signal per service (default SIGTERM). */
  stop(signals: Readonly<Record<string, NodeJS.Signals>> = {}): void {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const service of this.#services) service.child.kill(signals[service.name] ?? "SIGTERM");
  }

  async shutdown(signals: Readonly<Record<string, NodeJS.Signals>> = {}): Promise<void> {
    this.stop(signals);
    await Promise.all(this.#services.map((service) => service.exited));
  }
}
