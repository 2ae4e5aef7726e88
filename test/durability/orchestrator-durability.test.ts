/**
 * Orchestrator durability, tested by breaking things: a real Temporal dev server on a database file, the
 * deployable worker as a child process SIGKILLed mid-thread and started again, and the bridge's own
 * ThreadClient in this process, as the gateway would run it. Nothing of the thread may be lost.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { temporalCliPath } from '../../scripts/paths.mjs';
import { startDevServer, type DevServer } from '../../worker/dev-server.ts';
import { LEDGER_TASK_QUEUE, WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';
import { ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import { ThreadDriver } from '../helpers/orchestrator.ts';
import { freePort, startWorkerProcess, waitUntilPolling, type WorkerProcess } from '../helpers/processes.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';

const FRONT = 'agent:main:durable';
const ORCH = 'agent:main:subagent:durable-orch';
const W1 = 'agent:main:subagent:durable-w1';
const W2 = 'agent:main:subagent:durable-w2';
const QUEUES = { workflow: WORKFLOW_TASK_QUEUE, activity: LEDGER_TASK_QUEUE };

const tmp = tempDir('orchestrator-durability');
let server: DevServer | null = null;
let worker: WorkerProcess | null = null;
let workerCount = 0;
let port = 0;
let connection: Connection;
let client: Client;
let bridge: TemporalBridge;
let driver: ThreadDriver;

async function startWorker(): Promise<number> {
  worker = startWorkerProcess({ address: `127.0.0.1:${port}`, dataDir: join(tmp.dir, 'worker-data'), logFile: join(tmp.dir, `worker-${++workerCount}.log`) });
  return waitUntilPolling(client, worker, QUEUES);
}

before(async () => {
  port = await freePort();
  server = await startDevServer({ cliPath: temporalCliPath(), dbFile: join(tmp.dir, 'temporal.db'), logFile: join(tmp.dir, 'temporal.log'), port, uiPort: null });
  connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter() });
  await startWorker();
  bridge = new TemporalBridge({ address: `127.0.0.1:${port}`, namespace: 'default' });
  bridge.start();
  driver = new ThreadDriver(new ThreadClient(bridge, new KeyedChain(), WORKFLOW_TASK_QUEUE), FRONT);
});

after(async () => {
  await worker?.kill();
  await bridge?.stop();
  await connection?.close();
  await server?.stop();
  tmp.cleanup();
});

describe('orchestrator durability (real server, worker process, bridge)', () => {
  test('kill -9 the worker mid-thread: binding, workers, counters and the facts signalled meanwhile all survive', async (t) => {
    await driver.spawn(FRONT, ORCH, { task: 'plan the move' });
    await driver.spawn(ORCH, W1, { task: 'find movers', label: 'movers' });
    await driver.spawn(ORCH, W2, { task: 'cancel the internet contract' });
    const first = await driver.tool(ORCH, 'exec', { command: 'ls' }, { runId: 'orch-run' });
    assert.equal(first.decision.block, true);

    assert.equal(await worker?.kill(), 'SIGKILL');
    worker = null;
    // A fact the gateway observed while no worker runs: the server keeps the signal until one does.
    assert.equal((await driver.ended(W2, 'error')).kind, 'ok');
    t.diagnostic(`worker back and polling after ${await startWorker()} ms`);

    // The first task after a crash may wait out the dead worker's sticky queue (10 s): retry the query.
    const state = await eventually('thread state after the restart', () => driver.state(), 60_000);
    assert.equal(state.orchestratorKey, ORCH);
    assert.deepEqual(
      Object.values(state.workers).map((w) => [w.childKey, w.status, w.label ?? null]).sort(),
      [[W1, 'running', 'movers'], [W2, 'error', null]],
    );
    const second = await driver.tool(ORCH, 'exec', { command: 'ls' }, { runId: 'orch-run' });
    assert.match(String(second.decision.blockReason), /blocked attempt 2/, 'the blocked-attempt counter survived');
    assert.equal((await driver.tool(ORCH, 'exec', { command: 'ls' }, { runId: 'orch-run' })).decision.block, undefined);
    assert.deepEqual((await driver.tool(FRONT, 'session_status', {})).decision.params, { sessionKey: ORCH });
    const described = await client.workflow.getHandle(orchestratorThreadWorkflowId(FRONT)).describe();
    assert.equal(described.status.name, 'RUNNING');
  });
});
