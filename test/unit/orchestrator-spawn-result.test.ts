import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { applySpawnResult, findChildSessionKey, isSpawnAccepted } from '../../workflows/orchestrator/spawn-result.ts';
import { emptyThreadState, type ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { decideToolCall } from '../../workflows/orchestrator/tool-policy.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch-1';
const config = parseOrchestratorConfig({});

function receipt(childSessionKey: string, status = 'accepted') {
  const details = { status, childSessionKey, runId: 'child-run', mode: 'run' };
  return { content: [{ type: 'text', text: JSON.stringify(details, null, 2) }], details };
}

function pendingFrom(state: ThreadState, sessionKey: string, params: Record<string, unknown>): ThreadState {
  return decideToolCall(state, { sessionKey, toolName: 'sessions_spawn', params, runId: 'r1', toolCallId: 't1' }, config, 1000).state;
}

test('accepted = status (top level or in details) is accepted|ok|success', () => {
  for (const status of ['accepted', 'ok', 'success', 'OK']) {
    assert.equal(isSpawnAccepted({ status }), true, status);
    assert.equal(isSpawnAccepted({ details: { status } }), true, `details ${status}`);
  }
  assert.equal(isSpawnAccepted({ status: 'error', error: 'nope' }), false);
  assert.equal(isSpawnAccepted({ details: { status: 'forbidden' } }), false);
  assert.equal(isSpawnAccepted({ status: 'error', details: { status: 'accepted' } }), false);
});

test('with no status, accepted unless isError or an error string is present', () => {
  assert.equal(isSpawnAccepted({ childSessionKey: 'k' }), true);
  assert.equal(isSpawnAccepted({ isError: true }), false);
  assert.equal(isSpawnAccepted({ error: 'boom' }), false);
  assert.equal(isSpawnAccepted({ details: { error: 'boom' } }), false);
  assert.equal(isSpawnAccepted({}, 'tool threw'), false);
  assert.equal(isSpawnAccepted(undefined), true);
});

test('child key = the first childSessionKey string found searching the result object up to 4 levels deep', () => {
  assert.equal(findChildSessionKey(receipt('agent:main:subagent:c1')), 'agent:main:subagent:c1');
  assert.equal(findChildSessionKey({ a: { b: { c: { d: { childSessionKey: 'deep4' } } } } }), 'deep4');
  assert.equal(findChildSessionKey({ a: { b: { c: { d: { e: { childSessionKey: 'deep5' } } } } } }), undefined);
  assert.equal(findChildSessionKey({ childSessionKey: 42, details: { childSessionKey: 'second' } }), 'second');
  assert.equal(findChildSessionKey({ first: { childSessionKey: 'one' }, second: { childSessionKey: 'two' } }), 'one');
  assert.equal(findChildSessionKey('agent:main:subagent:c1'), undefined);
});

test('kind orchestrator: an accepted spawn binds orchestrator ↔ front-controller and forgets the pending spawn', () => {
  const state = pendingFrom(emptyThreadState(FRONT), FRONT, { task: 'big job' });
  const result = applySpawnResult(state, { sessionKey: FRONT, runId: 'r1', toolCallId: 't1', result: receipt(ORCH) }, 2000);
  assert.equal(result.outcome, 'bound');
  assert.equal(result.state.orchestratorKey, ORCH);
  assert.match(result.state.orchestratorLabel ?? '', /^thread-orchestrator-[0-9a-f]{10}$/);
  assert.deepEqual(result.state.pendingSpawns, {});
  assert.deepEqual(result.state.workers, {});
});

test('kind worker: register a worker record (child key, requester, label, task preview, status running, started/updated times)', () => {
  const state = pendingFrom({ ...emptyThreadState(FRONT), orchestratorKey: ORCH }, ORCH, { task: '  run\n the   tests ', label: 'tests', agentId: 'coder' });
  const result = applySpawnResult(state, { sessionKey: ORCH, runId: 'r1', toolCallId: 't1', result: receipt('agent:coder:subagent:w1') }, 2000);
  assert.equal(result.outcome, 'worker');
  assert.deepEqual(result.state.workers['agent:coder:subagent:w1'], {
    childKey: 'agent:coder:subagent:w1',
    requester: ORCH,
    label: 'tests',
    taskPreview: 'run the tests',
    status: 'running',
    startedAt: 2000,
    updatedAt: 2000,
    spec: { task: 'run\n the   tests', label: 'tests', agentId: 'coder' },
  });
  assert.deepEqual(result.state.pendingSpawns, {});
});

test('not accepted or no child key → warn and forget', () => {
  const state = pendingFrom(emptyThreadState(FRONT), FRONT, { task: 'x' });
  const rejected = applySpawnResult(state, { sessionKey: FRONT, runId: 'r1', toolCallId: 't1', result: { details: { status: 'forbidden', error: 'no' } } }, 2000);
  assert.equal(rejected.outcome, 'not-accepted');
  assert.equal(rejected.notes[0]?.level, 'warn');
  assert.deepEqual(rejected.state.pendingSpawns, {});
  assert.equal(rejected.state.orchestratorKey, undefined);
  const keyless = applySpawnResult(state, { sessionKey: FRONT, runId: 'r1', toolCallId: 't1', result: { status: 'accepted' } }, 2000);
  assert.equal(keyless.outcome, 'no-child-key');
  assert.equal(keyless.notes[0]?.level, 'warn');
  assert.deepEqual(keyless.state.pendingSpawns, {});
});

test('the result is matched to the pending spawn by (runId, toolCallId, sessionKey)', () => {
  const state = pendingFrom(emptyThreadState(FRONT), FRONT, { task: 'x' });
  const other = applySpawnResult(state, { sessionKey: FRONT, runId: 'r1', toolCallId: 'other', result: receipt(ORCH) }, 2000);
  assert.equal(other.outcome, 'unmatched');
  assert.equal(other.state, state);
});
