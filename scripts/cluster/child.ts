/**
 * Child processes of the native cluster (PostgreSQL, Temporal services): output appended to a log file, a stop that
 * sends a signal and waits for the exit (SIGKILL after a grace period), and a TCP probe to wait for readiness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';

/** A process of the cluster did not start or did not become ready; `logFile` has its output. */
export class ClusterError extends Error {
  override name = 'ClusterError' as const;
  constructor(message: string, readonly logFile?: string) {
    super(logFile === undefined ? message : `${message} (output: ${logFile})`);
  }
}

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Why it exited early (`exited (code 1)`), or null while it runs. */
  readonly failure: () => string | null;
  /** Sends `signal` (SIGTERM by default), SIGKILL after `graceMs`, and resolves once the process has exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `cmd args` with output appended to `logFile`; killed with this process if still running then. */
export function startChild(name: string, cmd: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env): Child {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  running.add(child);
  let failure: string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      failure ??= `exited (${signal ?? `code ${code}`})`;
      log.end();
      resolve();
    }),
  );
  child.once('error', (err) => (failure = `could not start: ${err.message}`));
  return {
    name,
    process: child,
    failure: () => failure,
    async stop(signal = 'SIGTERM', graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(killer);
      }
      await exited;
    },
  };
}

/** Whether something accepts TCP connections on `host:port`. */
export function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Waits until `ready()` holds, failing early if `child` exits and after `timeoutMs`. */
export async function waitReady(child: Child, what: string, ready: () => Promise<boolean>, logFile: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    const failure = child.failure();
    if (failure !== null) throw new ClusterError(`${child.name} ${failure} before ${what}`, logFile);
    if (Date.now() > deadline) throw new ClusterError(`${child.name}: ${what} did not happen within ${timeoutMs / 1000} s`, logFile);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function tryPort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new ClusterError('the OS gave no free port'))));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, below 32768: Temporal stores membership ports in a SQL
 * `smallint` column (cluster_membership.rpc_port), so the OS's ephemeral ports (32768+) make a service exit.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await tryPort(port).then(() => true, () => false);
    if (free) return port;
  }
  throw new ClusterError('no free port between 20000 and 32000');
}
