/**
 * The durability tests' stack, broken on purpose by the tests: a Temporal server on a database file in `dir`
 * (stopped and started again on the same data and port), the deployable worker as a child process (SIGKILLed and
 * started again), a client with the project's payload codec, and bridges as the gateway runs them.
 */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { temporalCliPath } from '../../scripts/paths.mjs';
import { startDevServer } from '../../worker/dev-server.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { freePort, startWorkerProcess, waitUntilPolling, type WorkerProcess } from './processes.ts';
import { startTargetServer, type TargetServer } from './target.ts';

/** The queues the worker process polls once it is ready. */
const QUEUES = { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE };

/** How the stack is started. */
export interface DurableStackOptions {
  /** Follow `TEMPORAL_TARGET` (a cluster on PostgreSQL when it says `cluster`); otherwise always the dev server. @default false */
  readonly followTarget?: boolean;
}

/** The dev server on `dir/temporal.db` (its log in `dir/temporal.log`), without the Web UI. */
async function devServer(dir: string, port: number): Promise<TargetServer> {
  const server = await startDevServer({ cliPath: temporalCliPath(), dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log'), port, uiPort: null });
  return { address: server.address, stop: () => server.stop(), close: () => server.stop() };
}

/** A running durable stack. Start it with {@link startDurableStack}; {@link close} stops everything it started. */
export class DurableStack {
  #server: TargetServer | null = null;
  #serverRunning = false;
  #worker: WorkerProcess | null = null;
  #workersStarted = 0;
  #connection: Connection | null = null;
  #client: Client | null = null;
  readonly #bridges: TemporalBridge[] = [];

  constructor(
    /** Where the server's database, the worker's data and every log live. */
    readonly dir: string,
    readonly port: number,
    private readonly options: DurableStackOptions,
  ) {}

  /** `127.0.0.1:<port>`: the same across server restarts. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** A client over one connection, with the project's payload codec. */
  get client(): Client {
    if (this.#client === null) throw new Error('the durable stack has no client before it started');
    return this.#client;
  }

  /** The worker child that runs now, if any. */
  get worker(): WorkerProcess | null {
    return this.#worker;
  }

  /** False between {@link stopServer} and the next {@link startServer}. */
  get serverRunning(): boolean {
    return this.#serverRunning;
  }

  /** Starts the server (again) on the same data and port. */
  async startServer(): Promise<void> {
    this.#server = await (this.options.followTarget === true ? startTargetServer(this.dir, this.port) : devServer(this.dir, this.port));
    this.#serverRunning = true;
  }

  /** Stops the server, keeping its data for {@link startServer}. */
  async stopServer(): Promise<void> {
    await this.#server?.stop();
    this.#serverRunning = false;
  }

  /** Connects the client (once). */
  async connect(): Promise<void> {
    this.#connection = await Connection.connect({ address: this.address });
    this.#client = new Client({ connection: this.#connection, namespace: 'default', dataConverter: payloadDataConverter() });
  }

  /** Starts a worker child and waits until it polls both task queues; returns how long that took. */
  async startWorker(): Promise<number> {
    const worker = startWorkerProcess({ address: this.address, dataDir: join(this.dir, 'worker-data'), logFile: join(this.dir, `worker-${++this.#workersStarted}.log`) });
    this.#worker = worker;
    return waitUntilPolling(this.client, worker, QUEUES);
  }

  /** SIGKILLs the worker child; returns how it ended (`no worker` when none ran). */
  async killWorker(): Promise<string> {
    const how = (await this.#worker?.kill()) ?? 'no worker';
    this.#worker = null;
    return how;
  }

  /** After a server restart: waits for the running worker to poll again by itself, or restarts it if it does not. */
  async workerPollingAgain(t: TestContext): Promise<void> {
    const running = this.#worker;
    if (running !== null) {
      try {
        t.diagnostic(`the same worker (${running.pid}) polls again after ${await waitUntilPolling(this.client, running, QUEUES, 30_000)} ms`);
        return;
      } catch (err) {
        t.diagnostic(`the worker did not reconnect by itself (${String(err)}): restarting it`);
      }
    }
    await this.killWorker();
    t.diagnostic(`new worker polling after ${await this.startWorker()} ms`);
  }

  /** A bridge to the server as a plugin makes it, started unless `start` is false; {@link close} stops it. */
  bridge({ start = true }: { readonly start?: boolean } = {}): TemporalBridge {
    const bridge = new TemporalBridge({ address: this.address, namespace: 'default' });
    if (start) bridge.start();
    this.#bridges.push(bridge);
    return bridge;
  }

  /** Kills the worker, stops the bridges, closes the connection and the server (a cluster is removed). */
  async close(): Promise<void> {
    await this.killWorker();
    for (const bridge of this.#bridges) await bridge.stop();
    await this.#connection?.close();
    await this.#server?.close();
  }
}

/**
 * Starts the server on a free port with its data in `dir`, connects the client and (unless `worker` is false)
 * starts the worker child and waits until it polls. What started is stopped again when a step fails.
 */
export async function startDurableStack(dir: string, options: DurableStackOptions & { readonly worker?: boolean } = {}): Promise<DurableStack> {
  const stack = new DurableStack(dir, await freePort(), options);
  try {
    await stack.startServer();
    await stack.connect();
    if (options.worker !== false) await stack.startWorker();
    return stack;
  } catch (err) {
    await stack.close();
    throw err;
  }
}
