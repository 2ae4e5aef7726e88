import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { attemptKey, emptyThreadState, type ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { decideToolCall } from '../../workflows/orchestrator/tool-policy.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch-1';
const NOW = 1_700_000_000_000;
const enforcing = parseOrchestratorConfig({ enforceMainDelegation: true });
const lenient = parseOrchestratorConfig({});

function bound(extra: Partial<ThreadState> = {}): ThreadState {
  return { ...emptyThreadState(FRONT), orchestratorKey: ORCH, orchestratorLabel: 'thread-orchestrator-abc', ...extra };
}

test('main delegation: with enforceMainDelegation a front-controller tool outside the main allow-list is blocked, naming the tool and the bound orchestrator key', () => {
  const result = decideToolCall(bound(), { sessionKey: FRONT, toolName: 'exec', params: { command: 'ls' } }, enforcing, NOW);
  assert.equal(result.decision.block, true);
  assert.match(result.decision.blockReason ?? '', /"exec"/);
  assert.match(result.decision.blockReason ?? '', /sessions_send/);
  assert.ok(result.decision.blockReason?.includes(ORCH));
  assert.deepEqual(result.state, bound());
});

test('main delegation: without a bound orchestrator the reason says to start one with sessions_spawn', () => {
  const result = decideToolCall(emptyThreadState(FRONT), { sessionKey: FRONT, toolName: 'read', params: {} }, enforcing, NOW);
  assert.equal(result.decision.block, true);
  assert.match(result.decision.blockReason ?? '', /start one with sessions_spawn/);
});

test('main delegation is off by default and never blocks router tools', () => {
  assert.deepEqual(decideToolCall(bound(), { sessionKey: FRONT, toolName: 'exec', params: {} }, lenient, NOW).decision, {});
  assert.deepEqual(decideToolCall(bound(), { sessionKey: FRONT, toolName: 'memory_search', params: {} }, enforcing, NOW).decision, {});
});

test('orchestrator restriction: 1st and 2nd attempt per (runId, session, tool) are blocked with a sessions_spawn example naming the tool and a params preview', () => {
  const call = { sessionKey: ORCH, toolName: 'exec', params: { command: 'npm test' }, runId: 'run-1' };
  const first = decideToolCall(bound(), call, lenient, NOW);
  assert.equal(first.decision.block, true);
  assert.match(first.decision.blockReason ?? '', /sessions_spawn\(/);
  assert.match(first.decision.blockReason ?? '', /exec/);
  assert.ok(first.decision.blockReason?.includes('npm test'));
  assert.equal(first.state.blockedAttempts[attemptKey('run-1', ORCH, 'exec')]?.count, 1);
  const second = decideToolCall(first.state, call, lenient, NOW);
  assert.equal(second.decision.block, true);
  assert.equal(second.state.blockedAttempts[attemptKey('run-1', ORCH, 'exec')]?.count, 2);
});

test('orchestrator restriction: the hint is remembered as the orchestrator\'s last delegated task', () => {
  const result = decideToolCall(bound(), { sessionKey: ORCH, toolName: 'read', params: { path: '/etc/hosts' }, runId: 'r' }, lenient, NOW);
  assert.ok(result.state.lastDelegatedTask?.includes('read'));
  assert.ok(result.state.lastDelegatedTask?.includes('/etc/hosts'));
  assert.ok(result.decision.blockReason?.includes(JSON.stringify(result.state.lastDelegatedTask)));
});

test('orchestrator restriction: on the 3rd and later attempt allow (fallback after repeated blocks) and log a warning', () => {
  const call = { sessionKey: ORCH, toolName: 'exec', params: {}, runId: 'run-1' };
  let state = bound();
  for (let i = 0; i < 2; i += 1) state = decideToolCall(state, call, lenient, NOW).state;
  const third = decideToolCall(state, call, lenient, NOW);
  assert.deepEqual(third.decision, {});
  assert.equal(third.notes[0]?.level, 'warn');
  assert.equal(third.notes[0]?.code, 'orchestrator-fallback');
  const fourth = decideToolCall(third.state, call, lenient, NOW);
  assert.deepEqual(fourth.decision, {});
});

test('orchestrator restriction counts separately per run and per tool', () => {
  let state = bound();
  for (let i = 0; i < 2; i += 1) state = decideToolCall(state, { sessionKey: ORCH, toolName: 'exec', params: {}, runId: 'run-1' }, lenient, NOW).state;
  assert.equal(decideToolCall(state, { sessionKey: ORCH, toolName: 'read', params: {}, runId: 'run-1' }, lenient, NOW).decision.block, true);
  assert.equal(decideToolCall(state, { sessionKey: ORCH, toolName: 'exec', params: {}, runId: 'run-2' }, lenient, NOW).decision.block, true);
});

test('orchestrator reports back: sessions_send with neither sessionKey nor label is rewritten to its front-controller and the message remembered', () => {
  const result = decideToolCall(bound(), { sessionKey: ORCH, toolName: 'sessions_send', params: { message: 'progress: 2/3 done' } }, lenient, NOW);
  assert.deepEqual(result.decision.params, { message: 'progress: 2/3 done', sessionKey: FRONT });
  assert.equal(result.state.lastDelegatedTask, 'progress: 2/3 done');
  const targeted = decideToolCall(bound(), { sessionKey: ORCH, toolName: 'sessions_send', params: { label: 'w', message: 'x' } }, lenient, NOW);
  assert.deepEqual(targeted.decision, {});
  assert.equal(targeted.state.lastDelegatedTask, undefined);
});

test('front delegates: sessions_send to its orchestrator (or with no target while one is bound) remembers the message as last delegated task', () => {
  const toKey = decideToolCall(bound(), { sessionKey: FRONT, toolName: 'sessions_send', params: { sessionKey: ORCH, message: 'also fix the docs' } }, lenient, NOW);
  assert.equal(toKey.state.lastDelegatedTask, 'also fix the docs');
  assert.deepEqual(toKey.decision, {});
  const noTarget = decideToolCall(bound(), { sessionKey: FRONT, toolName: 'sessions_send', params: { message: 'and tests' } }, lenient, NOW);
  assert.equal(noTarget.state.lastDelegatedTask, 'and tests');
  const elsewhere = decideToolCall(bound(), { sessionKey: FRONT, toolName: 'sessions_send', params: { sessionKey: 'agent:other:main', message: 'hi' } }, lenient, NOW);
  assert.equal(elsewhere.state.lastDelegatedTask, undefined);
  const unbound = decideToolCall(emptyThreadState(FRONT), { sessionKey: FRONT, toolName: 'sessions_send', params: { message: 'hi' } }, lenient, NOW);
  assert.equal(unbound.state.lastDelegatedTask, undefined);
});

test('front polls: session_status/sessions_history with neither sessionKey nor label while bound are rewritten to the orchestrator key', () => {
  for (const toolName of ['session_status', 'sessions_history']) {
    const result = decideToolCall(bound(), { sessionKey: FRONT, toolName, params: { limit: 5 } }, lenient, NOW);
    assert.deepEqual(result.decision.params, { limit: 5, sessionKey: ORCH });
  }
  assert.deepEqual(decideToolCall(emptyThreadState(FRONT), { sessionKey: FRONT, toolName: 'session_status', params: {} }, lenient, NOW).decision, {});
  assert.deepEqual(decideToolCall(bound(), { sessionKey: FRONT, toolName: 'session_status', params: { sessionKey: 'x' } }, lenient, NOW).decision, {});
});

test('calls without a session key, and other sessions\' non-spawn tools, get no policy', () => {
  assert.deepEqual(decideToolCall(bound(), { toolName: 'exec', params: {} }, enforcing, NOW), { state: bound(), decision: {}, notes: [] });
  assert.deepEqual(decideToolCall(bound(), { sessionKey: 'agent:main:subagent:w', toolName: 'exec', params: {} }, enforcing, NOW).decision, {});
});

test('decisions never mutate the input state', () => {
  const state = Object.freeze(bound());
  const snapshot = JSON.stringify(state);
  decideToolCall(state, { sessionKey: ORCH, toolName: 'exec', params: {}, runId: 'r' }, lenient, NOW);
  decideToolCall(state, { sessionKey: ORCH, toolName: 'sessions_send', params: { message: 'm' } }, lenient, NOW);
  assert.equal(JSON.stringify(state), snapshot);
});
