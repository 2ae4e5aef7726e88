import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { emptyThreadState, spawnKey, type ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { decideToolCall } from '../../workflows/orchestrator/tool-policy.ts';
import { DEFAULT_SPAWN_TASK } from '../../workflows/orchestrator/wording.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch-1';
const NOW = 1_700_000_000_000;
const config = parseOrchestratorConfig({});

function bound(extra: Partial<ThreadState> = {}): ThreadState {
  return { ...emptyThreadState(FRONT), orchestratorKey: ORCH, ...extra };
}

function spawn(state: ThreadState, sessionKey: string, params: Record<string, unknown>) {
  return decideToolCall(state, { sessionKey, toolName: 'sessions_spawn', params, runId: 'run-9', toolCallId: 'call-3' }, config, NOW);
}

test('front-controller without an orchestrator: label = <prefix>-<first 10 hex chars of sha256(sessionKey)>, thread: true, kind orchestrator', () => {
  const result = spawn(emptyThreadState(FRONT), FRONT, { task: 'Refactor the parser' });
  const hash = createHash('sha256').update(FRONT).digest('hex').slice(0, 10);
  assert.equal(result.decision.params?.label, `thread-orchestrator-${hash}`);
  assert.equal(result.decision.params?.thread, true);
  assert.equal(result.decision.block, undefined);
  const pending = result.state.pendingSpawns[spawnKey('run-9', 'call-3', FRONT)];
  assert.equal(pending?.kind, 'orchestrator');
  assert.equal(pending?.requester, FRONT);
  assert.equal(pending?.spec.label, `thread-orchestrator-${hash}`);
  assert.equal(pending?.spec.thread, true);
  assert.equal(pending?.at, NOW);
});

test('front-controller orchestrator label: a given label is sanitised; the configured prefix is used otherwise', () => {
  assert.equal(spawn(emptyThreadState(FRONT), FRONT, { task: 't', label: ' Big Job ' }).decision.params?.label, 'big-job');
  const custom = decideToolCall(
    emptyThreadState(FRONT),
    { sessionKey: FRONT, toolName: 'sessions_spawn', params: { task: 't' } },
    parseOrchestratorConfig({ orchestratorLabelPrefix: 'Lead' }),
    NOW,
  );
  assert.match(String(custom.decision.params?.label), /^lead-[0-9a-f]{10}$/);
});

test('front-controller spawn task = the hidden-orchestrator brief: requester key, execution contract, then the primary task', () => {
  const task = String(spawn(emptyThreadState(FRONT), FRONT, { task: '  Write the release notes  ' }).decision.params?.task);
  assert.ok(task.includes(FRONT));
  for (const point of [/worker subtasks/i, /sessions_spawn/, /pending, running, succeeded or failed/, /retry a failed worker only when/i, /progress/, /final summary/, /sessions_send/, /read, write, edit, exec or process/, /unless delegation repeatedly fails/]) {
    assert.match(task, point);
  }
  assert.ok(task.trimEnd().endsWith('Write the release notes'));
  assert.ok(task.indexOf('Execution contract') < task.indexOf('Write the release notes'));
});

test('front-controller with an orchestrator already bound: spawn is blocked ("hidden orchestrator already active (<key>)")', () => {
  const result = spawn(bound(), FRONT, { task: 'another' });
  assert.equal(result.decision.block, true);
  assert.ok(result.decision.blockReason?.startsWith(`hidden orchestrator already active (${ORCH}). Use sessions_send`));
  assert.match(result.decision.blockReason ?? '', /session_status\/sessions_history/);
  assert.deepEqual(result.state.pendingSpawns, {});
});

test('task text = params.task (trimmed, non-empty) else the orchestrator\'s last delegated task else the session\'s last user message else a fixed default', () => {
  const state = bound({ lastDelegatedTask: 'delegated: run the tests', lastUserMessages: { [ORCH]: 'orch user msg', 'agent:main:subagent:w': 'worker msg' } });
  assert.equal(spawn(state, ORCH, { task: '  given  ' }).state.pendingSpawns[spawnKey('run-9', 'call-3', ORCH)]?.spec.task, 'given');
  assert.equal(spawn(state, ORCH, { task: '   ' }).decision.params?.task, 'delegated: run the tests');
  assert.equal(spawn(bound({ lastUserMessages: { [ORCH]: 'orch user msg' } }), ORCH, {}).decision.params?.task, 'orch user msg');
  assert.equal(spawn(state, 'agent:main:subagent:w', {}).decision.params?.task, 'worker msg');
  assert.equal(spawn(bound(), 'agent:main:subagent:x', {}).decision.params?.task, DEFAULT_SPAWN_TASK);
  const front = spawn(emptyThreadState(FRONT), FRONT, {});
  assert.ok(String(front.decision.params?.task).endsWith(DEFAULT_SPAWN_TASK));
  const remembered = spawn({ ...emptyThreadState(FRONT), lastUserMessages: { [FRONT]: 'build me a site' } }, FRONT, {});
  assert.ok(String(remembered.decision.params?.task).endsWith('build me a site'));
});

test('any other session: kind worker; params are rewritten only if the task had to be filled in', () => {
  const given = spawn(bound(), ORCH, { task: 'compile', label: 'Build Step', agentId: 'coder', model: 'm1', thinking: 'high', mode: 'run', thread: false });
  assert.deepEqual(given.decision, {});
  const pending = given.state.pendingSpawns[spawnKey('run-9', 'call-3', ORCH)];
  assert.equal(pending?.kind, 'worker');
  assert.deepEqual(pending?.spec, { task: 'compile', label: 'Build Step', agentId: 'coder', model: 'm1', thinking: 'high', mode: 'run', thread: false });
  const filled = spawn(bound({ lastDelegatedTask: 'do it' }), ORCH, { label: 'x' });
  assert.deepEqual(filled.decision.params, { label: 'x', task: 'do it' });
});

test('the pending spawn is remembered under (runId, toolCallId, sessionKey)', () => {
  const result = spawn(bound(), ORCH, { task: 'a' });
  assert.deepEqual(Object.keys(result.state.pendingSpawns), [spawnKey('run-9', 'call-3', ORCH)]);
  assert.notEqual(spawnKey('run-9', 'call-3', ORCH), spawnKey('run-9', 'call-4', ORCH));
  assert.notEqual(spawnKey('a', 'b', 'c'), spawnKey('a', '', 'bc'));
});
