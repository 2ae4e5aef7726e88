/**
 * Many failures at once (issue 11 acceptance, scaled to this machine): KEYS task keys × 4 failures each, every
 * `subagent_ended` delivered twice, and two gateway restarts while retries are in flight (a new gateway worker
 * over the same persisted injection queue, announcing its start with the plugin's real announcement). Every retry
 * within budget reaches its requester's turn exactly once; none beyond budget; the count survives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { announceGatewayStart } from '../../plugin-bridge/orchestrator/gateway-start.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';
import {
  gatewayTaskQueue,
  subagentTaskWorkflowId,
  taskEndedSignal,
  taskSpawnedSignal,
  taskStateQuery,
  type SubagentTaskArgs,
} from '../../workflows/subagent/contract.ts';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { recordingGateway, RecordingSystemRuntime } from '../helpers/gateway.ts';
import { retryConfig } from '../helpers/retry-config.ts';
import { eventually } from '../helpers/temporal.ts';
import { withBridgeStack } from '../helpers/bridge-stack.ts';

/** Task keys (4 failures each); `OPENCLAW_TEMPORAL_LOAD_KEYS=250` runs the 1 000 failures. */
const KEYS = Number(process.env.OPENCLAW_TEMPORAL_LOAD_KEYS ?? 25);
const GATEWAY = 'gw-load';
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const stack = withBridgeStack('subagent-retry-load');

const config = retryConfig(gatewayTaskQueue(GATEWAY), {
  backoff: { initialMs: 0, multiplier: 2, maxMs: 0 }, pickupTimeoutMs: 120_000, redelivery: { maxDeliveries: 3, multiplier: 1, maxIntervalMs: 120_000 },
});

test(`${KEYS * 4} failures across ${KEYS} task keys, duplicated ends, two gateway restarts: each retry within budget reaches its requester once`, { timeout: 600_000 }, async () => {
  const store = new RecordingSystemRuntime(); // OpenClaw's persisted queue: it outlives each gateway process
  let gateway = recordingGateway(stack.env.address, GATEWAY, store);
  gateway.worker.start();
  const bridge = new TemporalBridge({ address: stack.env.address, namespace: 'default' });
  bridge.start();
  const run = `${Date.now()}`;
  const tasks = Array.from({ length: KEYS }, (_, i) => ({ taskKey: `load-${run}-${i}`, requester: `agent:main:subagent:req-${run}-${i}` }));
  const handle = (i: number) => stack.env.client.workflow.getHandle(subagentTaskWorkflowId(tasks[i]?.taskKey ?? ''));
  const endTwice = (i: number, child: string, outcome: string) =>
    Promise.all([0, 1].map(() => handle(i).signal(taskEndedSignal, { eventId: `ended:${child}`, childKey: child, outcome, config })));
  const spawn = (i: number, child: string) => handle(i).signal(taskSpawnedSignal, { eventId: `spawned:${child}`, childKey: child, config });
  const seen = new Map<string, number>(); // idempotency key → how many times a turn saw it
  const restart = async () => {
    await gateway.worker.stop();
    gateway = recordingGateway(stack.env.address, GATEWAY, store);
    gateway.worker.start();
    await announceGatewayStart(bridge, gatewayTaskQueue(GATEWAY), quiet);
  };
  /** Each requester takes its turn once its retry `attempt` is pending, then respawns the task as `child`. */
  const turnsThenRespawn = (attempt: number, child: (i: number) => string) =>
    Promise.all(tasks.map(async (t, i) => {
      const key = `orchestrator-retry:${t.taskKey}:${attempt}`;
      await eventually(`retry ${attempt} of task ${i}`, () => (store.events.some((e) => e.contextKey === key) ? true : undefined), 120_000);
      for (const e of store.takeTurn(t.requester)) seen.set(e.contextKey ?? '', (seen.get(e.contextKey ?? '') ?? 0) + 1);
      await spawn(i, child(i));
    }));
  try {
    await Promise.all(tasks.map((t, i) => {
      const args: SubagentTaskArgs = { taskKey: t.taskKey, requester: t.requester, spec: { task: `job ${i}`, label: `job-${i}` } };
      return stack.env.client.workflow.signalWithStart('subagentTaskWorkflow', {
        workflowId: subagentTaskWorkflowId(t.taskKey), taskQueue: 'openclaw-temporal', args: [args],
        signal: taskSpawnedSignal, signalArgs: [{ eventId: `spawned:${i}-a`, childKey: `${i}-a`, config }],
      });
    }));
    await Promise.all(tasks.map((_, i) => endTwice(i, `${i}-a`, 'error')));
    await restart(); // while the first retries are being delivered
    await turnsThenRespawn(1, (i) => `${i}-b`);
    await Promise.all(tasks.map((_, i) => endTwice(i, `${i}-b`, 'timeout')));
    await restart();
    await turnsThenRespawn(2, (i) => `${i}-c`);
    await Promise.all(tasks.map((_, i) => endTwice(i, `${i}-c`, 'error'))); // beyond budget
    await Promise.all(tasks.map((_, i) => spawn(i, `${i}-d`)));
    await Promise.all(tasks.map((_, i) => endTwice(i, `${i}-d`, 'error'))); // the same task later: still beyond budget
    const states = await Promise.all(tasks.map((_, i) =>
      eventually(`task ${i} exhausted twice`, async () => {
        const s = (await handle(i).query(taskStateQuery)) as TaskState;
        return s.status === 'exhausted' && s.attempts.length === 4 && s.attempts.every((a) => a.outcome !== null) ? s : undefined;
      }, 120_000)));
    assert.ok(states.every((s) => s.retriesUsed === 2), 'two retries per task key, kept across the later identical task');
    for (const t of tasks) {
      for (const e of store.takeTurn(t.requester)) seen.set(e.contextKey ?? '', (seen.get(e.contextKey ?? '') ?? 0) + 1);
    }
    assert.equal(seen.size, KEYS * 2, 'every retry within budget reached its requester');
    assert.deepEqual([...new Set(seen.values())], [1], 'each exactly once');
    assert.ok([...seen.keys()].every((k) => /:(1|2)$/.test(k)), 'none beyond budget');
    assert.equal(store.events.length, KEYS * 2);
  } finally {
    await gateway.worker.stop();
    await bridge.stop();
  }
});
