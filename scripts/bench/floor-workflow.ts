/**
 * The floor of the benchmark: the least a workflow can do per update or signal — increment a counter. Bench code
 * only (bundled by `floor-worker.ts`, never by the deployable worker): the gate's figures are read as ratios to
 * what this costs on the same server in the same run.
 */
import { condition, defineSignal, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { FloorLedgerRow, writeFloorRows } from './floor-activities.ts';

/** Increments the counter and answers its new value. */
export const floorIncrementUpdate = defineUpdate<number, []>('bench-floor.increment');
/** Increments the counter. */
export const floorPingSignal = defineSignal<[]>('bench-floor.ping');

/** Runs until terminated; every update and signal adds one to a counter. */
export async function benchFloorWorkflow(): Promise<void> {
  let counter = 0;
  setHandler(floorIncrementUpdate, () => ++counter);
  setHandler(floorPingSignal, () => void ++counter);
  await condition(() => false);
}

/** Increments the counter and queues a decision's worth of ledger rows for `content`; answers the new value. */
export const floorRecordUpdate = defineUpdate<number, [string]>('bench-floor.record');

/** The floor's ledger activity queue (served by the floor worker, as the gate's ledger queue by its worker). */
export const FLOOR_LEDGER_TASK_QUEUE = 'openclaw-temporal-bench-floor-ledger';

/** Rows a gate decision writes (arm, request status, response). */
export const ROWS_PER_UPDATE = 3;

/**
 * The floor with a ledger share: each update queues {@link ROWS_PER_UPDATE} rows, and every `every` updates one
 * activity writes them (input inline, one transaction). The least a durable ledger beside the decisions costs.
 */
export async function benchFloorLedgerWorkflow(args: { readonly dbPath: string; readonly every: number }): Promise<void> {
  const { writeFloorRows: write } = proxyActivities<{ writeFloorRows: typeof writeFloorRows }>({ taskQueue: FLOOR_LEDGER_TASK_QUEUE, startToCloseTimeout: '30 seconds' });
  let counter = 0;
  const pending: FloorLedgerRow[] = [];
  setHandler(floorRecordUpdate, (content) => {
    counter += 1;
    const row = { workflowId: workflowInfo().workflowId, n: counter, content, at: Date.now() };
    pending.push({ ...row, kind: 'arm' }, { ...row, kind: 'status' }, { ...row, kind: 'response' });
    return counter;
  });
  for (;;) {
    await condition(() => pending.length >= args.every * ROWS_PER_UPDATE);
    await write(args.dbPath, pending.splice(0));
  }
}
