/**
 * Writing the gate's ledger from workflow code: one activity proxy with one retry policy. Ledger writes are
 * retried until they succeed (nothing is dropped while the worker's disk or SQLite is busy); only a batch the
 * activity rejects as malformed is given up, loudly, since retrying it can never succeed.
 */
import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';
import { LEDGER_TASK_QUEUE } from './contract.ts';
import type { GateLedgerActivities, GateLedgerOp } from './ledger-ops.ts';

const ledger = proxyActivities<GateLedgerActivities>({
  taskQueue: LEDGER_TASK_QUEUE,
  // A batch is one SQLite transaction (milliseconds); a short timeout limits the stall after a worker crash.
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
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
