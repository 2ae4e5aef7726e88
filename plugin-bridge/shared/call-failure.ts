/**
 * What a failed Temporal call means for its caller: every error of the SDK becomes a {@link TemporalCallError}
 * of one kind — `timeout` (the deadline passed), `unavailable` (the cluster cannot be reached or cannot serve
 * now: what was sent waits and is tried again) or `rejected` (the server refused the request itself).
 */
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { TemporalCallError, type TemporalFailureKind } from './errors.ts';

/** The error a bridge call that failed with `err` rejects with (a {@link TemporalCallError} passes unchanged). */
export function callError(operation: string, err: unknown): TemporalCallError {
  if (err instanceof TemporalCallError) return err;
  // An update the SDK gave up on at our gRPC deadline says "timeout or cancelled", not "deadline".
  const timedOut = /DEADLINE_EXCEEDED|deadline/i.test(describe(err)) || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError;
  const kind = timedOut ? 'timeout' : classify(err);
  return new TemporalCallError(operation, kind, describe(err));
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== err.message ? `${err.message} (${cause.message})` : err.message;
}

function classify(err: unknown): TemporalFailureKind {
  const name = err instanceof Error ? err.name : '';
  const text = describe(err);
  // The server looked at the request and refused it (e.g. a payload over its blob size limit): sending it again
  // gives the same answer. The SDK wraps it in a ServiceError like a lost connection, so the status decides.
  if (/\bINVALID_ARGUMENT\b/.test(text)) return 'rejected';
  if (/UNAVAILABLE|ECONNREFUSED|connect|No connection/i.test(text) || name === 'ServiceError') return 'unavailable';
  // A state of the server, not of the call: a cluster answers it while its database is down, so what was sent waits
  // (outboxes keep it) instead of counting towards a dead letter.
  if (name === 'NamespaceNotFoundError' || /namespace\b.*\bnot (be )?found|NamespaceNotFound/i.test(text)) return 'unavailable';
  return 'rejected';
}
