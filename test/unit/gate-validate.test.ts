import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { GateOutboundRequest } from '../../workflows/gate/contract.ts';
import { checkOutboundRequest } from '../../workflows/gate/validate.ts';

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
