import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { GateOutboundRequest } from '../../workflows/gate/contract.ts';
import { checkOutboundRequest, validateAbandonEvent, validateOutboundRequest, validateTriggerEvent } from '../../workflows/gate/validate.ts';

const config = { armTtlMs: 60_000, maxUsesPerArm: 3, missedResponseTtlMs: 120_000, dbPath: '/tmp/lorene-gate.db' };
const request = (o: Partial<GateOutboundRequest> = {}): GateOutboundRequest => ({ decisionId: 'd-1', content: 'an answer', config, ...o });
const failureType = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ApplicationFailure, String(err));
    assert.equal(err.nonRetryable, true);
    return err.type ?? undefined;
  }
};

test('the outbound validator accepts a well-formed request before its notAfter', () => {
  assert.equal(failureType(() => checkOutboundRequest(request({ notAfter: 2000 }), 2000)), undefined);
  assert.equal(failureType(() => checkOutboundRequest(request(), 10_000)), undefined);
});

test('the outbound validator refuses a malformed request (InvalidGateRequest) and a late one (GateDecisionExpired)', () => {
  assert.equal(failureType(() => checkOutboundRequest(request({ decisionId: '' }), 0)), 'InvalidGateRequest');
  assert.equal(failureType(() => checkOutboundRequest(request({ config: { ...config, dbPath: 'relative.db' } }), 0)), 'InvalidGateRequest');
  assert.equal(failureType(() => checkOutboundRequest(request({ notAfter: 2000 }), 2001)), 'GateDecisionExpired');
});

test('each gate input names the first field that breaks its rule, in field order, then the config', () => {
  const trigger = { messageId: 'm-1', sender: '+49', text: 'friday: hi', body: 'friday: hi', receivedAt: 1, config };
  assert.equal(validateTriggerEvent(trigger), null);
  assert.equal(validateTriggerEvent([trigger]), 'trigger must be an object');
  assert.equal(validateTriggerEvent({ ...trigger, sender: 7, text: 8 }), 'sender must be a string');
  assert.equal(validateTriggerEvent({ ...trigger, receivedAt: Number.NaN }), 'receivedAt must be a number');
  assert.equal(validateTriggerEvent({ ...trigger, observedAt: '1' }), 'observedAt must be a number');
  assert.equal(validateTriggerEvent({ ...trigger, factId: '' }), 'factId must be a non-empty string');
  assert.equal(validateTriggerEvent({ ...trigger, observedAt: 2, factId: 'f-1' }), null);
  assert.equal(validateTriggerEvent({ ...trigger, config: { ...config, maxUsesPerArm: 0 } }), 'config.maxUsesPerArm must be a positive number');

  const abandon = { decisionId: 'd-1', content: 'an answer', reason: 'timeout', observedAt: 3, config };
  assert.equal(validateAbandonEvent(abandon), null);
  assert.equal(validateAbandonEvent(null), 'abandon must be an object');
  assert.equal(validateAbandonEvent({ ...abandon, observedAt: undefined }), 'observedAt must be a number');
  assert.equal(validateAbandonEvent({ ...abandon, reason: null, decisionId: '' }), 'decisionId must be a non-empty string');

  assert.equal(validateOutboundRequest(request({ notAfter: 5 })), null);
  assert.equal(validateOutboundRequest('d-1'), 'request must be an object');
  assert.equal(validateOutboundRequest({ ...request(), content: undefined }), 'content must be a string');
  assert.equal(validateOutboundRequest({ ...request(), notAfter: Infinity }), 'notAfter must be a number');
});
