/**
 * The orchestrator's observer facts through a Temporal outage (issue 9, nothing dropped), through OpenClaw's real
 * loader, hook runner and runtime: a TCP proxy in front of the dev server cuts every connection (a stopped server)
 * while a bound thread's worker is spawned and fails. Those facts used to be dropped at their deadline, so the
 * failed worker was never retried; now they wait in the orchestrator's outbox under the gateway's state dir and
 * reach the thread in order, once, when Temporal is back — also across a gateway restart. A fact Temporal refuses
 * goes to the dead-letter file, which `npm run ops -- status` counts, and the facts behind it move on.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { orchestratorDeadFactsPath, orchestratorOutboxPath } from '../../plugin-bridge/orchestrator/fact-files.ts';
import { collectStatus, formatStatus } from '../../scripts/ops/status.ts';
import { orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import type { ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { subagentTaskWorkflowId, taskStateQuery } from '../../workflows/subagent/contract.ts';
import type { TaskState } from '../../workflows/subagent/state.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { eventually } from '../helpers/temporal.ts';
import { value } from './orchestrator-driver.ts';
import { orchestratorGateway } from './orchestrator-gateway.ts';
import { withOpenClawHost } from './with-host.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:outbox-orch';
const FLIGHTS = { task: 'Find flights to Porto', label: 'flights' };
const HOTEL = { task: 'Find a hotel in Ribeira', label: 'hotel' };
const CAR = { task: 'Rent a car in Porto', label: 'car' };
const TOURS = { task: 'Book a Douro valley tour', label: 'tours' };
/** A subagent session in no thread: its workers are recorded by `subagent-requester/<key>`, not by a thread. */
const LONE = 'agent:main:subagent:outbox-lone';
const REPORT = { task: 'Summarise the harbour report', label: 'report' };
const LATE_FRONT = 'agent:main:telegram:direct:4242';
const LATE_ORCH = 'agent:main:subagent:outbox-late-orch';

let proxy: TcpProxy;
const stack = withOpenClawHost({
  temporal: true,
  host: false,
  started: async ({ env, onTeardown }) => {
    proxy = await startTcpProxy(env.address, 'forward');
    onTeardown(() => proxy.close());
    await startGateway();
    await stack.host.upsertSession(ORCH);
    await stack.host.upsertSession(LONE);
  },
});
const gateway = orchestratorGateway(stack, { gatewayId: 'gw-outbox', decisionTimeoutMs: 1500 });
/** The gateway reaches Temporal only through the proxy (its hooks and its activity worker alike). */
const startGateway = () => gateway.start({ temporalAddress: proxy.address });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const outbox = () => orchestratorOutboxPath(gateway.stateDir);
const keptLines = () => (existsSync(outbox()) ? readFileSync(outbox(), 'utf8').split('\n').filter((l) => l.trim() !== '') : []);
const retryEvents = async (label: string, requester = ORCH) => (await stack.host.peekInjections(requester)).filter((e) => e.text.includes('<orchestrator-retry>') && e.text.includes(`label: ${label}`));
const taskHandle = (spec: { task: string; label: string }) => stack.env.client.workflow.getHandle(subagentTaskWorkflowId(retryTaskKey(ORCH, { ...spec, agentId: undefined })));
const thread = () => stack.env.client.workflow.getHandle(orchestratorThreadWorkflowId(FRONT)).query<ThreadState>('orchestrator.thread');

/** With Temporal up the requester's spawn is decided (a thread records it as pending); then the outage. */
async function spawnThenFailDuringOutage(child: string, spec: { task: string; label: string }, requester = ORCH): Promise<void> {
  const decided = await gateway.driver.tool(requester, 'sessions_spawn', spec);
  assert.notEqual(decided.block, true, decided.blockReason);
  proxy.setMode('refuse');
  const started = Date.now();
  await gateway.driver.accept(requester, child, spec, decided); // subagent_spawned, then the accepted after_tool_call
  const accepted = Date.now();
  value(await gateway.driver.subagentEnded(child, requester, 'error'));
  value(await gateway.driver.subagentEnded(child, requester, 'error')); // the same hook event delivered twice
  process.stderr.write(`outage (refused, decisionTimeoutMs 1500): subagent_spawned + after_tool_call ${accepted - started} ms, then two subagent_ended ${Date.now() - accepted} ms\n`);
}

describe('orchestrator observer facts through a Temporal outage, in OpenClaw’s real runtime', () => {
  test('a worker spawned and failed while Temporal is unreachable: kept on disk, delivered in order when it is back, retried once', async () => {
    await gateway.driver.prompt(FRONT, 'Plan a weekend in Porto');
    await gateway.driver.spawn(FRONT, ORCH);
    await eventually('the orchestrator bound', async () => ((await thread()).orchestratorKey === ORCH ? true : undefined));

    await spawnThenFailDuringOutage('agent:main:subagent:outbox-flights-1', FLIGHTS);
    const kept = keptLines();
    assert.deepEqual(kept.map((l) => (JSON.parse(l) as { fact: { kind: string } }).fact.kind), ['subagent-activity', 'spawn-result', 'subagent-ended', 'subagent-ended'], 'every fact kept, in the order observed');
    await sleep(500);
    await assert.rejects(taskHandle(FLIGHTS).describe(), 'no task workflow while Temporal is unreachable');
    assert.deepEqual(await retryEvents('flights'), []);

    proxy.setMode('forward');
    const [event] = await eventually('the retry of the failed worker', async () => ((await retryEvents('flights')).length === 1 ? await retryEvents('flights') : undefined), 45_000);
    assert.match(event?.text ?? '', /attempt: 1\/2/);
    await eventually('the outbox delivered and removed', async () => (existsSync(outbox()) ? undefined : true));
    assert.equal((await thread()).workers['agent:main:subagent:outbox-flights-1']?.status, 'error', 'the thread knows the worker and its outcome');
    await sleep(1500);
    assert.equal((await retryEvents('flights')).length, 1, 'the duplicate subagent_ended applied once');
    assert.equal(((await taskHandle(FLIGHTS).query(taskStateQuery)) as TaskState).retriesUsed, 1);
  });

  test('facts kept by a gateway that stopped during the outage are delivered by the next one', async () => {
    await spawnThenFailDuringOutage('agent:main:subagent:outbox-hotel-1', HOTEL);
    assert.equal(keptLines().length, 4);
    await gateway.stop();
    proxy.setMode('forward');
    await startGateway();
    const [event] = await eventually('the retry after the restart', async () => ((await retryEvents('hotel')).length === 1 ? await retryEvents('hotel') : undefined), 45_000);
    assert.match(event?.text ?? '', /task: Find a hotel in Ribeira/);
    await eventually('the outbox delivered and removed', async () => (existsSync(outbox()) ? undefined : true));
    await sleep(1500);
    assert.equal((await retryEvents('hotel')).length, 1);
    assert.equal(((await taskHandle(HOTEL).query(taskStateQuery)) as TaskState).retriesUsed, 1);
  });

  test('a worker of a session in no thread, spawned and failed while Temporal is unreachable: its record gets both facts once it is back', async () => {
    await spawnThenFailDuringOutage('agent:main:subagent:outbox-report-1', REPORT, LONE);
    assert.deepEqual(keptLines().map((l) => (JSON.parse(l) as { fact: { kind: string } }).fact.kind), ['requester-spawned', 'requester-ended', 'requester-ended']);
    proxy.setMode('forward');
    const [event] = await eventually('the retry of the lone requester’s worker', async () => ((await retryEvents('report', LONE)).length === 1 ? await retryEvents('report', LONE) : undefined), 45_000);
    assert.match(event?.text ?? '', /task: Summarise the harbour report/);
    await eventually('the outbox delivered and removed', async () => (existsSync(outbox()) ? undefined : true));
    await sleep(1500);
    assert.equal((await retryEvents('report', LONE)).length, 1, 'the duplicate subagent_ended applied once');
  });

  test('a front’s spawn decided without Temporal: its adoption and its result are kept, and the orchestrator is bound once Temporal is back', async () => {
    proxy.setMode('refuse');
    await gateway.driver.prompt(LATE_FRONT, 'Organise a port wine tasting');
    const decided = await gateway.driver.tool(LATE_FRONT, 'sessions_spawn', {});
    assert.equal(decided.params?.thread, true, 'rewritten locally into the hidden orchestrator’s spawn');
    await gateway.driver.accept(LATE_FRONT, LATE_ORCH, {}, decided);
    assert.deepEqual(keptLines().map((l) => (JSON.parse(l) as { fact: { kind: string } }).fact.kind), ['adopt', 'spawn-result']);
    proxy.setMode('forward');
    const lateThread = () => stack.env.client.workflow.getHandle(orchestratorThreadWorkflowId(LATE_FRONT)).query<ThreadState>('orchestrator.thread');
    await eventually('the orchestrator bound in its thread', async () => ((await lateThread().catch(() => null))?.orchestratorKey === LATE_ORCH ? true : undefined), 45_000);
    const again = await gateway.driver.tool(LATE_FRONT, 'sessions_spawn', { task: 'a second one' });
    assert.match(again.blockReason ?? '', /hidden orchestrator already active/);
  });

  test('a fact Temporal refuses is dead-lettered and shown by ops status; the fact behind it is delivered', async () => {
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:outbox-tours-1', TOURS);
    await gateway.driver.spawn(ORCH, 'agent:main:subagent:outbox-car-1', CAR);
    // An outcome over the server's 2 MB payload limit (random, so the codec cannot shrink it): refused every time.
    value(await gateway.driver.subagentEnded('agent:main:subagent:outbox-tours-1', ORCH, `error ${randomBytes(1_900_000).toString('base64')}`));
    value(await gateway.driver.subagentEnded('agent:main:subagent:outbox-car-1', ORCH, 'error'));
    await eventually('the fact behind the refused one delivered: the car worker retried', async () => ((await retryEvents('car')).length === 1 ? true : undefined), 60_000);
    const dead = readFileSync(orchestratorDeadFactsPath(gateway.stateDir), 'utf8').split('\n').filter((l) => l.trim() !== '');
    assert.equal(dead.length, 1);
    const entry = JSON.parse(dead[0] ?? '{}') as { fact?: { kind?: string; signal?: { targetSessionKey?: string } }; error?: string };
    assert.deepEqual([entry.fact?.kind, entry.fact?.signal?.targetSessionKey], ['subagent-ended', 'agent:main:subagent:outbox-tours-1']);
    assert.match(entry.error ?? '', /INVALID_ARGUMENT: Blob data size exceeds limit/);
    const status = formatStatus(await collectStatus(stack.env.client, Date.now(), gateway.stateDir), 'test');
    assert.match(status, /^ {2}orchestrator {2}.*; dead letters: 1 refused fact\(s\); outbox: 0 waiting$/m);
    assert.match(status, /^ {2}observer facts Temporal refused \(dead-lettered on this host\): 1 in .*orchestrator\/dead-facts\.jsonl$/m);
    assert.deepEqual(await retryEvents('tours'), []);
    await gateway.stop();
  });
});
