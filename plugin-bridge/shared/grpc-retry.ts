/**
 * The bridge's gRPC retry policy: the SDK's default, except for a call the server turned away because its workflow
 * run was closing by continue-as-new ("Workflow is closing.", a RESOURCE_EXHAUSTED). The server answers so when an
 * update or signal reaches a run whose last workflow task is ending it; sent again, it reaches the new run at once.
 * The SDK's default treats every RESOURCE_EXHAUSTED as a rate limit and waits about 1.7 s before the second attempt
 * — the stall a gate decision met at a continue-as-new (issue 14). This one waits milliseconds for that case.
 */
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions, type GrpcRetryOptions } from '@temporalio/client';

/** The status a failed call ended with, as the SDK's retry options see it. */
type CallStatus = Parameters<GrpcRetryOptions['delayFunction']>[1];
/** gRPC's RESOURCE_EXHAUSTED status code. */
const RESOURCE_EXHAUSTED = 8;

/** First pause before sending a call again to a workflow that was continuing as new; it doubles per attempt. */
export const CLOSING_RETRY_FIRST_MS = 5;
/** Longest pause between such attempts: the SDK's ten attempts then span about 2.3 s (and the call's deadline bounds them). */
export const CLOSING_RETRY_MAX_MS = 1000;

let closingRetries = 0;

/** Calls this process sent again because their workflow run was closing (for tests and diagnostics). */
export function workflowClosingRetries(): number {
  return closingRetries;
}

/** Whether the server turned the call away because the workflow run was closing (continue-as-new). */
export function isWorkflowClosing(status: Pick<CallStatus, 'code' | 'details'>): boolean {
  return status.code === RESOURCE_EXHAUSTED && /workflow is closing/i.test(status.details);
}

/** The retry options: the SDK's defaults, with short pauses for {@link isWorkflowClosing}. */
export function bridgeGrpcRetryOptions(): GrpcRetryOptions {
  const sdk = defaultGrpcRetryOptions();
  return {
    retryableDecider: sdk.retryableDecider,
    delayFunction: (attempt, status) => {
      if (!isWorkflowClosing(status)) return sdk.delayFunction(attempt, status);
      closingRetries += 1;
      return Math.min(CLOSING_RETRY_MAX_MS, CLOSING_RETRY_FIRST_MS * 2 ** Math.max(0, attempt - 1));
    },
  };
}

/** The interceptors for the bridge's `Connection` (replacing the SDK's default retry interceptor). */
export function bridgeGrpcInterceptors(): NonNullable<ConnectionOptions['interceptors']> {
  return [makeGrpcRetryInterceptor(bridgeGrpcRetryOptions())];
}
