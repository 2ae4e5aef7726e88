/**
 * What the metrics tests share: a dev server and the deployable worker (worker/main.ts) as a child process with
 * its Prometheus endpoint on a free port, polling both task queues before the suite's tests run.
 */
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { freePort, startWorkerProcess, waitUntilPolling, type WorkerProcess } from '../helpers/processes.ts';
import { started } from '../helpers/started.ts';
import { startTestServer } from '../helpers/temporal.ts';

/** The running server and the worker's metrics port. */
export interface MetricsWorker {
  readonly env: TestWorkflowEnvironment;
  /** Where the worker's Prometheus endpoint listens (127.0.0.1). */
  readonly port: number;
}

/**
 * Registers the suite's hooks: before, the server and the worker (`worker.log` in `dir`, which must exist; its data in
 * `dataDir`; `env` added to its environment); after, the worker killed and the server torn down.
 */
export function withMetricsWorker(dir: string, env: Readonly<Record<string, string>> = {}, dataDir = dir): MetricsWorker {
  let server: TestWorkflowEnvironment | undefined;
  let worker: WorkerProcess | undefined;
  let port = 0;

  before(async () => {
    server = await startTestServer();
    port = await freePort();
    worker = startWorkerProcess({
      address: server.address,
      dataDir,
      logFile: join(dir, 'worker.log'),
      env: { OPENCLAW_TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${port}`, ...env },
    });
    await waitUntilPolling(server.client, worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE });
  });

  after(async () => {
    await worker?.kill();
    await server?.teardown();
  });

  return {
    get env() {
      return started(server, 'the dev server');
    },
    get port() {
      return port;
    },
  };
}
