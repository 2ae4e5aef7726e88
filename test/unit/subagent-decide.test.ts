import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentIdOf, createGatewayActivities, DeliveredKeys, type GatewaySystemRuntime } from '../../activities/gateway.ts';
import type { RetryConfig } from '../../workflows/subagent/contract.ts';
import { applyEnded, applyRequesterEnded, applyRetryNotPickedUp, applySpawned, backoffMs, describeTask } from '../../workflows/subagent/decide.ts';
import { retryEventText } from '../../workflows/subagent/retry-text.ts';
import { initialTaskState, type TaskState } from '../../workflows/subagent/state.ts';
import { retryConfig } from '../helpers/retry-config.ts';

const config = retryConfig('openclaw-temporal-gateway/default', { pickupTimeoutMs: 60_000 });
const spec = { task: 'crawl the docs', label: 'crawler', agentId: 'main', model: 'm1', thinking: 'low', mode: 'run', thread: false };
const fresh = (): TaskState => applySpawned(initialTaskState('k1', 'agent:main:subagent:o', spec), { eventId: 's:c1', childKey: 'c1', config }, 1).state;
const end = (s: TaskState, child: string, outcome: string, c: RetryConfig = config) => applyEnded(s, { eventId: `e:${child}`, childKey: child, outcome, config: c }, 2);

describe('retry budget per task (SEED-BEHAVIOUR §1.6)', () => {
  test('an outcome in retryOutcomes starts retry 1 while the count is below maxRetriesPerTask', () => {
    const { state, effects } = end(fresh(), 'c1', 'error');
    assert.equal(state.retriesUsed, 1);
    assert.equal(state.status, 'retrying');
    assert.equal(effects[0]?.kind, 'startRetry');
    assert.equal(effects[0]?.kind === 'startRetry' && effects[0].args.attempt, 1);
  });

  test('budget exhausted → warn, no event (the task ends exhausted)', () => {
    let s = fresh();
    s = end(s, 'c1', 'error').state;
    s = applySpawned(s, { eventId: 's:c2', childKey: 'c2', config }, 3).state;
    s = end(s, 'c2', 'error').state;
    s = applySpawned(s, { eventId: 's:c3', childKey: 'c3', config }, 4).state;
    const last = end(s, 'c3', 'timeout');
    assert.equal(last.state.status, 'exhausted');
    assert.deepEqual(last.effects.map((e) => e.kind), ['warn']);
    assert.equal(last.state.retriesUsed, 2);
  });

  test('with notifyRequesterOnExhausted the requester is told too', () => {
    const tight = { ...config, maxRetriesPerTask: 1 };
    let s = end(fresh(), 'c1', 'error', tight).state;
    s = applySpawned(s, { eventId: 's:c2', childKey: 'c2', config: tight }, 3).state;
    const last = end(s, 'c2', 'error', { ...tight, notifyRequesterOnExhausted: true });
    assert.deepEqual(last.effects.map((e) => e.kind), ['warn', 'notifyExhausted']);
  });

  test('autoRetryFailedSubagents off, or an outcome outside retryOutcomes: no retry', () => {
    assert.equal(end(fresh(), 'c1', 'error', { ...config, autoRetryFailedSubagents: false }).state.status, 'failed');
    assert.equal(end(fresh(), 'c1', 'killed').effects.length, 0);
  });

  test('a duplicated subagent_ended changes nothing', () => {
    const once = end(fresh(), 'c1', 'error').state;
    const twice = end(once, 'c1', 'error');
    assert.equal(twice.state, once);
    assert.equal(twice.effects.length, 0);
  });

  test('an ended child that is not this task’s is ignored', () => {
    assert.equal(end(fresh(), 'stranger', 'error').effects.length, 0);
  });

  test('an accepted respawn picks up the pending retry', () => {
    const retrying = end(fresh(), 'c1', 'error').state;
    const picked = applySpawned(retrying, { eventId: 's:c2', childKey: 'c2', config }, 3);
    assert.equal(picked.state.status, 'running');
    assert.deepEqual(picked.effects, [{ kind: 'respawned', attempt: 1, childKey: 'c2' }]);
  });

  test('a retry not picked up is counted; the requester ending ends the task', () => {
    const retrying = end(fresh(), 'c1', 'error').state;
    assert.equal(applyRetryNotPickedUp(retrying, 1).notPickedUp, 1);
    assert.equal(applyRetryNotPickedUp(retrying, 2).notPickedUp, 0);
    assert.equal(applyRequesterEnded(retrying, 'agent:main:subagent:o').status, 'ended');
    assert.equal(applyRequesterEnded(retrying, 'someone-else').status, 'retrying');
    assert.match(describeTask(retrying), /crawler: retrying, 1 attempt\(s\), retries 1\/2/);
  });

  test('backoff: immediate by default, else initial × multiplier^(n−1) capped at max', () => {
    assert.equal(backoffMs(config.backoff, 1), 0);
    const b = { initialMs: 1000, multiplier: 3, maxMs: 5000 };
    assert.deepEqual([1, 2, 3].map((n) => backoffMs(b, n)), [1000, 3000, 5000]);
  });
});

describe('the <orchestrator-retry> event and its delivery', () => {
  test('the event names the failed child, outcome, attempt n/max, the respawn instruction and the spec', () => {
    const text = retryEventText({ failedChildKey: 'agent:main:subagent:c1', outcome: 'error', attempt: 1, maxRetries: 2, spec });
    for (const part of ['<orchestrator-retry>', 'agent:main:subagent:c1', 'outcome: error', 'attempt: 1/2', 'sessions_spawn', 'task: crawl the docs', 'label: crawler', 'agentId: main', 'model: m1', 'thinking: low', 'mode: run', 'thread: false', '</orchestrator-retry>']) {
      assert.ok(text.includes(part), part);
    }
  });

  test('a delivery is enqueued with replace on its context key, once per gateway process', async () => {
    const calls: unknown[] = [];
    const system: GatewaySystemRuntime = {
      enqueueSystemEvent: (text, options) => (calls.push(['event', text, options]), true),
      requestHeartbeat: (options) => calls.push(['heartbeat', options]),
    };
    const quiet = { info: () => undefined, warn: () => undefined };
    const activities = createGatewayActivities({ system, delivered: new DeliveredKeys(), logger: quiet });
    const input = { sessionKey: 'agent:ops:main', text: 'x', contextKey: 'ctx-1', heartbeatReason: 'orchestrator-subagent-retry' };
    assert.deepEqual(await activities.deliverSystemEvent(input), { enqueued: true, duplicate: false });
    assert.deepEqual(await activities.deliverSystemEvent(input), { enqueued: false, duplicate: true });
    assert.deepEqual(calls, [
      ['event', 'x', { sessionKey: 'agent:ops:main', agentId: 'ops', contextKey: 'ctx-1', replace: true }],
      ['heartbeat', { source: 'other', intent: 'event', reason: 'orchestrator-subagent-retry', sessionKey: 'agent:ops:main', agentId: 'ops' }],
    ]);
    assert.equal(agentIdOf('global'), undefined);
  });
});
