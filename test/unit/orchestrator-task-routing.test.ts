import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseOrchestratorConfig } from '../../plugin-bridge/orchestrator/policy-config.ts';
import { retryTaskKey } from '../../workflows/orchestrator/lifecycle.ts';
import { endedMessages, requesterEndedMessages, retryConfigOf, spawnedMessages } from '../../workflows/orchestrator/task-routing.ts';
import { emptyThreadState, type ThreadState, type WorkerRecord } from '../../workflows/orchestrator/thread-state.ts';

const ORCH = 'agent:main:subagent:o';
const worker = (childKey: string, task: string, requester = ORCH): WorkerRecord => ({
  childKey, requester, taskPreview: task, status: 'running', startedAt: 1, updatedAt: 1, spec: { task, label: 'l' },
});
const withWorkers = (...workers: WorkerRecord[]): ThreadState => ({
  ...emptyThreadState('agent:main:main'),
  orchestratorKey: ORCH,
  workers: Object.fromEntries(workers.map((w) => [w.childKey, w])),
});

describe('routing thread events to subagent-task workflows', () => {
  test('an accepted worker spawn tells its task (keyed by requester, agentId, label, trimmed task)', () => {
    const before = withWorkers(worker('w1', 'a'));
    const after = withWorkers(worker('w1', 'a'), worker('w2', ' b '));
    assert.deepEqual(spawnedMessages(before, after), [
      { kind: 'spawned', taskKey: retryTaskKey(ORCH, { task: 'b', label: 'l' }), requester: ORCH, spec: { task: ' b ', label: 'l' }, childKey: 'w2' },
    ]);
  });

  test('subagent_ended of a tracked worker reaches its task with the lowercased outcome, `unknown` when absent', () => {
    const state = withWorkers(worker('w1', 'a'));
    assert.deepEqual(endedMessages(state, { eventId: 'e', targetSessionKey: 'w1', targetKind: 'subagent', outcome: 'ERROR' }).map((m) => m.kind === 'ended' && m.outcome), ['error']);
    assert.deepEqual(endedMessages(state, { eventId: 'e', targetSessionKey: 'w1', targetKind: 'subagent' }).map((m) => m.kind === 'ended' && m.outcome), ['unknown']);
    assert.deepEqual(endedMessages(state, { eventId: 'e', targetSessionKey: 'w1', targetKind: 'acp', outcome: 'error' }), []);
    assert.deepEqual(endedMessages(state, { eventId: 'e', targetSessionKey: 'nobody', targetKind: 'subagent', outcome: 'error' }), []);
  });

  test('a requester’s session end ends its tasks once each; a thread end ends every task of the thread', () => {
    const state = withWorkers(worker('w1', 'a'), worker('w2', 'a'), worker('w3', 'c', 'agent:main:subagent:other'));
    assert.equal(requesterEndedMessages(state, ORCH, false).length, 1, 'w1 and w2 share one task');
    assert.equal(requesterEndedMessages(state, 'agent:main:subagent:unrelated', false).length, 0);
    assert.equal(requesterEndedMessages(state, null, true).length, 2);
  });

  test('the retry rules travel from the thread’s config, with defaults for configs recorded before they existed', () => {
    const parsed = parseOrchestratorConfig({ maxRetriesPerTask: 3, retryBackoff: { initialMs: 1000 }, gatewayId: 'gw-1' });
    assert.deepEqual(retryConfigOf(parsed), {
      autoRetryFailedSubagents: true, maxRetriesPerTask: 3, retryOutcomes: ['error', 'timeout'],
      backoff: { initialMs: 1000, multiplier: 2, maxMs: 300_000 }, pickupTimeoutMs: 600_000, notifyRequesterOnExhausted: false,
      gatewayTaskQueue: 'openclaw-temporal-gateway/gw-1', redelivery: { maxDeliveries: 3, multiplier: 2, maxIntervalMs: 3_600_000 },
    });
    const { retryBackoff: _b, retryPickupTimeoutMs: _p, notifyRequesterOnExhausted: _n, gatewayId: _g, ...old } = parsed;
    assert.equal(retryConfigOf(old).gatewayTaskQueue, 'openclaw-temporal-gateway/default');
    assert.equal(retryConfigOf(old).backoff.initialMs, 0, 'immediate, as the original');
  });

  test('new retry config keys are validated, naming the field', () => {
    assert.throws(() => parseOrchestratorConfig({ retryBackoff: { initialMs: -1 } }), /retryBackoff\.initialMs/);
    assert.throws(() => parseOrchestratorConfig({ retryBackoff: { delay: 1 } }), /retryBackoff\.delay/);
    assert.throws(() => parseOrchestratorConfig({ gatewayId: 'a b' }), /gatewayId/);
    assert.throws(() => parseOrchestratorConfig({ retryPickupTimeoutMs: 10 }), /retryPickupTimeoutMs/);
    assert.throws(() => parseOrchestratorConfig({ retryRedelivery: { maxDeliveries: 0 } }), /retryRedelivery\.maxDeliveries/);
    assert.throws(() => parseOrchestratorConfig({ retryRedelivery: { every: 1 } }), /retryRedelivery\.every/);
    assert.deepEqual(parseOrchestratorConfig({ retryRedelivery: { maxDeliveries: 5 } }).retryRedelivery, { maxDeliveries: 5, multiplier: 2, maxIntervalMs: 3_600_000 });
  });
});
