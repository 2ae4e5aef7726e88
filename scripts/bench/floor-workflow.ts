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
/** Increments the counter and queues a trigger's worth of ledger rows for `content`. */
export const floorRecordSignal = defineSignal<[string]>('bench-floor.record');

/** The floor's ledger activity queue (served by the floor worker, as the gate's ledger queue by its worker). */
export const FLOOR_LEDGER_TASK_QUEUE = 'openclaw-temporal-bench-floor-ledger';

/** The rows a gate decision writes (arm, request status, response). */
const DECISION_ROWS = ['arm', 'status', 'response'] as const;
/** The rows a gate trigger with a message id writes. */
const TRIGGER_ROWS = ['seen', 'thread', 'request', 'seen-triggered', 'arm'] as const;
export const ROWS_PER_UPDATE = DECISION_ROWS.length;
export const ROWS_PER_SIGNAL = TRIGGER_ROWS.length;

/**
 * The floor with a ledger share: each update queues {@link ROWS_PER_UPDATE} rows, each signal {@link ROWS_PER_SIGNAL},
 * and every `every` of them one activity writes the rows queued (input inline, one transaction). The least a durable
 * ledger beside the decisions costs.
 */
export async function benchFloorLedgerWorkflow(args: { readonly dbPath: string; readonly every: number }): Promise<void> {
  const { writeFloorRows: write } = proxyActivities<{ writeFloorRows: typeof writeFloorRows }>({ taskQueue: FLOOR_LEDGER_TASK_QUEUE, startToCloseTimeout: '30 seconds' });
  let counter = 0;
  let unwritten = 0;
  const pending: FloorLedgerRow[] = [];
  const record = (content: string, kinds: readonly string[]) => {
    counter += 1;
    unwritten += 1;
    const row = { workflowId: workflowInfo().workflowId, n: counter, content, at: Date.now() };
    for (const kind of kinds) pending.push({ ...row, kind });
  };
  setHandler(floorRecordUpdate, (content) => {
    record(content, DECISION_ROWS);
    return counter;
  });
  setHandler(floorRecordSignal, (content) => record(content, TRIGGER_ROWS));
  for (;;) {
    await condition(() => unwritten >= args.every);
    unwritten = 0;
    await write(args.dbPath, pending.splice(0));
  }
}
