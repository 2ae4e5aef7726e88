/**
 * Durable failed-subagent retries through OpenClaw's real loader, hook runner and runtime (Node 24): the retry
 * event lands in OpenClaw's own system-event queue (read through its SDK), delivered by the gateway activity
 * worker that runs inside the "gateway" process. Real dev server and worker; only the model is missing.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import { subagentTaskWorkflowId, taskStateQuery } from '../../workflows/subagent/contract.ts';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { eventually, startTestServer, startWorkers, type RunningWorkers } from '../helpers/temporal.ts';
import { startOpenClawHost, type OpenClawHost } from './host-client.ts';
import { orchestratorDriver, value } from './orchestrator-driver.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/orchestrator/', import.meta.url));
const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:retry-orch';
const FLIGHTS = { task: 'Find flights to Lisbon', label: 'flights' };
const HOTEL = { task: 'Find a hotel in Alfama', label: 'hotel' };

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let host: OpenClawHost;
let driver: ReturnType<typeof orchestratorDriver>;

/** Starts a gateway process with the plugin loaded and its services (Temporal client + gateway activity worker) running. */
async function startGateway(overrides: Record<string, unknown> = {}): Promise<void> {
  host = await startOpenClawHost();
  driver = orchestratorDriver(host);
  const loaded = await host.load({
    pluginDir,
    pluginId: 'orchestrator',
    pluginConfig: { temporalAddress: env.address, decisionTimeoutMs: 5000, gatewayId: 'gw-oc', maxRetriesPerTask: 2, ...overrides },
  });
  assert.equal(loaded.status, 'loaded', loaded.error ?? '');
  await host.startServices();
  // Like a gateway that finished starting: the thread cache is rebuilt from Temporal before traffic arrives.
  await eventually('thread cache rebuilt', async () => ((await host.logs()).some((l) => /orchestrator threads loaded from Temporal/.test(l.message)) ? true : undefined), 60_000);
}

/** The gateway process goes away (like a gateway restart); OpenClaw's in-memory event queue goes with it. */
async function stopGateway(): Promise<void> {
  assert.deepEqual(await host.unhandled(), [], 'nothing unhandled reached the gateway');
  await host.stopServices();
  await host.close();
}

const retryEvents = async () => (await host.peekSystemEvents(ORCH)).filter((e) => e.text.includes('<orchestrator-retry>'));
const taskState = (spec: { task: string; label: string }) =>
  env.client.workflow.getHandle(subagentTaskWorkflowId(retryTaskKey(ORCH, { ...spec, agentId: undefined }))).query(taskStateQuery) as Promise<TaskState>;

describe('durable failed-subagent retries in OpenClaw’s real runtime', () => {
  before(async () => {
    env = await startTestServer();
    workers = await startWorkers(env);
    await startGateway();
  });

  after(async () => {
    await host?.close();
    await workers?.stop();
    await env?.teardown();
  });

  afterEach((t) => {
    if ('passed' in t && t.passed === false) process.stderr.write(`--- openclaw host stderr ---\n${host.stderrText()}\n`);
  });

  test('a worker that ends with error gets exactly one retry event in OpenClaw’s queue, with the original’s fields', async () => {
    await driver.prompt(FRONT, 'Plan my trip');
    await driver.spawn(FRONT, ORCH);
    await driver.spawn(ORCH, 'agent:main:subagent:w-flights-1', FLIGHTS);
    value(await driver.subagentEnded('agent:main:subagent:w-flights-1', ORCH, 'error'));
    const [event] = await eventually('the retry event', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    for (const part of ['agent:main:subagent:w-flights-1', 'outcome: error', 'attempt: 1/2', 'sessions_spawn', 'task: Find flights to Lisbon', 'label: flights']) {
      assert.ok(event?.text.includes(part), `the event names ${part}`);
    }
    assert.match(event?.contextKey ?? '', /^orchestrator-retry:[0-9a-f]{64}:1$/);
    const taskKey = retryTaskKey(ORCH, { ...FLIGHTS, agentId: undefined });
    await eventually('the task is found by its search attribute', async () => ((await env.client.workflow.count(`OpenClawTaskKey = "${taskKey}"`)).count === 1 ? true : undefined));
  });

  test('the same subagent_ended delivered twice still gives one event', async () => {
    value(await driver.subagentEnded('agent:main:subagent:w-flights-1', ORCH, 'error'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await retryEvents()).length, 1);
    assert.equal((await taskState(FLIGHTS)).retriesUsed, 1);
  });

  test('the budget survives a gateway restart: after maxRetriesPerTask retries no further event', async () => {
    await driver.spawn(ORCH, 'agent:main:subagent:w-flights-2', FLIGHTS);
    await eventually('retry 1 picked up', async () => ((await taskState(FLIGHTS)).pendingRetry === null ? true : undefined));
    await stopGateway();
    await startGateway();
    value(await driver.subagentEnded('agent:main:subagent:w-flights-2', ORCH, 'timeout'));
    const [second] = await eventually('retry 2 after the restart', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    assert.match(second?.text ?? '', /attempt: 2\/2/);
    await driver.spawn(ORCH, 'agent:main:subagent:w-flights-3', FLIGHTS);
    await stopGateway();
    await startGateway();
    value(await driver.subagentEnded('agent:main:subagent:w-flights-3', ORCH, 'error'));
    await eventually('task exhausted', async () => ((await taskState(FLIGHTS)).status === 'exhausted' ? true : undefined));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await retryEvents()).length, 0, 'no third retry, even though this gateway process never delivered one');
  });

  test('gateway down when the retry becomes due: delivered once when it comes back', async () => {
    await stopGateway();
    await startGateway({ retryBackoff: { initialMs: 2500 } });
    await driver.spawn(ORCH, 'agent:main:subagent:w-hotel-1', HOTEL);
    value(await driver.subagentEnded('agent:main:subagent:w-hotel-1', ORCH, 'error'));
    await stopGateway();
    const retry = env.client.workflow.getHandle(`${subagentTaskWorkflowId(retryTaskKey(ORCH, { ...HOTEL, agentId: undefined }))}/retry-1`);
    await eventually('the retry started', async () => ((await retry.describe()).status.name === 'RUNNING' ? true : undefined), 30_000);
    await new Promise((r) => setTimeout(r, 3500)); // the backoff runs out while no gateway is up
    const history = await retry.fetchHistory();
    assert.ok(history.events?.some((e) => e.activityTaskScheduledEventAttributes), 'the delivery is scheduled and waits for a gateway');
    assert.ok(!history.events?.some((e) => e.activityTaskStartedEventAttributes), 'no gateway has taken it yet');
    await startGateway({ retryBackoff: { initialMs: 2500 } });
    const events = await eventually('delivered after the gateway came back', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    assert.match(events[0]?.text ?? '', /label: hotel/);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await retryEvents()).length, 1);
    await stopGateway();
  });
});
