/**
 * Child processes of the native cluster (PostgreSQL, Temporal services): output appended to a log file, a stop that
 * sends a signal and waits for the exit (SIGKILL after a grace period), and a wait for readiness.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { logChildOutput } from '../../worker/child-log.ts';

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
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  void logChildOutput(child, logFile);
  running.add(child);
  let failure: string | null = null;
  const exited = new Promise<void>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      failure ??= `exited (${signal ?? `code ${code}`})`;
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
