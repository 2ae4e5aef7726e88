/**
 * The bridge's gRPC retry policy (issue 14): a call the server turned away because its workflow run was closing
 * for continue-as-new is sent again after milliseconds, not after the SDK's rate-limit backoff (about 1.7 s);
 * other RESOURCE_EXHAUSTED answers (a real rate limit) keep the SDK's backoff. The pauses are computed, not timed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bridgeGrpcRetryOptions, CLOSING_RETRY_MAX_MS, isWorkflowClosing } from '../../plugin-bridge/shared/grpc-retry.ts';

const status = (code: number, details: string) => ({ code, details, metadata: undefined as never });
/** The text the server (1.29) answers for an operation on a run that is continuing as new. */
const CLOSING = status(8, 'workflow operation can not be applied because workflow is closing');
const RATE_LIMITED = status(8, 'namespace rate limit exceeded');

describe('bridge gRPC retry', () => {
  test('a run closing for continue-as-new is recognised; a rate limit or another code is not', () => {
    assert.equal(isWorkflowClosing(CLOSING), true);
    assert.equal(isWorkflowClosing(RATE_LIMITED), false);
    assert.equal(isWorkflowClosing(status(14, 'workflow is closing')), false);
  });

  test('a closing run is retried within milliseconds; a rate limit keeps the SDK backoff', () => {
    const options = bridgeGrpcRetryOptions();
    for (let attempt = 1; attempt <= 9; attempt += 1) {
      assert.ok(options.retryableDecider(attempt, CLOSING), `attempt ${attempt} is retried`);
      assert.ok(options.delayFunction(attempt, CLOSING) <= CLOSING_RETRY_MAX_MS, `attempt ${attempt} waits at most ${CLOSING_RETRY_MAX_MS} ms`);
    }
    assert.ok(options.delayFunction(1, CLOSING) < 50, 'the first retry goes at once');
    assert.ok(options.delayFunction(1, RATE_LIMITED) >= 1000, 'a rate limit still backs off a second or more');
  });
});
