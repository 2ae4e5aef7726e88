/**
 * Orchestrator durability, tested by breaking things: a real Temporal dev server on a database file, the
 * deployable worker as a child process SIGKILLed mid-thread and started again, and the bridge's own
 * ThreadClient in this process, as the gateway would run it. Nothing of the thread may be lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';
import { ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { ThreadDriver } from '../helpers/orchestrator.ts';
import { startDurableStack, type DurableStack } from '../helpers/durable-stack.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';

const FRONT = 'agent:main:durable';
const ORCH = 'agent:main:subagent:durable-orch';
const W1 = 'agent:main:subagent:durable-w1';
const W2 = 'agent:main:subagent:durable-w2';

const tmp = tempDir('orchestrator-durability');
let stack: DurableStack | undefined;
let driver: ThreadDriver;

before(async () => {
  stack = await startDurableStack(tmp.dir);
  driver = new ThreadDriver(new ThreadClient(stack.bridge(), new KeyedChain(), WORKFLOW_TASK_QUEUE), FRONT);
});

after(async () => {
  await stack?.close();
  tmp.cleanup();
});

describe('orchestrator durability (real server, worker process, bridge)', () => {
  test('kill -9 the worker mid-thread: binding, workers, counters and the facts signalled meanwhile all survive', async (t) => {
    await driver.spawn(FRONT, ORCH, { task: 'plan the move' });
    await driver.spawn(ORCH, W1, { task: 'find movers', label: 'movers' });
    await driver.spawn(ORCH, W2, { task: 'cancel the internet contract' });
    const first = await driver.tool(ORCH, 'exec', { command: 'ls' }, { runId: 'orch-run' });
    assert.equal(first.decision.block, true);

    assert.equal(await stack!.killWorker(), 'SIGKILL');
    // A fact the gateway observed while no worker runs: the server keeps the signal until one does.
    assert.equal((await driver.ended(W2, 'error')).kind, 'ok');
    t.diagnostic(`worker back and polling after ${await stack!.startWorker()} ms`);

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
    const described = await stack!.client.workflow.getHandle(orchestratorThreadWorkflowId(FRONT)).describe();
    assert.equal(described.status.name, 'RUNNING');
  });
});
