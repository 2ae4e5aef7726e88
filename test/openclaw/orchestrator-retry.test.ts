/**
 * Durable failed-subagent retries through OpenClaw's real loader, hook runner and runtime (Node 24): the retry
 * event is stored as a next-turn injection in OpenClaw's own session store (SQLite under the state dir, read
 * through its SDK), delivered by the gateway activity worker that runs inside the "gateway" process. The state
 * dir outlives each gateway process, as a real gateway's does. Real dev server and worker; only the model is missing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import { subagentTaskWorkflowId, taskStateQuery, type SubagentRetryResult } from '../../workflows/subagent/contract.ts';
import { workflowMetadataQuery } from '@temporalio/workflow';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { eventually } from '../helpers/temporal.ts';
import { value } from './orchestrator-driver.ts';
import { withOrchestratorGateway } from './orchestrator-gateway.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:retry-orch';
const FLIGHTS = { task: 'Find flights to Lisbon', label: 'flights' };
const HOTEL = { task: 'Find a hotel in Alfama', label: 'hotel' };
const CAR = { task: 'Rent a small car', label: 'car' };

const { stack, gateway } = withOrchestratorGateway({ gatewayId: 'gw-oc' }, ORCH);

const retryEvents = async () => (await stack.host.peekInjections(ORCH)).filter((e) => e.text.includes('<orchestrator-retry>'));
/** The requester's next turn: what it saw of the retries. */
const turn = async () => (await stack.host.takeTurn(ORCH)).filter((e) => e.text.includes('<orchestrator-retry>'));
const retryHandle = (spec: { task: string; label: string }, attempt = 1) =>
  stack.env.client.workflow.getHandle(`${subagentTaskWorkflowId(retryTaskKey(ORCH, { ...spec, agentId: undefined }))}/retry-${attempt}`);
const taskState = (spec: { task: string; label: string }) =>
  stack.env.client.workflow.getHandle(subagentTaskWorkflowId(retryTaskKey(ORCH, { ...spec, agentId: undefined }))).query(taskStateQuery) as Promise<TaskState>;

describe('durable failed-subagent retries in OpenClaw’s real runtime', () => {
  test('a worker that ends with error gets exactly one retry stored with the requester’s session, with the original’s fields', async () => {
    await gateway.driver.prompt(FRONT, 'Plan my trip');
    await gateway.driver.spawn(FRONT, ORCH);
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:w-flights-1', FLIGHTS);
    value(await gateway.driver.subagentEnded('agent:main:subagent:w-flights-1', ORCH, 'error'));
    const [event] = await eventually('the retry event', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    for (const part of ['agent:main:subagent:w-flights-1', 'outcome: error', 'attempt: 1/2', 'sessions_spawn', 'task: Find flights to Lisbon', 'label: flights']) {
      assert.ok(event?.text.includes(part), `the event names ${part}`);
    }
    assert.match(event?.idempotencyKey ?? '', /^orchestrator-retry:[0-9a-f]{64}:1$/);
    assert.equal(event?.pluginId, 'orchestrator');
    assert.deepEqual(await stack.host.peekSystemEvents(ORCH), [], 'nothing in the in-memory queue');
    const taskKey = retryTaskKey(ORCH, { ...FLIGHTS, agentId: undefined });
    await eventually('the task is found by its search attribute', async () => ((await stack.env.client.workflow.count(`OpenClawTaskKey = "${taskKey}"`)).count === 1 ? true : undefined));
  });

  test('the same subagent_ended delivered twice still gives one event', async () => {
    value(await gateway.driver.subagentEnded('agent:main:subagent:w-flights-1', ORCH, 'error'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await retryEvents()).length, 1);
    assert.equal((await taskState(FLIGHTS)).retriesUsed, 1);
  });

  test('the budget survives a gateway restart: after maxRetriesPerTask retries no further event', async () => {
    assert.equal((await turn()).length, 1, 'the requester’s turn sees retry 1 once');
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:w-flights-2', FLIGHTS);
    await eventually('retry 1 picked up', async () => ((await taskState(FLIGHTS)).pendingRetry === null ? true : undefined));
    await gateway.stop();
    await gateway.start();
    value(await gateway.driver.subagentEnded('agent:main:subagent:w-flights-2', ORCH, 'timeout'));
    const [second] = await eventually('retry 2 after the restart', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    assert.match(second?.text ?? '', /attempt: 2\/2/);
    assert.equal((await turn()).length, 1);
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:w-flights-3', FLIGHTS);
    await gateway.stop();
    await gateway.start();
    value(await gateway.driver.subagentEnded('agent:main:subagent:w-flights-3', ORCH, 'error'));
    await eventually('task exhausted', async () => ((await taskState(FLIGHTS)).status === 'exhausted' ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await retryEvents()).length, 0, 'no third retry, even though this gateway process never delivered one');
  });

  test('gateway down when the retry becomes due: delivered once when it comes back', async () => {
    await gateway.stop();
    await gateway.start({ retryBackoff: { initialMs: 2500 } });
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:w-hotel-1', HOTEL);
    value(await gateway.driver.subagentEnded('agent:main:subagent:w-hotel-1', ORCH, 'error'));
    await gateway.stop();
    const retry = stack.env.client.workflow.getHandle(`${subagentTaskWorkflowId(retryTaskKey(ORCH, { ...HOTEL, agentId: undefined }))}/retry-1`);
    await eventually('the retry started', async () => ((await retry.describe()).status.name === 'RUNNING' ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 3500)); // the backoff runs out while no gateway is up
    const history = await retry.fetchHistory();
    assert.ok(history.events?.some((e) => e.activityTaskScheduledEventAttributes), 'the delivery is scheduled and waits for a gateway');
    assert.ok(!history.events?.some((e) => e.activityTaskStartedEventAttributes), 'no gateway has taken it yet');
    await gateway.start({ retryBackoff: { initialMs: 2500 } });
    const events = await eventually('delivered after the gateway came back', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    assert.match(events[0]?.text ?? '', /label: hotel/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await retryEvents()).length, 1);
    assert.equal((await turn()).length, 1);
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:w-hotel-2', HOTEL);
    assert.equal(((await retry.result()) as SubagentRetryResult).pickedUp, true);
    await gateway.stop();
  });

  test('gateway SIGTERMed after the retry was stored, before the requester’s turn: after the restart the turn sees it once', async () => {
    await gateway.start();
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:w-car-1', CAR);
    value(await gateway.driver.subagentEnded('agent:main:subagent:w-car-1', ORCH, 'error'));
    await eventually('stored', async () => ((await retryEvents()).length === 1 ? true : undefined));
    await eventually('waiting for the respawn', async () => (/waiting for respawn/.test((await retryHandle(CAR).query(workflowMetadataQuery)).currentDetails ?? '') ? true : undefined));
    assert.deepEqual(await stack.host.unhandled(), []);
    await stack.host.kill('SIGTERM');
    await gateway.start();
    const deliveries = async () => (await retryHandle(CAR).fetchHistory()).events?.filter((e) => e.activityTaskCompletedEventAttributes).length ?? 0;
    await eventually('woken again at once by the new gateway', async () => ((await deliveries()) === 2 ? true : undefined), 60_000);
    assert.match((await retryHandle(CAR).query(workflowMetadataQuery)).currentDetails ?? '', /woken again at \d\d:\d\d after a gateway start/);
    const seen = await turn();
    assert.equal(seen.length, 1, 'exactly once');
    assert.match(seen[0]?.text ?? '', /label: car/);
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:w-car-2', CAR);
    const result = (await retryHandle(CAR).result()) as SubagentRetryResult;
    assert.deepEqual([result.pickedUp, result.deliveries], [true, 1]);
    assert.equal((await taskState(CAR)).retriesUsed, 1);
    await gateway.stop();
  });
});
