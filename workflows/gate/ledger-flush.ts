/**
 * Writing the gate's ledger from workflow code. {@link writeLedgerBatch} (the seen-messages ledger, and gate runs
 * recorded before the dead-letter queue) retries until the write succeeds; {@link tryWriteLedgerBatch} (gate runs
 * since) gives up after a few attempts so the caller can dead-letter the batch. A batch the activity rejects as
 * malformed is given up at once, loudly, since retrying it can never succeed.
 */
import { ActivityFailure, ApplicationFailure, isCancellation, log, proxyActivities } from '@temporalio/workflow';
import { LEDGER_TASK_QUEUE } from '../shared/task-queues.ts';
import type { LedgerHandoff } from '../shared/ledger-handoff.ts';
import { ledgerQueueOf } from '../shared/ledger-queue.ts';
import type { LedgerTarget } from '../shared/ledger-target.ts';
import type { GateLedgerActivities, GateLedgerOp } from './ledger-ops.ts';

const ledger = proxyActivities<GateLedgerActivities>({
  taskQueue: LEDGER_TASK_QUEUE,
  // A batch is one SQLite transaction (milliseconds); a short timeout limits the stall after a worker crash.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// Runs since the `gate-ledger-dead-letters` patch: a write that keeps failing gives up after a few attempts (about
// 8 s of backoff) and goes to the dead-letter queue instead of holding the ledger forever. On the queue of the
// ledger's host (shared/ledger-queue.ts).
const boundedLedger = (taskQueue: string) =>
  proxyActivities<GateLedgerActivities>({
    taskQueue,
    startToCloseTimeout: '10 seconds',
    retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
  });

/** Ops per activity call: keeps each payload far below Temporal's 2 MB limit even with long messages. */
export const MAX_OPS_PER_BATCH = 200;

/**
 * Writes one batch (callers keep it to {@link MAX_OPS_PER_BATCH} ops). Resolves once it is written, or once the
 * activity rejected it as malformed (logged: retrying could never succeed); other failures are retried.
 */
export async function writeLedgerBatch(dbPath: string, batch: readonly GateLedgerOp[]): Promise<void> {
  try {
    await ledger.applyGateLedger({ dbPath, ops: batch });
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    if (!(cause instanceof ApplicationFailure) || !cause.nonRetryable) throw err;
    log.error('gate ledger rejected a batch; it is dropped', { dbPath, error: cause.message, ops: batch.length });
  }
}

/** The outcome of {@link tryWriteLedgerBatch}. */
export type LedgerWriteOutcome =
  | { readonly outcome: 'written' }
  | { readonly outcome: 'malformed'; readonly error: string }
  | { readonly outcome: 'failed'; readonly error: string };

/**
 * Writes one batch with the bounded retry policy and says how it went instead of throwing: `failed` once the
 * attempts are used up (the caller dead-letters the batch), `malformed` when the activity rejected it (logged).
 * With a `handoff` the activity's input is a reference and the activity reads the ops by query (runs since the
 * `gate-ledger-by-reference` patch): the texts in them are then recorded only in the signal or update that brought them.
 * The batch goes to the ledger queue of `target`'s host ({@link ledgerQueueOf}).
 */
export async function tryWriteLedgerBatch(target: LedgerTarget, batch: readonly GateLedgerOp[], handoff?: LedgerHandoff<GateLedgerOp>): Promise<LedgerWriteOutcome> {
  const { dbPath } = target;
  try {
    const ledger = boundedLedger(ledgerQueueOf(target));
    if (handoff === undefined) await ledger.applyGateLedger({ dbPath, ops: batch });
    else await handoff.lend(dbPath, batch, (ref) => ledger.applyGateLedger(ref));
    return { outcome: 'written' };
  } catch (err) {
    if (isCancellation(err)) throw err;
    const cause = err instanceof ActivityFailure && err.cause !== undefined ? err.cause : err;
    const error = cause instanceof Error ? cause.message : String(cause);
    if (cause instanceof ApplicationFailure && cause.nonRetryable) {
      log.error('gate ledger rejected a batch; it is dropped', { dbPath, error, ops: batch.length });
      return { outcome: 'malformed', error };
    }
    log.error('gate ledger write failed after its bounded attempts', { dbPath, error, ops: batch.length });
    return { outcome: 'failed', error };
  }
}
