import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import {
  MAX_TRACKED_WORKERS,
  PENDING_SPAWN_TTL_MS,
  applySessionEndSignal,
  applySpawnResultSignal,
  applySubagentActivity,
  applySubagentEndedSignal,
  applyToolCall,
  boundThread,
  initialWorkflowState,
  type ThreadWorkflowState,
} from '../../workflows/orchestrator/thread-events.ts';
import type { WorkerRecord } from '../../workflows/orchestrator/thread-state.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch';
const W1 = 'agent:main:subagent:w1';
const config = parseOrchestratorConfig({});

function bound(): ThreadWorkflowState {
  let s = initialWorkflowState(FRONT, config);
  s = applyToolCall(s, { call: { sessionKey: FRONT, toolName: 'sessions_spawn', params: { task: 't' }, runId: 'r', toolCallId: 'a' }, config }, 1).state;
  s = applySpawnResultSignal(s, { eventId: 'e-bind', sessionKey: FRONT, runId: 'r', toolCallId: 'a', accepted: true, childSessionKey: ORCH }, 2).state;
  s = applyToolCall(s, { call: { sessionKey: ORCH, toolName: 'sessions_spawn', params: { task: 'w' }, runId: 'o', toolCallId: 'b' }, config }, 3).state;
  return applySpawnResultSignal(s, { eventId: 'e-w1', sessionKey: ORCH, runId: 'o', toolCallId: 'b', accepted: true, childSessionKey: W1 }, 4).state;
}

test('a tool call answers the decision, the caller’s kind, the binding and the kind of spawn it recorded', () => {
  const first = applyToolCall(initialWorkflowState(FRONT, config), { call: { sessionKey: FRONT, toolName: 'sessions_spawn', params: {}, runId: 'r', toolCallId: 'a' }, config }, 1);
  assert.deepEqual([first.result.kind, first.result.spawnKind, first.result.orchestratorKey], ['front', 'orchestrator', null]);
  const worker = applyToolCall(bound(), { call: { sessionKey: ORCH, toolName: 'sessions_spawn', params: { task: 'x' }, runId: 'o', toolCallId: 'c' }, config }, 5);
  assert.deepEqual([worker.result.kind, worker.result.spawnKind, worker.result.orchestratorKey], ['orchestrator', 'worker', ORCH]);
  const poll = applyToolCall(bound(), { call: { sessionKey: FRONT, toolName: 'session_status', params: {} }, config }, 5);
  assert.equal(poll.result.spawnKind, null);
});

test('the user message sent with a spawn is remembered first, so a spawn without a task falls back to it', () => {
  const request = { call: { sessionKey: FRONT, toolName: 'sessions_spawn', params: {}, runId: 'r', toolCallId: 'a' }, config, lastUserMessage: 'find me a flat' };
  const applied = applyToolCall(initialWorkflowState(FRONT, config), request, 1);
  assert.match(String(applied.result.decision.params?.task), /Primary task:\nfind me a flat$/);
  assert.equal(applied.state.thread.lastUserMessages[FRONT], 'find me a flat');
});

test('a newer config from a tool call replaces the thread’s config', () => {
  const strict = parseOrchestratorConfig({ autoRetryFailedSubagents: false });
  const applied = applyToolCall(initialWorkflowState(FRONT, config), { call: { sessionKey: FRONT, toolName: 'exec', params: {} }, config: strict }, 1);
  assert.equal(applied.state.config.autoRetryFailedSubagents, false);
});

test('a redelivered signal (same event id) is dropped', () => {
  const s = bound();
  const first = applySubagentEndedSignal(s, { eventId: 'end-w1', targetSessionKey: W1, targetKind: 'subagent', outcome: 'error' }, 5);
  assert.equal(first.state.thread.workers[W1]?.status, 'error');
  const again = applySubagentEndedSignal(first.state, { eventId: 'end-w1', targetSessionKey: W1, targetKind: 'subagent', outcome: 'ok' }, 6);
  assert.equal(again.result.applied, false);
  assert.equal(again.state.thread.workers[W1]?.status, 'error');
});

test('a failed worker whose outcome is retryable is returned as a retry candidate', () => {
  const ended = applySubagentEndedSignal(bound(), { eventId: 'x', targetSessionKey: W1, targetKind: 'subagent', outcome: 'timeout' }, 5);
  assert.equal(ended.result.retry?.childKey, W1);
  assert.equal(ended.result.retry?.outcome, 'timeout');
});

test('activity of a tracked worker of the orchestrator touches it', () => {
  const touched = applySubagentActivity(bound(), { eventId: 'act', hook: 'subagent_spawned', requesterSessionKey: ORCH, childSessionKey: W1 }, 99);
  assert.equal(touched.state.thread.workers[W1]?.updatedAt, 99);
});

test('the orchestrator’s end ends the thread with a summary of the state before it was unbound', () => {
  const ended = applySubagentEndedSignal(bound(), { eventId: 'o-end', targetSessionKey: ORCH, targetKind: 'subagent', outcome: 'ok' }, 9);
  assert.equal(ended.state.thread.orchestratorKey, undefined);
  assert.equal(ended.state.result?.endedBy, 'orchestrator-ended');
  assert.equal(ended.state.result?.orchestratorKey, ORCH);
  assert.equal(ended.state.result?.workers, 1);
  const late = applySubagentEndedSignal(ended.state, { eventId: 'late', targetSessionKey: W1, targetKind: 'subagent', outcome: 'ok' }, 10);
  assert.equal(late.result.applied, false, 'nothing applies to an ended thread');
});

test('session_end: the front ends the thread, the orchestrator’s session ends it too, a worker’s only removes it', () => {
  assert.equal(applySessionEndSignal(bound(), { eventId: 's1', sessionKey: FRONT }).state.result?.endedBy, 'front-session-ended');
  assert.equal(applySessionEndSignal(bound(), { eventId: 's2', sessionKey: ORCH }).state.result?.endedBy, 'orchestrator-session-ended');
  const worker = applySessionEndSignal(bound(), { eventId: 's3', sessionKey: W1 }).state;
  assert.equal(worker.result, null);
  assert.equal(worker.thread.workers[W1], undefined);
});

test('bounds: pending spawns older than an hour are forgotten; finished workers beyond the cap go oldest first, running ones stay', () => {
  const s = bound().thread;
  const stale = { ...s, pendingSpawns: { k: { requester: FRONT, kind: 'worker' as const, spec: { task: 't' }, at: 0 } } };
  assert.deepEqual(boundThread(stale, PENDING_SPAWN_TTL_MS + 1).pendingSpawns, {});
  const worker = (i: number, status: string): WorkerRecord => ({ childKey: `w${i}`, requester: ORCH, taskPreview: 't', status, startedAt: i, updatedAt: i, spec: { task: 't' } });
  const workers: Record<string, WorkerRecord> = {};
  for (let i = 0; i < MAX_TRACKED_WORKERS + 2; i += 1) workers[`w${i}`] = worker(i, i === 0 ? 'running' : 'ok');
  const kept = boundThread({ ...s, workers }, 10).workers;
  assert.equal(Object.keys(kept).length, MAX_TRACKED_WORKERS);
  assert.ok(kept.w0, 'a running worker is never dropped');
  assert.equal(kept.w1, undefined);
  assert.equal(kept.w2, undefined);
});

test('the workflow state survives a JSON round trip (it is what continue-as-new carries)', () => {
  const s = applySubagentEndedSignal(bound(), { eventId: 'x', targetSessionKey: W1, targetKind: 'subagent', outcome: 'error' }, 5).state;
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});
