/**
 * Retry durability, tested by breaking things: a real dev server on a database file, the deployable worker as a
 * child process SIGKILLed during a retry's backoff, and a gateway (the plugin's gateway activity worker over a
 * recording `api.runtime.system`, see test/helpers/gateway.ts) in this process. The retry must still be
 * delivered, once, when its durable timer says so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WORKFLOW_TASK_QUEUE } from '../../workflows/shared/task-queues.ts';
import { subagentRetryWorkflowId, subagentTaskWorkflowId, taskEndedSignal, taskSpawnedSignal } from '../../workflows/subagent/contract.ts';
import { recordingGateway } from '../helpers/gateway.ts';
import { retryConfig } from '../helpers/retry-config.ts';
import { startDurableStack, type DurableStack } from '../helpers/durable-stack.ts';
import { eventually, tempDir } from '../helpers/temporal.ts';

const BACKOFF_MS = 8000;
const tmp = tempDir('subagent-durability');
let stack: DurableStack | undefined;

before(async () => {
  stack = await startDurableStack(tmp.dir);
});

after(async () => {
  await stack?.close();
  tmp.cleanup();
});

describe('subagent retry durability (real server, worker process)', () => {
  test('worker killed during the backoff: the retry still happens at the planned time, once', async (t) => {
    const { client } = stack!;
    const gateway = recordingGateway(stack!.address, 'durable');
    gateway.worker.start();
    try {
      const config = retryConfig(gateway.taskQueue, { backoff: { initialMs: BACKOFF_MS, multiplier: 2, maxMs: 60_000 }, pickupTimeoutMs: 60_000 });
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

      assert.equal(await stack!.killWorker(), 'SIGKILL');
      await new Promise((r) => setTimeout(r, 2000));
      t.diagnostic(`worker back and polling after ${await stack!.startWorker()} ms`);

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
