/**
 * Subagent retry scenarios for the replay fixtures: retry then success, retry-fail-exhausted, a backoff timer, a
 * duplicated end event, a retry nobody picks up (once, and re-delivered until the task gives up), a re-delivery
 * after a gateway start, a retry terminated by an operator. Each runs its own recording gateway (see test/helpers/gateway.ts).
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  retryGatewayStartedSignal,
  subagentRetryWorkflowId,
  subagentTaskWorkflowId,
  taskEndedSignal,
  taskRequesterEndedSignal,
  taskSpawnedSignal,
  type RetryConfig,
  type SubagentTaskArgs,
} from '../../workflows/subagent/contract.ts';
import { recordingGateway } from '../helpers/gateway.ts';
import { retryConfig } from '../helpers/retry-config.ts';
import type { RecordedRun, Scenario, ScenarioContext } from './types.ts';

const REQUESTER = 'agent:main:subagent:orch-rec';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


async function waitForRetry(client: Client, taskKey: string, attempt: number): Promise<WorkflowHandle> {
  const handle = client.workflow.getHandle(subagentRetryWorkflowId(taskKey, attempt));
  for (let i = 0; i < 100; i += 1) {
    try {
      await handle.describe();
      return handle;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`retry ${attempt} of ${taskKey} never started`);
}

/** Plays `play` with a task and a recording gateway; returns the run to record. */
function scenario(name: string, overrides: Partial<RetryConfig>, play: (t: TaskPlay) => Promise<RecordedRun>): Scenario {
  return {
    name,
    async run(ctx: ScenarioContext) {
      const gw = recordingGateway(ctx.address, `rec-${name}`);
      gw.worker.start();
      try {
        const taskKey = `rec-${name}`;
        const cfg = retryConfig(gw.taskQueue, overrides);
        const args: SubagentTaskArgs = { taskKey, requester: REQUESTER, spec: { task: 'index the wiki', label: 'indexer', agentId: 'main' } };
        const handle = await ctx.client.workflow.signalWithStart('subagentTaskWorkflow', {
          workflowId: subagentTaskWorkflowId(taskKey),
          taskQueue: 'openclaw-temporal',
          args: [args],
          signal: taskSpawnedSignal,
          signalArgs: [{ eventId: 'spawned:c1', childKey: 'c1', config: cfg }],
        });
        const t: TaskPlay = {
          client: ctx.client,
          taskKey,
          handle,
          gatewayTaskQueue: gw.taskQueue,
          ended: (childKey, outcome) => handle.signal(taskEndedSignal, { eventId: `ended:${childKey}`, childKey, outcome, config: cfg }),
          spawned: (childKey) => handle.signal(taskSpawnedSignal, { eventId: `spawned:${childKey}`, childKey, config: cfg }),
          requesterEnded: () => handle.signal(taskRequesterEndedSignal, { sessionKey: REQUESTER }),
          async finish() {
            await sleep(500);
            await t.requesterEnded();
            await handle.result();
            return { workflowId: handle.workflowId };
          },
        };
        return await play(t);
      } finally {
        await gw.worker.stop();
      }
    },
  };
}

interface TaskPlay {
  readonly client: Client;
  readonly taskKey: string;
  readonly handle: WorkflowHandle;
  readonly gatewayTaskQueue: string;
  ended(childKey: string, outcome: string): Promise<void>;
  spawned(childKey: string): Promise<void>;
  /** The requester ended: a settled task (kept for a later identical task) completes. */
  requesterEnded(): Promise<void>;
  /** Half a second later the requester ends; once the task has completed, it is the run to record. */
  finish(): Promise<RecordedRun>;
}

export const subagentScenarios: readonly Scenario[] = [
  scenario('subagent-retry-then-success', {}, async (t) => {
    await t.ended('c1', 'error');
    await (await waitForRetry(t.client, t.taskKey, 1)).describe();
    await t.spawned('c2');
    await t.ended('c2', 'ok');
    return t.finish();
  }),
  scenario('subagent-retry-exhausted', { notifyRequesterOnExhausted: true }, async (t) => {
    await t.ended('c1', 'error');
    await waitForRetry(t.client, t.taskKey, 1);
    await t.spawned('c2');
    await t.ended('c2', 'timeout');
    await waitForRetry(t.client, t.taskKey, 2);
    await t.spawned('c3');
    await t.ended('c3', 'error');
    return t.finish();
  }),
  scenario('subagent-retry-backoff', { backoff: { initialMs: 800, multiplier: 2, maxMs: 5000 } }, async (t) => {
    await t.ended('c1', 'error');
    const retry = await waitForRetry(t.client, t.taskKey, 1);
    await sleep(1500);
    await t.spawned('c2');
    await retry.result();
    return { workflowId: retry.workflowId };
  }),
  scenario('subagent-duplicate-end', {}, async (t) => {
    await t.ended('c1', 'error');
    await t.ended('c1', 'error');
    await waitForRetry(t.client, t.taskKey, 1);
    await t.spawned('c2');
    await t.ended('c2', 'ok');
    return t.finish();
  }),
  scenario('subagent-retry-not-picked-up', { pickupTimeoutMs: 600 }, async (t) => {
    await t.ended('c1', 'error');
    const retry = await waitForRetry(t.client, t.taskKey, 1);
    await retry.result();
    return { workflowId: retry.workflowId };
  }),
  scenario('subagent-retry-redelivered', { pickupTimeoutMs: 600, redelivery: { maxDeliveries: 3, multiplier: 1.5, maxIntervalMs: 5000 } }, async (t) => {
    await t.ended('c1', 'error');
    const retry = await waitForRetry(t.client, t.taskKey, 1);
    await retry.result();
    return { workflowId: retry.workflowId };
  }),
  scenario('subagent-retry-gateway-start', { pickupTimeoutMs: 60_000, redelivery: { maxDeliveries: 2, multiplier: 1, maxIntervalMs: 60_000 } }, async (t) => {
    await t.ended('c1', 'error');
    const retry = await waitForRetry(t.client, t.taskKey, 1);
    await sleep(1000);
    await retry.signal(retryGatewayStartedSignal, { taskQueue: t.gatewayTaskQueue });
    await sleep(1000);
    await t.spawned('c2');
    await retry.result();
    return { workflowId: retry.workflowId };
  }),
  scenario('subagent-retry-terminated', { pickupTimeoutMs: 60_000 }, async (t) => {
    await t.ended('c1', 'error');
    const retry = await waitForRetry(t.client, t.taskKey, 1);
    await sleep(1000);
    await retry.terminate('operator');
    await sleep(500);
    await t.spawned('c2');
    await t.ended('c2', 'ok');
    return t.finish();
  }),
  scenario('subagent-task-known-after-success', {}, async (t) => {
    await t.ended('c1', 'error');
    await waitForRetry(t.client, t.taskKey, 1);
    await t.spawned('c2');
    await t.ended('c2', 'ok');
    await sleep(500);
    await t.spawned('c3');
    await t.ended('c3', 'error');
    await waitForRetry(t.client, t.taskKey, 2);
    await t.spawned('c4');
    await t.ended('c4', 'error');
    return t.finish();
  }),
  scenario('subagent-retry-unanswered', { pickupTimeoutMs: 600, redelivery: { maxDeliveries: 2, multiplier: 1, maxIntervalMs: 5000 } }, async (t) => {
    await t.ended('c1', 'error');
    return t.finish();
  }),
];
