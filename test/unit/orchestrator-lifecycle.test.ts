import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { applySessionEnd, applySubagentEnded, retryTaskKey, touchWorker } from '../../workflows/orchestrator/lifecycle.ts';
import { attemptKey, emptyThreadState, spawnKey, type ThreadState, type WorkerRecord } from '../../workflows/orchestrator/thread-state.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch-1';
const W1 = 'agent:coder:subagent:w1';
const W2 = 'agent:coder:subagent:w2';
const config = parseOrchestratorConfig({});

function worker(childKey: string, requester = ORCH): WorkerRecord {
  return {
    childKey, requester, label: 'tests', taskPreview: 'run the tests', status: 'running', startedAt: 10, updatedAt: 10,
    spec: { task: ' run the tests ', label: 'tests', agentId: 'coder', model: 'm', mode: 'run' },
  };
}

function thread(): ThreadState {
  return {
    ...emptyThreadState(FRONT),
    orchestratorKey: ORCH,
    orchestratorLabel: 'lead',
    lastDelegatedTask: 'do things',
    workers: { [W1]: worker(W1), [W2]: worker(W2, 'agent:x:subagent:other') },
    pendingSpawns: { [spawnKey('r', 't', W1)]: { requester: W1, kind: 'worker', spec: { task: 'sub' }, at: 5 } },
    blockedAttempts: { [attemptKey('r', ORCH, 'exec')]: { runId: 'r', sessionKey: ORCH, toolName: 'exec', count: 1 } },
    lastUserMessages: { [FRONT]: 'hi', [ORCH]: 'orch' },
  };
}

test('subagent_spawned/subagent_delivery_target: if the requester is an orchestrator and the child is a tracked worker, touch its updated time', () => {
  assert.equal(touchWorker(thread(), ORCH, W1, 99).workers[W1]?.updatedAt, 99);
  assert.equal(touchWorker(thread(), FRONT, W1, 99).workers[W1]?.updatedAt, 10);
  assert.equal(touchWorker(thread(), 'agent:x:subagent:other', W2, 99).workers[W2]?.updatedAt, 10);
  assert.deepEqual(touchWorker(thread(), ORCH, 'agent:x:subagent:unknown', 99), thread());
});

test('subagent_ended only for targetKind = subagent', () => {
  const result = applySubagentEnded(thread(), { targetSessionKey: W1, targetKind: 'acp', outcome: 'error' }, config, 50);
  assert.deepEqual(result.state, thread());
  assert.equal(result.retry, undefined);
});

test('subagent_ended sets the worker\'s status to the lowercased outcome (unknown if absent) and records it', () => {
  const ended = applySubagentEnded(thread(), { targetSessionKey: W1, targetKind: 'subagent', outcome: 'OK' }, config, 50);
  assert.equal(ended.state.workers[W1]?.status, 'ok');
  assert.equal(ended.state.workers[W1]?.outcome, 'ok');
  assert.equal(ended.state.workers[W1]?.updatedAt, 50);
  const unknown = applySubagentEnded(thread(), { targetSessionKey: W1, targetKind: 'subagent' }, config, 50);
  assert.equal(unknown.state.workers[W1]?.status, 'unknown');
});

test('an ended orchestrator is unbound from its front session and its workers are dropped', () => {
  const result = applySubagentEnded(thread(), { targetSessionKey: ORCH, targetKind: 'subagent', outcome: 'ok' }, config, 50);
  assert.equal(result.orchestratorEnded, true);
  assert.equal(result.state.orchestratorKey, undefined);
  assert.equal(result.state.lastDelegatedTask, undefined);
  assert.deepEqual(Object.keys(result.state.workers), [W2]);
  assert.equal(result.retry, undefined);
  assert.equal(result.state.frontKey, FRONT);
});

test('task key = sha256 of (requester key, agentId, label, trimmed task) joined by newlines', () => {
  const expected = createHash('sha256').update([ORCH, 'coder', 'tests', 'run the tests'].join('\n')).digest('hex');
  assert.equal(retryTaskKey(ORCH, worker(W1).spec), expected);
  const bare = createHash('sha256').update([ORCH, '', '', 'x'].join('\n')).digest('hex');
  assert.equal(retryTaskKey(ORCH, { task: 'x ' }), bare);
});

test('retry applies when autoRetryFailedSubagents, the child came from a worker spawn, and the outcome is in retryOutcomes', () => {
  const result = applySubagentEnded(thread(), { targetSessionKey: W1, targetKind: 'subagent', outcome: 'Timeout' }, config, 50);
  assert.deepEqual(result.retry, {
    taskKey: retryTaskKey(ORCH, worker(W1).spec), requester: ORCH, childKey: W1, outcome: 'timeout', spec: worker(W1).spec,
  });
});

test('no retry when the outcome is not in retryOutcomes, auto-retry is off, or the child is not a worker', () => {
  assert.equal(applySubagentEnded(thread(), { targetSessionKey: W1, targetKind: 'subagent', outcome: 'killed' }, config, 50).retry, undefined);
  const killed = parseOrchestratorConfig({ retryOutcomes: ['killed'] });
  assert.equal(applySubagentEnded(thread(), { targetSessionKey: W1, targetKind: 'subagent', outcome: 'killed' }, killed, 50).retry?.outcome, 'killed');
  const off = parseOrchestratorConfig({ autoRetryFailedSubagents: false });
  assert.equal(applySubagentEnded(thread(), { targetSessionKey: W1, targetKind: 'subagent', outcome: 'error' }, off, 50).retry, undefined);
  assert.equal(applySubagentEnded(thread(), { targetSessionKey: 'agent:z:subagent:z', targetKind: 'subagent', outcome: 'error' }, config, 50).retry, undefined);
  assert.equal(applySubagentEnded(thread(), { targetSessionKey: ORCH, targetKind: 'subagent', outcome: 'error' }, config, 50).retry, undefined);
});

test('session_end as front forgets the whole thread', () => {
  const result = applySessionEnd(thread(), FRONT);
  assert.equal(result.threadEnded, true);
  assert.deepEqual(result.state, emptyThreadState(FRONT));
});

test('session_end as orchestrator unbinds it and forgets its workers, counters and message', () => {
  const result = applySessionEnd(thread(), ORCH);
  assert.equal(result.orchestratorEnded, true);
  assert.equal(result.threadEnded, false);
  assert.equal(result.state.orchestratorKey, undefined);
  assert.deepEqual(Object.keys(result.state.workers), [W2]);
  assert.deepEqual(result.state.blockedAttempts, {});
  assert.deepEqual(result.state.lastUserMessages, { [FRONT]: 'hi' });
});

test('session_end as worker forgets its record, the workers it spawned and its pending spawns', () => {
  const result = applySessionEnd(thread(), W1);
  assert.deepEqual(Object.keys(result.state.workers), [W2]);
  assert.deepEqual(result.state.pendingSpawns, {});
  assert.equal(result.state.orchestratorKey, ORCH);
  const spawner = applySessionEnd(thread(), 'agent:x:subagent:other');
  assert.deepEqual(Object.keys(spawner.state.workers), [W1]);
});
