import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createGatewayActivities, DeliveredKeys, DeliveryNotStoredError } from '../../activities/gateway.ts';
import type { RetryConfig } from '../../workflows/subagent/contract.ts';
import { applyEnded, applyRequesterEnded, applyRetryEndedAbnormally, applyRetryGaveUp, applySpawned } from '../../workflows/subagent/decide.ts';
import { clock, ordinal, waitAfterDeliveryMs, waitingDetails } from '../../workflows/subagent/redelivery.ts';
import { initialTaskState } from '../../workflows/subagent/state.ts';
import { RecordingSystemRuntime } from '../helpers/gateway.ts';

const quiet = { info: () => undefined, warn: () => undefined };
const input = { sessionKey: 'agent:ops:main', text: '<orchestrator-retry>…', contextKey: 'orchestrator-retry:k:1', heartbeatReason: 'orchestrator-subagent-retry' };

describe('re-delivery schedule and details', () => {
  test('waits grow by the multiplier from pickupTimeoutMs, capped at maxIntervalMs', () => {
    const r = { maxDeliveries: 4, multiplier: 2, maxIntervalMs: 25 * 60_000 };
    assert.deepEqual([1, 2, 3, 4].map((n) => waitAfterDeliveryMs(600_000, r, n)), [600_000, 1_200_000, 1_500_000, 1_500_000]);
    assert.equal(waitAfterDeliveryMs(600_000, { ...r, maxIntervalMs: 1000 }, 1), 600_000, 'never below the first wait');
  });

  test('the details say where the retry is', () => {
    const at = Date.UTC(2026, 0, 1, 12, 4);
    assert.equal(waitingDetails('agent:main:main', at, 1, 3, at + 600_000), 'delivered to agent:main:main at 12:04 (1st of 3), waiting for respawn, 2nd delivery at 12:14');
    assert.match(waitingDetails('agent:main:main', at, 3, 3, at + 60_000), /gives up at 12:05$/);
    assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']);
    assert.equal(clock(at), '12:04');
  });
});

describe('task: a retry that gives up or ends abnormally', () => {
  const config: RetryConfig = { autoRetryFailedSubagents: true, maxRetriesPerTask: 2, retryOutcomes: ['error'], backoff: { initialMs: 0, multiplier: 2, maxMs: 0 }, pickupTimeoutMs: 1000, notifyRequesterOnExhausted: false, gatewayTaskQueue: 'q' };
  const retrying = () => {
    const started = applySpawned(initialTaskState('k', 'agent:main:main', { task: 't' }), { eventId: 's1', childKey: 'c1', config }, 1).state;
    return applyEnded(started, { eventId: 'e1', childKey: 'c1', outcome: 'error', config }, 2).state;
  };

  test('gave up: the task ends unanswered, the budget as it was', () => {
    const state = applyRetryGaveUp(retrying(), 1, 3);
    assert.deepEqual([state.status, state.retriesUsed, state.notPickedUp], ['unanswered', 1, 1]);
    assert.equal(applyRetryGaveUp(retrying(), 2, 3).status, 'retrying', 'another attempt’s result changes nothing');
  });

  test('a settled task spawned again reopens with its count; a requester end closes even a settled task', () => {
    const succeeded = applyEnded(applySpawned(retrying(), { eventId: 's2', childKey: 'c2', config }, 3).state, { eventId: 'e2', childKey: 'c2', outcome: 'ok', config }, 4).state;
    assert.deepEqual([succeeded.status, succeeded.retriesUsed], ['succeeded', 1]);
    const again = applySpawned(succeeded, { eventId: 's3', childKey: 'c3', config }, 5).state;
    assert.deepEqual([again.status, again.retriesUsed], ['running', 1]);
    const failed = applyEnded(again, { eventId: 'e3', childKey: 'c3', outcome: 'error', config }, 6);
    assert.equal(failed.effects[0]?.kind === 'startRetry' && failed.effects[0].args.attempt, 2, 'retry 2, not 1 again');
    assert.equal(applyRequesterEnded(succeeded, 'agent:main:main').status, 'ended');
    assert.equal(applySpawned(applyRequesterEnded(succeeded, 'agent:main:main'), { eventId: 's4', childKey: 'c4', config }, 7).state.status, 'ended');
  });

  test('terminated: recorded, the task still waits for the respawn', () => {
    const state = applyRetryEndedAbnormally(retrying(), 1, 'Workflow execution terminated');
    assert.equal(state.status, 'retrying');
    assert.match(state.lastEvent ?? '', /retry 1 workflow ended without a result \(Workflow execution terminated\)/);
    assert.equal(applySpawned(state, { eventId: 's2', childKey: 'c2', config }, 3).state.pendingRetry, null);
  });
});

describe('gateway activity: stored or failed, never assumed', () => {
  test('a pending copy with the same key is not doubled; every delivery wakes the session', async () => {
    const runtime = new RecordingSystemRuntime();
    const activities = createGatewayActivities({ system: runtime, session: runtime, delivered: new DeliveredKeys(), logger: quiet });
    assert.deepEqual(await activities.deliverSystemEvent({ ...input, delivery: 1 }), { enqueued: true, duplicate: false });
    assert.deepEqual(await activities.deliverSystemEvent({ ...input, delivery: 1 }), { enqueued: false, duplicate: true }, 'the same delivery in this process');
    assert.deepEqual(await activities.deliverSystemEvent({ ...input, delivery: 2 }), { enqueued: false, duplicate: true }, 'still pending');
    assert.equal(runtime.takeTurn('agent:ops:main').length, 1);
    assert.deepEqual(await activities.deliverSystemEvent({ ...input, delivery: 3 }), { enqueued: true, duplicate: false }, 'seen and not answered: delivered again');
    assert.equal(runtime.heartbeats.length, 3);
    assert.equal(runtime.takeTurn('agent:ops:main').length, 1);
    const restarted = createGatewayActivities({ system: runtime, session: runtime, delivered: new DeliveredKeys(), logger: quiet });
    assert.deepEqual(await restarted.deliverSystemEvent({ ...input, delivery: 3, wakeOnly: true }), { enqueued: false, duplicate: true }, 'after a gateway start: the wake alone');
    assert.equal(runtime.takeTurn('agent:ops:main').length, 0, 'a consumed copy does not come back');
    assert.equal(runtime.heartbeats.length, 4);
  });

  test('nothing stored (enqueued false with no id, or false from the system queue) throws, and no wake is requested', async () => {
    const runtime = new RecordingSystemRuntime();
    runtime.refuse = true;
    const activities = createGatewayActivities({ system: runtime, session: runtime, delivered: new DeliveredKeys(), logger: quiet });
    await assert.rejects(activities.deliverSystemEvent(input), DeliveryNotStoredError);
    const memoryOnly = createGatewayActivities({ system: { enqueueSystemEvent: () => false, requestHeartbeat: () => assert.fail('no wake') }, delivered: new DeliveredKeys(), logger: quiet });
    await assert.rejects(memoryOnly.deliverSystemEvent(input), /did not queue the system event/);
    assert.equal(runtime.heartbeats.length, 0);
  });
});
