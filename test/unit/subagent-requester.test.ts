/**
 * Routing of worker spawns by sessions in no thread (issue 11, item 3), pure: the per-requester record computes
 * the original's task key, routes a child's end to its task, ignores duplicates and strangers, and ends every
 * task of a requester whose session ended. Plus which sessions the bridge captures a spawn for (no call at all).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { retryConfigOf } from '../../workflows/orchestrator/task-routing.ts';
import { spawnKey } from '../../workflows/orchestrator/thread-state.ts';
import { gatewayTaskQueue } from '../../workflows/subagent/contract.ts';
import {
  MAX_LIVE_CHILDREN,
  applyRequesterEnded,
  applyRequesterSessionEnded,
  applyRequesterSpawned,
  initialRequesterState,
} from '../../workflows/subagent/requester-state.ts';
import { ThreadDirectory } from '../../plugin-bridge/orchestrator/directory.ts';
import { LocalSpawns } from '../../plugin-bridge/orchestrator/local-spawns.ts';
import { ThreadClient } from '../../plugin-bridge/orchestrator/thread-client.ts';
import type { OrchestratorHookDeps } from '../../plugin-bridge/orchestrator/hook-deps.ts';
import { createBeforeToolCall } from '../../plugin-bridge/orchestrator/tool-hook.ts';
import { UnthreadedSpawns } from '../../plugin-bridge/orchestrator/unthreaded.ts';
import { RecentUserMessages } from '../../plugin-bridge/orchestrator/user-messages.ts';
import { createBridgeLogger } from '../../plugin-bridge/shared/bridge-logger.ts';
import { KeyedChain } from '../../plugin-bridge/shared/keyed-chain.ts';
import { TemporalBridge } from '../../plugin-bridge/shared/temporal-bridge.ts';

const LONE = 'agent:main:subagent:lone';
const config = { ...retryConfigOf(parseOrchestratorConfig({})), gatewayTaskQueue: gatewayTaskQueue('default') };
const spec = { task: 'Summarise the report', label: 'report', agentId: 'ops' };
/** The original's stableTaskKey, written out: requester, agentId, label, trimmed task, joined by newlines. */
const originalKey = createHash('sha256').update([LONE, 'ops', 'report', 'Summarise the report'].join('\n')).digest('hex');

test('a spawn is recorded under the original’s task key and routed to its task; a duplicate is not', () => {
  const first = applyRequesterSpawned(initialRequesterState(LONE), { eventId: 'spawned:c1', childKey: 'c1', spec, config });
  assert.deepEqual(first.messages, [{ kind: 'spawned', taskKey: originalKey, requester: LONE, spec, childKey: 'c1' }]);
  assert.deepEqual(first.state.children, { c1: originalKey });
  assert.deepEqual(applyRequesterSpawned(first.state, { eventId: 'spawned:c1', childKey: 'c1', spec, config }).messages, []);
});

test('a recorded child’s end goes to its task (outcome lowercased); an unknown child or a duplicate end goes nowhere', () => {
  const spawned = applyRequesterSpawned(initialRequesterState(LONE), { eventId: 'spawned:c1', childKey: 'c1', spec, config }).state;
  const ended = applyRequesterEnded(spawned, { eventId: 'e1', childKey: 'c1', outcome: ' Error ', config });
  assert.deepEqual(ended.messages, [{ kind: 'ended', taskKey: originalKey, childKey: 'c1', outcome: 'error' }]);
  assert.deepEqual(applyRequesterEnded(ended.state, { eventId: 'e1', childKey: 'c1', outcome: 'error', config }).messages, []);
  assert.deepEqual(applyRequesterEnded(spawned, { eventId: 'e2', childKey: 'stranger', outcome: 'error', config }).messages, []);
  assert.deepEqual(applyRequesterEnded(spawned, { eventId: 'e3', childKey: 'c1', config }).messages[0], { kind: 'ended', taskKey: originalKey, childKey: 'c1', outcome: 'unknown' });
});

test('the requester’s session end ends each of its tasks once, even after their children ended; then nothing applies', () => {
  let state = initialRequesterState(LONE);
  for (const child of ['c1', 'c2']) state = applyRequesterSpawned(state, { eventId: `spawned:${child}`, childKey: child, spec, config }).state;
  state = applyRequesterEnded(state, { eventId: 'e1', childKey: 'c1', outcome: 'ok', config }).state;
  state = applyRequesterSpawned(state, { eventId: 'spawned:c3', childKey: 'c3', spec: { task: 'Other' }, config }).state;
  const ended = applyRequesterSessionEnded(state, LONE);
  assert.equal(ended.messages.length, 2);
  assert.ok(ended.messages.every((m) => m.kind === 'requesterEnded' && m.requester === LONE));
  assert.deepEqual(applyRequesterSessionEnded(state, 'agent:main:other').messages, []);
  assert.deepEqual(applyRequesterSpawned(ended.state, { eventId: 'spawned:c4', childKey: 'c4', spec, config }).messages, []);
});

test('live children are bounded: the oldest is forgotten', () => {
  let state = initialRequesterState(LONE);
  for (let i = 0; i <= MAX_LIVE_CHILDREN; i += 1) state = applyRequesterSpawned(state, { eventId: `s${i}`, childKey: `c${i}`, spec, config }).state;
  assert.equal(Object.keys(state.children).length, MAX_LIVE_CHILDREN);
  assert.equal(state.children.c0, undefined);
  assert.equal(state.tasks.length, 1);
});

test('the bridge captures a worker spawn of a session in no thread, never a front’s, with no Temporal call', async () => {
  const directory = new ThreadDirectory();
  directory.observe({ kind: 'load', status: 'ready' });
  const bridge = new TemporalBridge({});
  const unthreaded = new UnthreadedSpawns(bridge, new KeyedChain(), 'openclaw-temporal');
  const lines: string[] = [];
  const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
  const deps: OrchestratorHookDeps = {
    config: parseOrchestratorConfig({ onTemporalError: 'allow', decisionTimeoutMs: 300 }),
    directory,
    threads: new ThreadClient(bridge, new KeyedChain(), 'openclaw-temporal'),
    messages: new RecentUserMessages(),
    localSpawns: new LocalSpawns(),
    unthreaded,
    log: createBridgeLogger(logger, { plugin: 'orchestrator' }, false),
  };
  const tool = createBeforeToolCall(deps);
  await tool({ toolName: 'sessions_spawn', params: { task: ' Summarise the report ', label: 'report', agentId: 'ops' }, runId: 'r', toolCallId: 'c1' }, { sessionKey: LONE });
  await tool({ toolName: 'exec', params: {}, runId: 'r', toolCallId: 'c2' }, { sessionKey: LONE });
  assert.deepEqual(unthreaded.take(spawnKey('r', 'c1', LONE)), { requester: LONE, spec: { task: 'Summarise the report', label: 'report', agentId: 'ops' } });
  assert.equal(unthreaded.take(spawnKey('r', 'c2', LONE)), undefined, 'only spawns');
  await tool({ toolName: 'sessions_spawn', params: { task: 'Plan' }, runId: 'r', toolCallId: 'c3' }, { sessionKey: 'agent:main:main' });
  assert.equal(unthreaded.take(spawnKey('r', 'c3', 'agent:main:main')), undefined, 'a front’s spawn is its thread’s (an orchestrator)');
  assert.equal(unthreaded.calls, 0);
  assert.deepEqual(await unthreaded.sessionEnded(LONE, Date.now() + 300), 'not-ours', 'a requester with no recorded spawn costs no call');
  assert.equal(unthreaded.calls, 0);
});
