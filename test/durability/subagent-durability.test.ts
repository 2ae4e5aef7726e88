/**
 * Retry durability, tested by breaking things: a real dev server on a database file, the deployable worker as a
 * child process SIGKILLed during a retry's backoff, and a gateway (the plugin's gateway activity worker over a
 * recording `api.runtime.system`, see test/helpers/gateway.ts) in this process. The retry must still be
 * delivered, once, when its durable timer says so.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { temporalCliPath } from '../../scripts/paths.mjs';
import { startDevServer, type DevServer } from '../../worker/dev-server.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { subagentRetryWorkflowId, subagentTaskWorkflowId, taskEndedSignal, taskSpawnedSignal, type RetryConfig } from '../../workflows/subagent/contract.ts';
import { recordingGateway } from '../helpers/gateway.ts';
import { freePort, startWorkerProcess, waitUntilPolling, type WorkerProcess } from '../helpers/processes.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';

const BACKOFF_MS = 8000;
const tmp = tempDir('subagent-durability');
let server: DevServer | null = null;
let worker: WorkerProcess | null = null;
let workers = 0;
let address = '';
let connection: Connection;
let client: Client;

async function startWorker(): Promise<number> {
  worker = startWorkerProcess({ address, dataDir: join(tmp.dir, 'worker-data'), logFile: join(tmp.dir, `worker-${++workers}.log`) });
  return waitUntilPolling(client, worker, { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE });
}

before(async () => {
  const port = await freePort();
  address = `127.0.0.1:${port}`;
  server = await startDevServer({ cliPath: temporalCliPath(), dbFile: join(tmp.dir, 'temporal.db'), logFile: join(tmp.dir, 'temporal.log'), port, uiPort: null });
  connection = await Connection.connect({ address });
  client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter() });
  await startWorker();
});

after(async () => {
  await worker?.kill();
  await connection?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('subagent retry durability (real server, worker process)', () => {
  test('worker killed during the backoff: the retry still happens at the planned time, once', async (t) => {
    const gateway = recordingGateway(address, 'durable');
    gateway.worker.start();
    try {
      const config: RetryConfig = {
        autoRetryFailedSubagents: true, maxRetriesPerTask: 2, retryOutcomes: ['error', 'timeout'],
        backoff: { initialMs: BACKOFF_MS, multiplier: 2, maxMs: 60_000 }, pickupTimeoutMs: 60_000,
        notifyRequesterOnExhausted: false, gatewayTaskQueue: gateway.taskQueue,
      };
      const taskKey = 'durable-backoff';
      const handle = await client.workflow.signalWithStart('subagentTaskWorkflow', {
        workflowId: subagentTaskWorkflowId(taskKey),
        taskQueue: WORKFLOW_TASK_QUEUE,
        args: [{ taskKey, requester: 'agent:main:subagent:o', spec: { task: 'compile the report', label: 'report' } }],
        signal: taskSpawnedSignal,
        signalArgs: [{ eventId: 'spawned:c1', childKey: 'c1', config }],
      });
      const endedAt = Date.now();
      await handle.signal(taskEndedSignal, { eventId: 'ended:c1', childKey: 'c1', outcome: 'error', config });
      const retry = client.workflow.getHandle(subagentRetryWorkflowId(taskKey, 1));
      await eventually('the backoff timer started', async () => ((await retry.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ? true : undefined), 30_000);

      assert.equal(await worker?.kill(), 'SIGKILL');
      worker = null;
      await new Promise((r) => setTimeout(r, 2000));
      t.diagnostic(`worker back and polling after ${await startWorker()} ms`);

      await eventually('the retry event', () => (gateway.system.events.length === 1 ? true : undefined), 60_000);
      const deliveredAfter = (gateway.system.events[0]?.at ?? 0) - endedAt;
      t.diagnostic(`delivered ${deliveredAfter} ms after the failure (backoff ${BACKOFF_MS} ms)`);
      assert.ok(deliveredAfter >= BACKOFF_MS - 200, `not before the planned time (${deliveredAfter} ms)`);
      assert.ok(deliveredAfter < BACKOFF_MS + 30_000, `at the planned time, give or take the restart (${deliveredAfter} ms)`);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(gateway.system.events.length, 1, 'once');
      assert.match(gateway.system.events[0]?.text ?? '', /attempt: 1\/2/);
    } finally {
      await gateway.worker.stop();
    }
  });
});
