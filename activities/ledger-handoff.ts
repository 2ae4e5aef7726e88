/**
 * The activity side of `workflows/shared/ledger-handoff.ts`: a ledger activity given a batch reference asks its
 * own workflow run for the batch by query. The worker's client carries the payload codec, so the answer travels
 * encrypted; it is not recorded in any history.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { LedgerBatchQuery, LedgerBatchRef } from '../workflows/shared/ledger-handoff.ts';

/** The `ApplicationFailure` type when the workflow does not lend the referenced batch (retryable: a replaying workflow may not answer yet). */
export const LEDGER_BATCH_UNAVAILABLE = 'LedgerBatchUnavailable';

/** Reads the batch `ref` names from the workflow run that scheduled the current activity. */
export async function borrowLedgerBatch<T>(query: LedgerBatchQuery<T>, ref: LedgerBatchRef): Promise<readonly T[]> {
  const context = Context.current();
  const run = context.info.workflowExecution;
  if (run === undefined) throw ApplicationFailure.nonRetryable('a ledger batch reference is only valid in an activity a workflow scheduled', LEDGER_BATCH_UNAVAILABLE);
  const { workflowId, runId } = run;
  const items = await context.client.workflow.getHandle(workflowId, runId).query(query, ref.batchId);
  if (items === null || items.length !== ref.count) {
    const got = items === null ? 'none' : `${String(items.length)} items`;
    throw ApplicationFailure.retryable(`workflow ${workflowId} lends batch ${ref.batchId} of ${String(ref.count)} items, got ${got}`, LEDGER_BATCH_UNAVAILABLE);
  }
  return items;
}
