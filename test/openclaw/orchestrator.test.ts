/**
 * The orchestrator plugin through OpenClaw's real loader and hook runner (Node 24), against a real dev server
 * and the real worker: a whole thread is played with the events OpenClaw's embedded runner would pass; then
 * the gateway "restarts" (a new plugin instance rebuilds its cache from Temporal), the front's session ends,
 * and finally Temporal stops. Only the model is fake: tool calls and subagent events are fired by hand.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ThreadResult } from '../../workflows/orchestrator/contract.ts';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import type { ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { subagentTaskWorkflowId } from '../../workflows/subagent/contract.ts';
import { eventually } from '../helpers/temporal.ts';
import { value } from './orchestrator-driver.ts';
import { orchestratorPluginDir, withOrchestratorHost, type OrchestratorHost } from './orchestrator-host.ts';
import { assertConfigsRejected } from './plugin-load.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:7c1e0f3a-orch';
const W1 = 'agent:main:subagent:7c1e0f3a-w1';
const W2 = 'agent:main:subagent:7c1e0f3a-w2';
const UNBOUND_FRONT = 'agent:main:telegram:direct:4242';
const STRANGER = 'agent:main:subagent:someone-else';
const DECISION_TIMEOUT_MS = 2500;

const orchestrator = withOrchestratorHost();
const { stack, thread } = orchestrator;

const config = (overrides: Record<string, unknown> = {}) => ({ temporalAddress: stack.env.address, decisionTimeoutMs: DECISION_TIMEOUT_MS, onTemporalError: 'block', ...overrides });
const cacheLoads = async () => (await stack.host.logs()).filter((l) => /orchestrator threads loaded from Temporal/.test(l.message)).length;
/** Loads the plugin and starts its services; `ready` waits for the thread cache, like a gateway that finished starting. */
const load = async (overrides: Record<string, unknown> = {}, ready = true) => {
  const before = await cacheLoads();
  const loaded = await orchestrator.load(config(overrides));
  if (ready) await eventually('thread cache rebuilt', async () => ((await cacheLoads()) > before ? true : undefined), 60_000);
  return loaded;
};

type Driver = OrchestratorHost['driver'];
const tool = (...args: Parameters<Driver['tool']>) => orchestrator.driver.tool(...args);
const spawn = (...args: Parameters<Driver['spawn']>) => orchestrator.driver.spawn(...args);
const prompt = (...args: Parameters<Driver['prompt']>) => orchestrator.driver.prompt(...args);
const subagentEnded = (...args: Parameters<Driver['subagentEnded']>) => orchestrator.driver.subagentEnded(...args);

describe('orchestrator in OpenClaw’s real loader and hook runner', () => {
  test('an invalid config is rejected, naming the field (manifest schema and our parser)', async () => {
    await assertConfigsRejected(stack.host, { pluginDir: orchestratorPluginDir, pluginId: 'orchestrator' }, [
      [{ allowedMainTool: [] }, /allowedMainTool/],
      [{ onTemporalError: 'maybe' }, /onTemporalError/],
    ]);
  });

  test('the plugin loads with its seven hooks and its Temporal service; the keys the original forgot are accepted', async () => {
    const loaded = await load({ allowedOrchestratorTools: ['sessions_list'], orchestratorLabelPrefix: 'Trip Planner' });
    assert.deepEqual(loaded.hookNames.toSorted(), ['after_tool_call', 'before_prompt_build', 'before_tool_call', 'session_end', 'subagent_delivery_target', 'subagent_ended', 'subagent_spawned']);
    assert.deepEqual(loaded.services, ['orchestrator-temporal', 'orchestrator-gateway-activities']);
  });

  test('a whole thread: spawn → accepted → blocked twice → allowed → reports back → front polls → snapshot → worker error', async () => {
    const first = await prompt(FRONT, 'Plan my trip to Lisbon');
    assert.match(first ?? '', /\[orchestrator mode is active\]/);
    assert.doesNotMatch(first ?? '', /Hidden orchestrator for this thread/);

    // The front spawns without a task: the remembered user message becomes the orchestrator's primary task.
    const spawned = await spawn(FRONT, ORCH);
    assert.equal(spawned.params?.thread, true);
    assert.match(String(spawned.params?.label), /^trip-planner-[0-9a-f]{10}$/);
    assert.match(String(spawned.params?.task), /hidden orchestrator[\s\S]*Primary task:\nPlan my trip to Lisbon$/);
    assert.equal((await thread(FRONT).query<{ orchestratorKey?: string }>('orchestrator.thread')).orchestratorKey, ORCH);

    const attempts = [await tool(ORCH, 'exec', { command: 'curl flights' }), await tool(ORCH, 'exec', { command: 'curl flights' }), await tool(ORCH, 'exec', { command: 'curl flights' })];
    assert.deepEqual(attempts.map((a) => a.block === true), [true, true, false], 'blocked twice, allowed the third time');
    assert.match(attempts[0]?.blockReason ?? '', /sessions_spawn[\s\S]*curl flights/);

    await spawn(ORCH, W1, { task: 'Find flights to Lisbon', label: 'flights' });
    await spawn(ORCH, W2, { task: 'Find a hotel in Alfama' });
    const delivered = await stack.host.run('runSubagentDeliveryTarget', { childSessionKey: W1, requesterSessionKey: ORCH, childRunId: `${W1}-run`, expectsCompletionMessage: true }, { childSessionKey: W1, requesterSessionKey: ORCH });
    assert.equal(value<{ origin?: unknown }>(delivered).origin, undefined, 'never claims the delivery origin');

    const report = await tool(ORCH, 'sessions_send', { message: 'Flights found, hotel pending' });
    assert.deepEqual(report.params, { message: 'Flights found, hotel pending', sessionKey: FRONT }, 'reports back to its front (rewritten)');
    const poll = await tool(FRONT, 'session_status', {});
    assert.deepEqual(poll.params, { sessionKey: ORCH }, 'the front polls its orchestrator (rewritten)');

    const snapshot = await prompt(FRONT, 'How is it going?');
    assert.match(snapshot ?? '', new RegExp(`Hidden orchestrator for this thread: ${ORCH}`));
    assert.match(snapshot ?? '', /\(2 worker\(s\)\)/);
    assert.match(snapshot ?? '', new RegExp(`\\[running\\] ${W1} \\(flights\\) :: Find flights to Lisbon`));

    value(await subagentEnded(W2, ORCH, 'error'));
    const after = await prompt(FRONT);
    assert.match(after ?? '', new RegExp(`\\[error\\] ${W2} \\(no-label\\) :: Find a hotel in Alfama`));
    const details = await thread(FRONT).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.equal(details.currentDetails, `orchestrator ${ORCH} — 2 workers: 1 error, 1 running`);

    // Sessions outside the thread are untouched.
    const unbound = await tool(UNBOUND_FRONT, 'session_status', {});
    assert.deepEqual([unbound.params, unbound.block], [undefined, undefined]);
    assert.equal((await tool(STRANGER, 'exec', {})).block, undefined);
  });

  test('session_end from a gateway shutdown, restart or compaction keeps the thread: binding, workers, counters and task workflows', async () => {
    const before = await thread(FRONT).query<ThreadState>('orchestrator.thread');
    // What OpenClaw's shutdown drain fires for every active session, and what compaction fires for the front.
    const ends: Array<[string, string]> = [[FRONT, 'shutdown'], [ORCH, 'shutdown'], [W1, 'shutdown'], [W2, 'restart'], [FRONT, 'restart'], [ORCH, 'restart'], [FRONT, 'compaction']];
    for (const [sessionKey, reason] of ends) {
      value(await stack.host.run('runSessionEnd', { sessionId: `sess-${sessionKey}`, sessionKey, messageCount: 3, reason }, { sessionId: `sess-${sessionKey}`, sessionKey, agentId: 'main' }));
    }
    const flights = stack.env.client.workflow.getHandle(subagentTaskWorkflowId(retryTaskKey(ORCH, { task: 'Find flights to Lisbon', label: 'flights' })));
    // Each hook awaited its signal (had one been sent); a query answers only after the signals before it are applied.
    assert.deepEqual(await thread(FRONT).query<ThreadState>('orchestrator.thread'), before, 'binding, workers, counters and delegated task unchanged');
    assert.equal((await thread(FRONT).describe()).status.name, 'RUNNING');
    assert.equal((await flights.describe()).status.name, 'RUNNING', 'the task workflow was not told its requester ended');
    assert.deepEqual((await tool(FRONT, 'session_status', {})).params, { sessionKey: ORCH }, 'the bridge cache still knows the binding');
  });

  test('after a gateway restart (a new plugin instance) every decision for the bound sessions is the same, and the snapshot still lists the workers', async () => {
    await load({ allowedOrchestratorTools: ['sessions_list'], orchestratorLabelPrefix: 'Trip Planner' });
    const poll = await tool(FRONT, 'session_status', {});
    assert.deepEqual(poll.params, { sessionKey: ORCH });
    const report = await tool(ORCH, 'sessions_send', { message: 'still here' });
    assert.deepEqual(report.params, { message: 'still here', sessionKey: FRONT });
    const again = await tool(FRONT, 'sessions_spawn', { task: 'another orchestrator' });
    assert.equal(again.block, true);
    assert.match(again.blockReason ?? '', /hidden orchestrator already active/);
    assert.equal((await tool(ORCH, 'exec', { command: 'curl flights' })).block, undefined, 'the blocked-attempt counter survived: the 4th attempt of the run is allowed');
    assert.equal((await tool(ORCH, 'exec', {}, 'a-new-run')).block, true, 'a new run of the orchestrator is blocked again');
    assert.equal((await tool(W1, 'exec', {})).block, undefined, 'workers may run their tools');
    const snapshot = await prompt(FRONT, 'Any news?');
    assert.match(snapshot ?? '', new RegExp(`\\[error\\] ${W2}`));
    assert.match(snapshot ?? '', new RegExp(`\\[running\\] ${W1} \\(flights\\)`));
  });

  test('the front session’s end closes the thread with a final summary; its sessions are unbound afterwards', async () => {
    value(await stack.host.run('runSessionEnd', { sessionId: 'sess-front', sessionKey: FRONT, messageCount: 9, reason: 'deleted' }, { sessionId: 'sess-front', sessionKey: FRONT, agentId: 'main' }));
    const result = (await thread(FRONT).result()) as ThreadResult;
    assert.equal(result.endedBy, 'front-session-ended');
    assert.deepEqual(result.byStatus, { error: 1, running: 1 });
    assert.equal((await tool(ORCH, 'exec', {}, 'later-run')).block, undefined, 'no longer an orchestrator');
    assert.deepEqual((await tool(FRONT, 'session_status', {})).params, undefined, 'no orchestrator to poll');
  });

  test('Temporal stopped: unbound sessions are unaffected, bound ones follow onTemporalError, nothing throws', async () => {
    const front = 'agent:main:whatsapp:direct:+15550100';
    const orch = 'agent:main:subagent:second-orch';
    await prompt(front, 'Book a table');
    await spawn(front, orch);
    await eventually('bound', async () => ((await thread(front).query<{ orchestratorKey?: string }>('orchestrator.thread')).orchestratorKey === orch ? true : undefined));
    await stack.stopTemporal();

    const started = Date.now();
    const blocked = await tool(orch, 'exec', {});
    const elapsed = Date.now() - started;
    process.stderr.write(`bound decision without Temporal took ${elapsed} ms (decisionTimeoutMs ${DECISION_TIMEOUT_MS})\n`);
    assert.equal(blocked.block, true);
    assert.match(blocked.blockReason ?? '', /onTemporalError: block/);
    assert.ok(elapsed < DECISION_TIMEOUT_MS + 1500, `decided within the bound (${elapsed} ms)`);
    assert.equal((await tool(front, 'session_status', {})).block, true);
    const degraded = await prompt(front, 'Still there?');
    assert.match(degraded ?? '', new RegExp(`Hidden orchestrator for this thread: ${orch}`), 'instructions and binding from the cache');
    assert.doesNotMatch(degraded ?? '', /status snapshot/);

    assert.equal((await tool(STRANGER, 'exec', {})).block, undefined);
    assert.equal((await tool(UNBOUND_FRONT, 'session_status', {})).params, undefined);
    assert.match((await prompt(UNBOUND_FRONT, 'hi')) ?? '', /\[orchestrator mode is active\]/);
    assert.equal((await subagentEnded(orch, front, 'ok')).ok, true);
    assert.equal((await stack.host.run('runSessionEnd', { sessionId: 's2', sessionKey: front, messageCount: 2 }, { sessionId: 's2', sessionKey: front })).ok, true);
    await stack.host.stopServices();
  });

  test('no unhandled rejection or uncaught exception reached the gateway process', async () => {
    assert.deepEqual(await stack.host.unhandled(), []);
  });
});
