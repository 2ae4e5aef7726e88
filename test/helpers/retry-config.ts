/** The subagent retry rules the tests start from: two retries of `error`/`timeout`, no backoff, no notice on exhaustion. */
import type { RetryConfig } from '../../workflows/subagent/contract.ts';

/** The test default for a gateway on `gatewayTaskQueue`, with `overrides` on top. */
export function retryConfig(gatewayTaskQueue: string, overrides: Partial<RetryConfig> = {}): RetryConfig {
  return {
    autoRetryFailedSubagents: true,
    maxRetriesPerTask: 2,
    retryOutcomes: ['error', 'timeout'],
    backoff: { initialMs: 0, multiplier: 2, maxMs: 60_000 },
    pickupTimeoutMs: 30_000,
    notifyRequesterOnExhausted: false,
    gatewayTaskQueue,
    ...overrides,
  };
}
