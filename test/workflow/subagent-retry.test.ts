/**
 * Subagent task + retry workflows on a real dev server, with the gateway activity worker class the plugin runs
 * inside OpenClaw. The one fake is the recording `api.runtime.system` of test/helpers/gateway.ts, standing in for OpenClaw's system
 * event queue here (the OpenClaw tests use the real one).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers.js';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { recordingGateway } from '../helpers/gateway.ts';
import { retryConfig as testRetryConfig } from '../helpers/retry-config.ts';
import { collectStatus, formatStatus } from '../../scripts/ops/status.ts';
import { workflowMetadataQuery } from '@temporalio/workflow';
import {
  gatewayTaskQueue,
  retryGatewayStartedSignal,
  subagentRetryWorkflowId,
  subagentTaskWorkflowId,
  taskEndedSignal,
  taskRequesterEndedSignal,
  taskSpawnedSignal,
  taskStateQuery,
  type RetryConfig,
  type SubagentTaskArgs,
} from '../../workflows/subagent/contract.ts';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { eventually } from '../helpers/temporal.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';

const REQUESTER = 'agent:main:subagent:orchestrator-1';
const stack = withBridgeStack('subagent-retry-wf');
let counter = 0;

/** The test retry rules for the recording gateway `gatewayId`. */
const retryConfig = (gatewayId: string, overrides: Partial<RetryConfig> = {}): RetryConfig => testRetryConfig(gatewayTaskQueue(gatewayId), overrides);

const gateway = (gatewayId: string) => recordingGateway(stack.env.address, gatewayId);

async function startTask(config: RetryConfig, firstChild: string) {
  const taskKey = `task-${++counter}-${Date.now()}`;
  const args: SubagentTaskArgs = { taskKey, requester: REQUESTER, spec: { task: 'summarise the logs', label: 'log-summary', agentId: 'main', thread: false } };
  const handle = await stack.env.client.workflow.signalWithStart('subagentTaskWorkflow', {
    workflowId: subagentTaskWorkflowId(taskKey),
    taskQueue: 'openclaw-temporal',
    args: [args],
    signal: taskSpawnedSignal,
    signalArgs: [{ eventId: `spawned:${firstChild}`, childKey: firstChild, config }],
  });
  const ended = (childKey: string, outcome: string) => handle.signal(taskEndedSignal, { eventId: `ended:${childKey}`, childKey, outcome, config });
  const spawned = (childKey: string) => handle.signal(taskSpawnedSignal, { eventId: `spawned:${childKey}`, childKey, config });
  const state = () => handle.query(taskStateQuery) as Promise<TaskState>;
  /** The task settled (it stays open, known for a later identical task): its state then. */
  const settled = () => eventually('task settled', async () => {
    const now = await state();
    return now.status === 'running' || now.status === 'retrying' ? undefined : now;
  }, 60_000);
  const requesterEnded = () => handle.signal(taskRequesterEndedSignal, { sessionKey: REQUESTER });
  return { taskKey, handle, ended, spawned, state, settled, requesterEnded };
}

describe('subagent task and retry workflows (real dev server)', () => {
  test('a worker that ends with error gets exactly one retry event with the original fields and one heartbeat', async () => {
    const gw = gateway('gw-a');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-a'), 'agent:main:subagent:w1');
      await task.ended('agent:main:subagent:w1', 'error');
      await eventually('retry event', () => (gw.system.events.length === 1 ? true : undefined));
      const [event] = gw.system.events;
      assert.match(event?.text ?? '', /<orchestrator-retry>/);
      for (const part of ['agent:main:subagent:w1', 'outcome: error', 'attempt: 1/2', 'sessions_spawn', 'task: summarise the logs', 'label: log-summary', 'agentId: main', 'thread: false']) {
        assert.ok(event?.text.includes(part), `the event names ${part}`);
      }
      assert.equal(event?.sessionKey, REQUESTER);
      assert.equal(event?.contextKey, `orchestrator-retry:${task.taskKey}:1`);
      assert.deepEqual(gw.system.heartbeats.map((h) => [h.reason, h.sessionKey, h.intent]), [['orchestrator-subagent-retry', REQUESTER, 'event']]);
      await task.spawned('agent:main:subagent:w2');
      const retry = await stack.env.client.workflow.getHandle(`subagent-task/${task.taskKey}/retry-1`).result();
      assert.deepEqual(retry, { delivered: true, pickedUp: true, respawnedChildKey: 'agent:main:subagent:w2', deliveries: 1, gaveUp: false });
      await task.ended('agent:main:subagent:w2', 'ok');
      const final = await task.settled();
      assert.equal(final.status, 'succeeded');
      assert.equal(gw.system.events.length, 1);
    } finally {
      await gw.worker.stop();
    }
  });

  test('the same subagent_ended delivered twice still gives one event', async () => {
    const gw = gateway('gw-b');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-b'), 'agent:main:subagent:d1');
      await task.ended('agent:main:subagent:d1', 'error');
      await task.ended('agent:main:subagent:d1', 'error');
      await eventually('retry event', () => (gw.system.events.length === 1 ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(gw.system.events.length, 1);
      assert.equal((await task.state()).retriesUsed, 1);
    } finally {
      await gw.worker.stop();
    }
  });

  test('retry, failure again, then the budget is exhausted: no third event, the requester is told when configured', async () => {
    const gw = gateway('gw-c');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-c', { notifyRequesterOnExhausted: true }), 'agent:main:subagent:x1');
      await task.ended('agent:main:subagent:x1', 'error');
      await eventually('1st retry', () => (gw.system.events.length === 1 ? true : undefined));
      await task.spawned('agent:main:subagent:x2');
      await task.ended('agent:main:subagent:x2', 'timeout');
      await eventually('2nd retry', () => (gw.system.events.length === 2 ? true : undefined));
      await task.spawned('agent:main:subagent:x3');
      await task.ended('agent:main:subagent:x3', 'error');
      const final = await task.settled();
      assert.equal(final.status, 'exhausted');
      await eventually('exhausted notice', () => (gw.system.events.length === 3 ? true : undefined));
      assert.match(gw.system.events[1]?.text ?? '', /attempt: 2\/2/);
      assert.match(gw.system.events[2]?.text ?? '', /<orchestrator-retry-exhausted>/);
      assert.equal(gw.system.heartbeats.length, 2, 'the exhausted notice requests no heartbeat');
    } finally {
      await gw.worker.stop();
    }
  });

  test('a durable backoff timer delays the delivery', async () => {
    const gw = gateway('gw-d');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-d', { backoff: { initialMs: 1500, multiplier: 2, maxMs: 10_000 } }), 'agent:main:subagent:b1');
      const endedAt = Date.now();
      await task.ended('agent:main:subagent:b1', 'error');
      await eventually('retry event', () => (gw.system.events.length === 1 ? true : undefined));
      const waited = (gw.system.events[0]?.at ?? 0) - endedAt;
      assert.ok(waited >= 1400, `delivered after the backoff (${waited} ms)`);
    } finally {
      await gw.worker.stop();
    }
  });

  test('a retry that is not picked up in time ends the task visibly as unanswered', async () => {
    const gw = gateway('gw-e');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-e', { pickupTimeoutMs: 700 }), 'agent:main:subagent:n1');
      await task.ended('agent:main:subagent:n1', 'error');
      const retryHandle = stack.env.client.workflow.getHandle(`subagent-task/${task.taskKey}/retry-1`);
      await eventually('retry workflow started', async () => ((await retryHandle.describe()).runId ? true : undefined));
      const retry = await retryHandle.result();
      assert.deepEqual(retry, { delivered: true, pickedUp: false, respawnedChildKey: null, deliveries: 1, gaveUp: true });
      const final = await task.settled();
      assert.deepEqual([final.status, final.notPickedUp, final.retriesUsed], ['unanswered', 1, 1]);
    } finally {
      await gw.worker.stop();
    }
  });

  test('gateway side down when the failure happens: the event is delivered once when it comes back', async () => {
    const gw = gateway('gw-f');
    const task = await startTask(retryConfig('gw-f'), 'agent:main:subagent:g1');
    await task.ended('agent:main:subagent:g1', 'error');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(gw.system.events.length, 0, 'nothing delivered while no gateway polls');
    gw.worker.start();
    try {
      await eventually('delivered after the gateway came back', () => (gw.system.events.length === 1 ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(gw.system.events.length, 1);
    } finally {
      await gw.worker.stop();
    }
  });

  test('ok ends the task without any event; an outcome outside retryOutcomes fails it without a retry', async () => {
    const gw = gateway('gw-g');
    gw.worker.start();
    try {
      const ok = await startTask(retryConfig('gw-g'), 'agent:main:subagent:o1');
      await ok.ended('agent:main:subagent:o1', 'ok');
      assert.equal((await ok.settled()).status, 'succeeded');
      const killed = await startTask(retryConfig('gw-g'), 'agent:main:subagent:k1');
      await killed.ended('agent:main:subagent:k1', 'killed');
      assert.equal((await killed.settled()).status, 'failed');
      assert.equal(gw.system.events.length, 0);
    } finally {
      await gw.worker.stop();
    }
  });
});

describe('closed-loop delivery: confirmed by the respawn, re-delivered until then (real dev server)', () => {
  const retryHandle = (taskKey: string, attempt = 1) => stack.env.client.workflow.getHandle(subagentRetryWorkflowId(taskKey, attempt));
  const details = async (taskKey: string) => (await retryHandle(taskKey).query(workflowMetadataQuery)).currentDetails ?? '';

  test('a requester that never respawns gets the retry on schedule, then the task gives up; the budget is unchanged', async () => {
    const gw = gateway('gw-r1');
    gw.worker.start();
    try {
      const redelivery = { maxDeliveries: 3, multiplier: 1, maxIntervalMs: 60_000 };
      const task = await startTask(retryConfig('gw-r1', { pickupTimeoutMs: 1200, redelivery }), 'agent:main:subagent:r1');
      await task.ended('agent:main:subagent:r1', 'error');
      await eventually('1st delivery', () => (gw.system.events.length === 1 ? true : undefined));
      assert.match(await details(task.taskKey), new RegExp(`delivered to ${REQUESTER} at \\d\\d:\\d\\d \\(1st of 3\\), waiting for respawn, 2nd delivery at \\d\\d:\\d\\d`));
      const status = formatStatus(await collectStatus(stack.env.client, Date.now()), 'test');
      const waiting = status.slice(status.indexOf('Retries waiting for pickup'));
      assert.ok(waiting.includes(`${subagentRetryWorkflowId(task.taskKey, 1)}  retry 1/2 of agent:main:subagent:r1 (error): delivered to ${REQUESTER}`), waiting);
      assert.equal(gw.system.takeTurn(REQUESTER).length, 1, 'the requester’s turn sees the retry once');
      await eventually('2nd delivery', () => (gw.system.events.length === 2 ? true : undefined), 20_000);
      assert.equal(gw.system.takeTurn(REQUESTER).length, 1);
      const final = await task.settled();
      assert.equal(gw.system.events.length, 3, 'three scheduled deliveries, no more');
      assert.ok(gw.system.events.every((e) => e.contextKey === `orchestrator-retry:${task.taskKey}:1` && /attempt: 1\/2/.test(e.text)));
      assert.deepEqual([final.status, final.retriesUsed], ['unanswered', 1], 'deliveries never spend budget');
      assert.match(final.lastEvent ?? '', /not picked up after 3 deliveries; gave up/);
      assert.match(await details(task.taskKey), /not picked up after 3 deliveries; gave up/);
      assert.equal(gw.system.heartbeats.length, 3);
    } finally {
      await gw.worker.stop();
    }
  });

  test('a re-delivery while the first copy is still pending adds no second copy', async () => {
    const gw = gateway('gw-r2');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-r2', { pickupTimeoutMs: 700, redelivery: { maxDeliveries: 2, multiplier: 1, maxIntervalMs: 60_000 } }), 'agent:main:subagent:p1');
      await task.ended('agent:main:subagent:p1', 'error');
      await task.settled();
      assert.equal(gw.system.calls, 2, 'delivered twice');
      assert.equal(gw.system.takeTurn(REQUESTER).length, 1, 'the requester sees it once');
    } finally {
      await gw.worker.stop();
    }
  });

  test('a gateway start makes a waiting retry deliver again at once; the pending copy is not doubled', async () => {
    const gw = gateway('gw-r3');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-r3', { pickupTimeoutMs: 600_000, redelivery: { maxDeliveries: 2, multiplier: 1, maxIntervalMs: 600_000 } }), 'agent:main:subagent:s1');
      await task.ended('agent:main:subagent:s1', 'error');
      await eventually('delivered', () => (gw.system.heartbeats.length === 1 ? true : undefined));
      await gw.worker.stop();
      const restarted = recordingGateway(stack.env.address, 'gw-r3', gw.system); // the same persisted queue, a new process
      restarted.worker.start();
      try {
        await retryHandle(task.taskKey).signal(retryGatewayStartedSignal, { taskQueue: gatewayTaskQueue('gw-r3') });
        await eventually('woken again', () => (gw.system.heartbeats.length === 2 ? true : undefined));
        assert.equal(gw.system.takeTurn(REQUESTER).length, 1, 'exactly once');
        await task.spawned('agent:main:subagent:s2');
        const retry = await retryHandle(task.taskKey).result();
        assert.deepEqual([retry.pickedUp, retry.deliveries], [true, 1]);
        assert.equal((await task.state()).retriesUsed, 1);
      } finally {
        await restarted.worker.stop();
      }
    } finally {
      await gw.worker.stop();
    }
  });

  test('OpenClaw storing nothing is a failed delivery: retried until it is stored', async () => {
    const gw = gateway('gw-r4');
    gw.system.refuse = true;
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-r4'), 'agent:main:subagent:f1');
      await task.ended('agent:main:subagent:f1', 'error');
      await eventually('failed attempts', async () => {
        const pending = (await retryHandle(task.taskKey).describe()).raw.pendingActivities ?? [];
        // The failure's message is encrypted in history (issue 18): decode it as a client does.
        const failure = await decodeOptionalFailureToOptionalError(loadDataConverter(payloadDataConverter()), pending[0]?.lastFailure);
        return (pending[0]?.attempt ?? 0) >= 2 && failure?.message.includes('stored no next-turn injection') ? true : undefined;
      }, 45_000);
      assert.equal(gw.system.events.length, 0);
      assert.equal(gw.system.heartbeats.length, 0, 'no wake for an event that was not stored');
      gw.system.refuse = false;
      await eventually('stored on a later attempt', () => (gw.system.events.length === 1 ? true : undefined), 20_000);
    } finally {
      await gw.worker.stop();
    }
  });

  test('a retry workflow terminated by an operator is recorded; the task goes on and accepts the respawn', async () => {
    const gw = gateway('gw-r5');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-r5'), 'agent:main:subagent:t1');
      await task.ended('agent:main:subagent:t1', 'error');
      await eventually('delivered', () => (gw.system.events.length === 1 ? true : undefined));
      await retryHandle(task.taskKey).terminate('operator');
      await eventually('recorded', async () => (/retry 1 workflow ended without a result/.test((await task.state()).lastEvent ?? '') ? true : undefined));
      await task.spawned('agent:main:subagent:t2');
      await task.ended('agent:main:subagent:t2', 'ok');
      assert.equal((await task.settled()).status, 'succeeded');
    } finally {
      await gw.worker.stop();
    }
  });
});

describe('the budget follows the original: a count per task key that never resets while the key is known', () => {
  test('a later identical task after a success continues the count; after exhaustion it gets no retry; the requester ending forgets it', async () => {
    const gw = gateway('gw-k1');
    gw.worker.start();
    try {
      const task = await startTask(retryConfig('gw-k1'), 'agent:main:subagent:k1');
      await task.ended('agent:main:subagent:k1', 'error');
      await eventually('retry 1', () => (gw.system.events.length === 1 ? true : undefined));
      await task.spawned('agent:main:subagent:k2');
      await task.ended('agent:main:subagent:k2', 'ok');
      assert.deepEqual([(await task.settled()).status, (await task.handle.describe()).status.name], ['succeeded', 'RUNNING'], 'settled, still known');
      assert.match((await task.handle.query(workflowMetadataQuery)).currentDetails ?? '', /kept for a later identical task until \d\d:\d\d/);
      await task.spawned('agent:main:subagent:k3'); // the same task later
      await task.ended('agent:main:subagent:k3', 'error');
      await eventually('retry 2 (not 1 again)', () => (gw.system.events.length === 2 ? true : undefined));
      assert.match(gw.system.events[1]?.text ?? '', /attempt: 2\/2/);
      await task.spawned('agent:main:subagent:k4');
      await task.ended('agent:main:subagent:k4', 'error');
      assert.deepEqual([(await task.settled()).status, (await task.state()).retriesUsed], ['exhausted', 2]);
      await task.spawned('agent:main:subagent:k5'); // after exhaustion, as the original: no further retry
      await task.ended('agent:main:subagent:k5', 'timeout');
      await eventually('exhausted again', async () => ((await task.state()).attempts.length === 5 && (await task.state()).status === 'exhausted' ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(gw.system.events.length, 2);
      await task.requesterEnded();
      assert.equal(((await task.handle.result()) as TaskState).status, 'ended');
    } finally {
      await gw.worker.stop();
    }
  });
});

describe('two gateways with their own gatewayId (issue 15)', () => {
  const retryOf = (taskKey: string) => `orchestrator-retry:${taskKey}:1`;
  const received = (gw: ReturnType<typeof gateway>) => gw.system.events.map((e) => e.contextKey);
  /** The retry's delivery activities as its history records them: the queue each was scheduled on. */
  const deliveryQueues = async (taskKey: string): Promise<string[]> => {
    const history = await stack.env.client.workflow.getHandle(subagentRetryWorkflowId(taskKey, 1)).fetchHistory();
    return (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.taskQueue?.name ?? ''] : []));
  };

  test('each gateway receives only its own retries; with one gateway down its retries wait for it, never go to the other', async () => {
    const east = gateway('east');
    const west = gateway('west');
    east.worker.start();
    west.worker.start();
    let westAgain: ReturnType<typeof gateway> | null = null;
    try {
      const config = { pickupTimeoutMs: 600_000 };
      const [e1, w1] = [await startTask(retryConfig('east', config), 'agent:main:subagent:e1'), await startTask(retryConfig('west', config), 'agent:main:subagent:w1')];
      await Promise.all([e1.ended('agent:main:subagent:e1', 'error'), w1.ended('agent:main:subagent:w1', 'error')]);
      await eventually('each gateway got one retry', () => (east.system.events.length === 1 && west.system.events.length === 1 ? true : undefined));
      assert.deepEqual([received(east), received(west)], [[retryOf(e1.taskKey)], [retryOf(w1.taskKey)]]);
      assert.deepEqual(await deliveryQueues(w1.taskKey), [gatewayTaskQueue('west')]);

      await west.worker.stop(); // the west gateway goes down
      const [e2, w2] = [await startTask(retryConfig('east', config), 'agent:main:subagent:e2'), await startTask(retryConfig('west', config), 'agent:main:subagent:w2')];
      await w2.ended('agent:main:subagent:w2', 'error'); // west's failure first: a wrong route would deliver it before east's
      await e2.ended('agent:main:subagent:e2', 'error');
      await eventually('east got its second retry', () => (east.system.events.length === 2 ? true : undefined));
      const waiting = await eventually('west’s delivery waits on its queue', async () => {
        const pending = (await stack.env.client.workflow.getHandle(subagentRetryWorkflowId(w2.taskKey, 1)).describe()).raw.pendingActivities ?? [];
        return pending.length === 1 ? pending[0] : undefined;
      });
      assert.equal(waiting?.activityType?.name, 'deliverSystemEvent');
      assert.deepEqual(received(east), [retryOf(e1.taskKey), retryOf(e2.taskKey)], 'east never delivers west’s retry');
      assert.equal(west.system.events.length, 1);

      westAgain = recordingGateway(stack.env.address, 'west', west.system); // west comes back: the same queue, a new process
      westAgain.worker.start();
      await eventually('west’s retry delivered by west', () => (west.system.events.length === 2 ? true : undefined), 30_000);
      assert.deepEqual(received(west), [retryOf(w1.taskKey), retryOf(w2.taskKey)]);
      assert.deepEqual(received(east), [retryOf(e1.taskKey), retryOf(e2.taskKey)]);
      assert.deepEqual(await deliveryQueues(w2.taskKey), [gatewayTaskQueue('west')]);
    } finally {
      await Promise.all([east.worker.stop(), west.worker.stop(), westAgain?.worker.stop()]);
    }
  });
});
