/**
 * The benchmark's own Temporal stack: a headless dev server on a free port with a SQLite file in a temp folder
 * (as `npm start` runs it), and the deployable worker (`worker/main.ts`) as a child process, so the worker and
 * the bridge under test do not share an event loop — as in production, where the worker is not in the gateway.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { keySource, payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { ensureKeyFile } from '../../plugin-bridge/shared/codec/keys.ts';
import { type SqliteDurability } from '../../worker/sqlite-durability.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { startBenchServer, type BenchServer } from './target.ts';
import { freePort, startWorkerProcess, waitUntilPolling, type WorkerProcess } from '../../test/helpers/processes.ts';

/** A running server + worker; `stop()` ends both processes (worker first) and is safe to call twice. */
export interface BenchStack {
  readonly address: string;
  /** Temp folder with the server database, the ledger and both logs; removed by `stop(true)`. */
  readonly dir: string;
  readonly serverPid: number | undefined;
  readonly workerPid: number;
  /** Milliseconds until the worker child polled both task queues (bundling included). */
  readonly workerReadyMs: number;
  stop(removeDir: boolean): Promise<void>;
}

/** SIGTERM (graceful worker shutdown), SIGKILL after `graceMs`. */
async function stopWorker(worker: WorkerProcess, graceMs: number): Promise<void> {
  if (worker.child.exitCode !== null || worker.child.signalCode !== null) return;
  worker.child.kill('SIGTERM');
  const killer = setTimeout(() => worker.child.kill('SIGKILL'), graceMs);
  await worker.exited;
  clearTimeout(killer);
}

/**
 * The bench encrypts like a deployment (unless OPENCLAW_TEMPORAL_CODEC=off, for the codec-off rows): with keys the
 * caller names, else a fresh key file in the bench folder that the worker child and the bridge both read.
 */
function useBenchKey(dir: string): void {
  if (keySource().kind !== 'file' || process.env.OPENCLAW_TEMPORAL_KEY_FILE) return;
  const keyFile = join(dir, 'payload-keys.json');
  ensureKeyFile(keyFile);
  process.env.OPENCLAW_TEMPORAL_KEY_FILE = keyFile;
}

/** Starts the dev server (SQLite written as `npm start` would with `durability`), then the worker child, and waits until it polls both task queues. */
export async function startBenchStack(durability: SqliteDurability): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'openclaw-temporal-bench-'));
  const port = await freePort();
  useBenchKey(dir);
  let server: BenchServer | null = null;
  let worker: WorkerProcess | null = null;
  const stop = async (removeDir: boolean): Promise<void> => {
    if (worker !== null) await stopWorker(worker, 5000);
    worker = null;
    await server?.stop();
    server = null;
    if (removeDir) rmSync(dir, { recursive: true, force: true });
  };
  try {
    server = await startBenchServer(dir, port, durability);
    const address = server.address;
    worker = startWorkerProcess({ address, dataDir: join(dir, 'worker-data'), logFile: join(dir, 'worker.log') });
    const connection = await Connection.connect({ address });
    let workerReadyMs: number;
    try {
      workerReadyMs = await waitUntilPolling(new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter() }), worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE });
    } finally {
      await connection.close();
    }
    return { address, dir, serverPid: server.pid, workerPid: worker.pid, workerReadyMs, stop };
  } catch (err) {
    await stop(false);
    throw err;
  }
}
