/**
 * Durable failed-subagent retries through OpenClaw's real loader, hook runner and runtime (Node 24): the retry
 * event is stored as a next-turn injection in OpenClaw's own session store (SQLite under the state dir, read
 * through its SDK), delivered by the gateway activity worker that runs inside the "gateway" process. The state
 * dir outlives each gateway process, as a real gateway's does. Real dev server and worker; only the model is missing.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import { subagentTaskWorkflowId, taskStateQuery, type SubagentRetryResult } from '../../workflows/subagent/contract.ts';
import { workflowMetadataQuery } from '@temporalio/workflow';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { eventually, startTestServer, startWorkers, type RunningWorkers } from '../helpers/temporal.ts';
import { startOpenClawHost, type OpenClawHost } from './host-client.ts';
import { orchestratorDriver, value } from './orchestrator-driver.ts';

const pluginDir = fileURLToPath(new URL('../../plugin-bridge/orchestrator/', import.meta.url));
const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:retry-orch';
const FLIGHTS = { task: 'Find flights to Lisbon', label: 'flights' };
const HOTEL = { task: 'Find a hotel in Alfama', label: 'hotel' };
const CAR = { task: 'Rent a small car', label: 'car' };

let env: TestWorkflowEnvironment;
let workers: RunningWorkers;
let host: OpenClawHost;
let driver: ReturnType<typeof orchestratorDriver>;
/** The gateway's state dir (session store included): it survives every gateway restart. */
let stateDir: string;

/** Starts a gateway process with the plugin loaded and its services (Temporal client + gateway activity worker) running. */
async function startGateway(overrides: Record<string, unknown> = {}): Promise<void> {
  host = await startOpenClawHost({ env: { OPENCLAW_STATE_DIR: stateDir } });
  driver = orchestratorDriver(host);
  const loaded = await host.load({
    pluginDir,
    pluginId: 'orchestrator',
    pluginConfig: { temporalAddress: env.address, decisionTimeoutMs: 5000, gatewayId: 'gw-oc', maxRetriesPerTask: 2, ...overrides },
  });
  assert.equal(loaded.status, 'loaded', loaded.error ?? '');
  await host.startServices({ stateDir });
  // Like a gateway that finished starting: the thread cache is rebuilt from Temporal before traffic arrives.
  await eventually('thread cache rebuilt', async () => ((await host.logs()).some((l) => /orchestrator threads loaded from Temporal/.test(l.message)) ? true : undefined), 60_000);
}

/** The gateway process goes away (like a gateway restart); OpenClaw's in-memory event queue goes with it. */
async function stopGateway(): Promise<void> {
  assert.deepEqual(await host.unhandled(), [], 'nothing unhandled reached the gateway');
  await host.stopServices();
  await host.close();
}

const retryEvents = async () => (await host.peekInjections(ORCH)).filter((e) => e.text.includes('<orchestrator-retry>'));
/** The requester's next turn: what it saw of the retries. */
const turn = async () => (await host.takeTurn(ORCH)).filter((e) => e.text.includes('<orchestrator-retry>'));
const retryHandle = (spec: { task: string; label: string }, attempt = 1) =>
  env.client.workflow.getHandle(`${subagentTaskWorkflowId(retryTaskKey(ORCH, { ...spec, agentId: undefined }))}/retry-${attempt}`);
const taskState = (spec: { task: string; label: string }) =>
  env.client.workflow.getHandle(subagentTaskWorkflowId(retryTaskKey(ORCH, { ...spec, agentId: undefined }))).query(taskStateQuery) as Promise<TaskState>;

describe('durable failed-subagent retries in OpenClaw’s real runtime', () => {
  before(async () => {
    env = await startTestServer();
    workers = await startWorkers(env);
    stateDir = await mkdtemp(join(tmpdir(), 'openclaw-gateway-state-'));
    await startGateway();
    await host.upsertSession(ORCH); // the requester's session exists in the store, as a spawned orchestrator's does
  });

  after(async () => {
    await host?.close();
    await workers?.stop();
    await env?.teardown();
    await rm(stateDir, { recursive: true, force: true });
  });

  afterEach((t) => {
    if ('passed' in t && t.passed === false) process.stderr.write(`--- openclaw host stderr ---\n${host.stderrText()}\n`);
  });

  test('a worker that ends with error gets exactly one retry stored with the requester’s session, with the original’s fields', async () => {
    await driver.prompt(FRONT, 'Plan my trip');
    await driver.spawn(FRONT, ORCH);
    await driver.spawn(ORCH, 'agent:main:subagent:w-flights-1', FLIGHTS);
    value(await driver.subagentEnded('agent:main:subagent:w-flights-1', ORCH, 'error'));
    const [event] = await eventually('the retry event', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    for (const part of ['agent:main:subagent:w-flights-1', 'outcome: error', 'attempt: 1/2', 'sessions_spawn', 'task: Find flights to Lisbon', 'label: flights']) {
      assert.ok(event?.text.includes(part), `the event names ${part}`);
    }
    assert.match(event?.idempotencyKey ?? '', /^orchestrator-retry:[0-9a-f]{64}:1$/);
    assert.equal(event?.pluginId, 'orchestrator');
    assert.deepEqual(await host.peekSystemEvents(ORCH), [], 'nothing in the in-memory queue');
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
    assert.equal((await turn()).length, 1, 'the requester’s turn sees retry 1 once');
    await driver.spawn(ORCH, 'agent:main:subagent:w-flights-2', FLIGHTS);
    await eventually('retry 1 picked up', async () => ((await taskState(FLIGHTS)).pendingRetry === null ? true : undefined));
    await stopGateway();
    await startGateway();
    value(await driver.subagentEnded('agent:main:subagent:w-flights-2', ORCH, 'timeout'));
    const [second] = await eventually('retry 2 after the restart', async () => ((await retryEvents()).length === 1 ? await retryEvents() : undefined));
    assert.match(second?.text ?? '', /attempt: 2\/2/);
    assert.equal((await turn()).length, 1);
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
    assert.equal((await turn()).length, 1);
    await driver.spawn(ORCH, 'agent:main:subagent:w-hotel-2', HOTEL);
    assert.equal(((await retry.result()) as SubagentRetryResult).pickedUp, true);
    await stopGateway();
  });

  test('gateway SIGTERMed after the retry was stored, before the requester’s turn: after the restart the turn sees it once', async () => {
    await startGateway();
    await driver.spawn(ORCH, 'agent:main:subagent:w-car-1', CAR);
    value(await driver.subagentEnded('agent:main:subagent:w-car-1', ORCH, 'error'));
    await eventually('stored', async () => ((await retryEvents()).length === 1 ? true : undefined));
    await eventually('waiting for the respawn', async () => (/waiting for respawn/.test((await retryHandle(CAR).query(workflowMetadataQuery)).currentDetails ?? '') ? true : undefined));
    assert.deepEqual(await host.unhandled(), []);
    await host.kill('SIGTERM');
    await startGateway();
    const deliveries = async () => (await retryHandle(CAR).fetchHistory()).events?.filter((e) => e.activityTaskCompletedEventAttributes).length ?? 0;
    await eventually('woken again at once by the new gateway', async () => ((await deliveries()) === 2 ? true : undefined), 60_000);
    assert.match((await retryHandle(CAR).query(workflowMetadataQuery)).currentDetails ?? '', /woken again at \d\d:\d\d after a gateway start/);
    const seen = await turn();
    assert.equal(seen.length, 1, 'exactly once');
    assert.match(seen[0]?.text ?? '', /label: car/);
    await driver.spawn(ORCH, 'agent:main:subagent:w-car-2', CAR);
    const result = (await retryHandle(CAR).result()) as SubagentRetryResult;
    assert.deepEqual([result.pickedUp, result.deliveries], [true, 1]);
    assert.equal((await taskState(CAR)).retriesUsed, 1);
    await stopGateway();
  });
});
