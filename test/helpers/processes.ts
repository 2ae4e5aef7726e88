/**
 * Real processes for durability tests: free ports, and the deployable worker (`worker/main.ts`) as a child
 * process that a test can SIGKILL and start again, exactly as an operator's process manager would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { logChildOutput } from '../../worker/child-log.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export { freePort } from '../../scripts/ports.ts';

/** The worker child did not become ready; `logFile` has its output. */
export class WorkerProcessError extends Error {
  override name = 'WorkerProcessError' as const;
  constructor(
    message: string,
    readonly logFile: string,
  ) {
    super(`${message} (worker output: ${logFile})`);
  }
}

export interface WorkerProcessOptions {
  /** `host:port` of the Temporal frontend (`TEMPORAL_ADDRESS`). */
  readonly address: string;
  /** The worker's data folder (`OPENCLAW_TEMPORAL_DATA_DIR`), so nothing is written inside the repository. */
  readonly dataDir: string;
  /** stdout and stderr of the child, appended. */
  readonly logFile: string;
  /** More environment for the child (e.g. `OPENCLAW_TEMPORAL_METRICS_ADDRESS`). */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * The worker's arguments to this Node binary, run in `cwd` (e.g. an installed package's `openclaw-temporal worker`
   * bin). @default this checkout's `--import tsx worker/main.ts`
   */
  readonly command?: { readonly args: readonly string[]; readonly cwd: string };
}

/** One worker child process. */
export interface WorkerProcess {
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with its exit code or signal. */
  readonly exited: Promise<string>;
  /** SIGKILL (no graceful shutdown: in-flight tasks are lost to the server's timeouts) and wait for the exit. */
  kill(): Promise<string>;
}

/** Starts `node --import tsx worker/main.ts` (or `command`) against `address` with logs at warn. Does not wait for readiness. */
export function startWorkerProcess(options: WorkerProcessOptions): WorkerProcess {
  const command = options.command ?? { args: ['--import', 'tsx', 'worker/main.ts'], cwd: repo };
  const child = spawn(process.execPath, command.args, {
    cwd: command.cwd,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.address,
      TEMPORAL_NAMESPACE: 'default',
      OPENCLAW_TEMPORAL_LOG_LEVEL: 'warn',
      OPENCLAW_TEMPORAL_DATA_DIR: options.dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  void logChildOutput(child, options.logFile);
  if (child.pid === undefined) throw new WorkerProcessError('the worker process could not be spawned', options.logFile);
  // Last resort if the test process dies before its `after` hook: never leave a worker behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnExit);
      resolve(signal ?? `code ${code}`);
    }),
  );
  return {
    pid: child.pid,
    logFile: options.logFile,
    child,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Task queues a worker process must poll before it is ready. */
export interface PolledQueues {
  readonly workflow: string;
  readonly activity: string;
}

/** `temporal.api.enums.v1.TaskQueueType` values (the proto package is not a direct dependency). */
const WORKFLOW_QUEUE = 1;
const ACTIVITY_QUEUE = 2;

async function pollsQueue(client: Client, name: string, taskQueueType: typeof WORKFLOW_QUEUE | typeof ACTIVITY_QUEUE, pid: number): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name }, taskQueueType });
  // The SDK's default worker identity is `<pid>@<host>`: a dead worker's pollers stay listed for a while, ours count.
  return (response.pollers ?? []).some((poller) => (poller.identity ?? '').startsWith(`${pid}@`));
}

/**
 * Waits until the worker process `pid` polls both queues (so its bundle is built and its workers run), or fails
 * after `timeoutMs`, or as soon as the process exits.
 */
export async function waitUntilPolling(client: Client, worker: WorkerProcess, queues: PolledQueues, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  let gone: string | null = null;
  void worker.exited.then((how) => (gone = how));
  for (;;) {
    if (gone !== null) throw new WorkerProcessError(`the worker process exited (${gone}) before it polled`, worker.logFile);
    try {
      const ready =
        (await pollsQueue(client, queues.workflow, WORKFLOW_QUEUE, worker.pid)) &&
        (await pollsQueue(client, queues.activity, ACTIVITY_QUEUE, worker.pid));
      if (ready) return Date.now() - started;
    } catch (err) {
      if (Date.now() - started > timeoutMs) throw err;
    }
    if (Date.now() - started > timeoutMs) throw new WorkerProcessError(`worker ${worker.pid} did not poll within ${timeoutMs} ms`, worker.logFile);
    await new Promise((r) => setTimeout(r, 200));
  }
}
