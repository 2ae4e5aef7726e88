import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { frontKeyOfWorkflowId, orchestratorThreadWorkflowId } from '../../workflows/orchestrator/contract.ts';
import { emptyThreadState, type ThreadState, type WorkerRecord } from '../../workflows/orchestrator/thread-state.ts';
import { describeThread, formatStatusCounts, threadResult } from '../../workflows/orchestrator/thread-summary.ts';
import { configProblem, sessionEndProblem, spawnResultProblem, subagentActivityProblem, toolCallRequestProblem } from '../../workflows/orchestrator/validate.ts';

const FRONT = 'agent:main:main';
const ORCH = 'agent:main:subagent:orch';
const worker = (key: string, status: string): WorkerRecord => ({ childKey: key, requester: ORCH, taskPreview: 't', status, startedAt: 1, updatedAt: 1, spec: { task: 't' } });
const withWorkers = (...workers: WorkerRecord[]): ThreadState => ({
  ...emptyThreadState(FRONT),
  orchestratorKey: ORCH,
  workers: Object.fromEntries(workers.map((w) => [w.childKey, w])),
});

test('Web UI details: "orchestrator <key> — 3 workers: 2 running, 1 error"', () => {
  assert.equal(describeThread(withWorkers(worker('a', 'running'), worker('b', 'error'), worker('c', 'running'))), `orchestrator ${ORCH} — 3 workers: 2 running, 1 error`);
  assert.equal(describeThread(withWorkers()), `orchestrator ${ORCH} — no workers yet`);
  const pending = { ...emptyThreadState(FRONT), pendingSpawns: { k: { requester: FRONT, kind: 'orchestrator' as const, spec: { task: 't' }, at: 1 } } };
  assert.equal(describeThread(pending), `front ${FRONT} — no orchestrator bound (1 spawn pending)`);
});

test('status counts read most frequent first, ties by name', () => {
  assert.equal(formatStatusCounts({ ok: 1, error: 1, running: 3 }), '3 running, 1 error, 1 ok');
});

test('the final summary counts the workers per status and says why the thread ended', () => {
  const result = threadResult(withWorkers(worker('a', 'ok'), worker('b', 'error')), 'front-session-ended');
  assert.deepEqual(result.byStatus, { ok: 1, error: 1 });
  assert.equal(result.summary, `thread of ${FRONT} ended (the front session ended): orchestrator ${ORCH}, 2 workers: 1 error, 1 ok`);
  assert.match(threadResult(emptyThreadState(FRONT), 'front-session-ended').summary, /no orchestrator was bound/);
});

test('thread workflow ids are orchestrator/<frontSessionKey> and map back to the front key', () => {
  assert.equal(orchestratorThreadWorkflowId(FRONT), 'orchestrator/agent:main:main');
  assert.equal(frontKeyOfWorkflowId('orchestrator/agent:main:main'), FRONT);
  assert.equal(frontKeyOfWorkflowId('lorene-gate/whatsapp/+1'), undefined);
});

test('validators name what is malformed and accept what the bridge sends', () => {
  const config = parseOrchestratorConfig({});
  assert.equal(toolCallRequestProblem({ call: { sessionKey: FRONT, toolName: 'exec', params: {}, runId: 'r' }, config }), null);
  assert.match(String(toolCallRequestProblem({ call: { sessionKey: '', toolName: 'exec', params: {} }, config })), /sessionKey/);
  assert.match(String(toolCallRequestProblem({ call: { sessionKey: FRONT, toolName: 'exec', params: [] }, config })), /params/);
  assert.match(String(toolCallRequestProblem({ call: { sessionKey: FRONT, toolName: 'exec', params: {} }, config, lastUserMessage: 3 })), /lastUserMessage/);
  assert.match(String(configProblem({ ...config, allowedMainTools: 'exec' })), /allowedMainTools/);
  assert.equal(spawnResultProblem({ eventId: 'e', sessionKey: FRONT, accepted: true, childSessionKey: ORCH }), null);
  assert.match(String(spawnResultProblem({ eventId: 'e', sessionKey: FRONT })), /accepted/);
  assert.match(String(subagentActivityProblem({ eventId: 'e', childSessionKey: ORCH, hook: 'other' })), /hook/);
  assert.match(String(sessionEndProblem({ sessionKey: FRONT })), /eventId/);
});
