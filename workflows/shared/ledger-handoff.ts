/**
 * Handing a ledger batch to its activity by reference. The workflow keeps the batch in memory while the activity
 * runs and answers a query for it; the activity's input names the batch instead of carrying it. So personal text
 * (a message body, a usage record's raw JSON) is recorded in history once, in the signal or update that brought
 * it, not a second time in the activity's input. Queries are not recorded; their answers are encrypted by the
 * payload codec on the wire like every payload. Durable as before: a replayed workflow lends the same batch
 * under the same id (ids count up per run), and a query that fails fails the attempt, which is retried.
 */
import { setHandler, type QueryDefinition } from '@temporalio/workflow';

/** What the activity receives instead of the batch: the ledger file, and the id to ask the workflow for. */
export interface LedgerBatchRef {
  readonly dbPath: string;
  /** Id of the lent batch in this workflow run; the activity queries its own workflow run for it. */
  readonly batchId: string;
  /** Number of items lent, checked by the activity against what the query answers. */
  readonly count: number;
}

/** The query a workflow answers with a lent batch, or null when it lends none under that id. */
export type LedgerBatchQuery<T> = QueryDefinition<readonly T[] | null, [string]>;

/** Lends batches of one workflow run to its ledger activity. */
export interface LedgerHandoff<T> {
  /** Lends `items` for the time of `call`, which gets the reference to pass as the activity's input. */
  lend<R>(dbPath: string, items: readonly T[], call: (ref: LedgerBatchRef) => Promise<R>): Promise<R>;
}

/** Installs the query handler and returns the lender; call once, from the workflow function. */
export function createLedgerHandoff<T>(query: LedgerBatchQuery<T>): LedgerHandoff<T> {
  const lent = new Map<string, readonly T[]>();
  let lastId = 0;
  setHandler(query, (batchId) => lent.get(batchId) ?? null);
  return {
    async lend(dbPath, items, call) {
      lastId += 1;
      const batchId = String(lastId);
      lent.set(batchId, items);
      try {
        return await call({ dbPath, batchId, count: items.length });
      } finally {
        lent.delete(batchId);
      }
    },
  };
}

/** True when an activity input is a {@link LedgerBatchRef} rather than an inline batch (older runs). */
export function isLedgerBatchRef(input: unknown): input is LedgerBatchRef {
  if (typeof input !== 'object' || input === null) return false;
  const ref = input as Record<string, unknown>;
  return typeof ref['batchId'] === 'string' && typeof ref['dbPath'] === 'string' && typeof ref['count'] === 'number';
}
