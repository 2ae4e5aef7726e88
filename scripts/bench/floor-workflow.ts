/**
 * The floor of the benchmark: the least a workflow can do per update or signal — increment a counter. Bench code
 * only (bundled by `floor-worker.ts`, never by the deployable worker): the gate's figures are read as ratios to
 * what this costs on the same server in the same run.
 */
import { condition, defineQuery, defineSignal, defineUpdate, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import { createLedgerHandoff } from '../../workflows/shared/ledger-handoff.ts';
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

/** The batch a by-reference floor lends its ledger activity (as the gate's `gateLedgerBatchQuery`). */
export const floorLedgerBatchQuery = defineQuery<readonly FloorLedgerRow[] | null, [string]>('bench-floor.ledger-batch');

/** The floor's ledger activity queue (served by the floor worker, as the gate's ledger queue by its worker). */
export const FLOOR_LEDGER_TASK_QUEUE = 'openclaw-temporal-bench-floor-ledger';

/** The rows a gate decision writes (arm, request status, response). */
const DECISION_ROWS = ['arm', 'status', 'response'] as const;
/** The rows a gate trigger with a message id writes. */
const TRIGGER_ROWS = ['seen', 'thread', 'request', 'seen-triggered', 'arm'] as const;
export const ROWS_PER_UPDATE = DECISION_ROWS.length;
export const ROWS_PER_SIGNAL = TRIGGER_ROWS.length;

/** How a ledger floor writes. */
export interface FloorLedgerArgs {
  readonly dbPath: string;
  /** One activity per this many updates or signals. */
  readonly every: number;
  /**
   * The first update or signal is written at once, and then every `every`-th, taking along what waits: where a
   * gate's writes fall when each trigger reaches a quiet gate (written at once) and the next one lingers.
   */
  readonly firstAtOnce?: boolean;
  /**
   * Hand the rows to the activity by reference, as the gate does since issue 18 (a text is recorded once, in the
   * signal that brought it): the input names the batch and the activity reads it by query, with the gate's own
   * handoff (`workflows/shared/ledger-handoff.ts`).
   */
  readonly byReference?: boolean;
}

/**
 * The floor with a ledger share: each update queues {@link ROWS_PER_UPDATE} rows, each signal {@link ROWS_PER_SIGNAL},
 * and every `every` of them one activity writes the rows queued (one transaction). The least a durable ledger beside
 * the decisions costs.
 */
export async function benchFloorLedgerWorkflow(args: FloorLedgerArgs): Promise<void> {
  const { writeFloorRows: write } = proxyActivities<{ writeFloorRows: typeof writeFloorRows }>({ taskQueue: FLOOR_LEDGER_TASK_QUEUE, startToCloseTimeout: '30 seconds' });
  let counter = 0;
  const pending: FloorLedgerRow[] = [];
  const record = (content: string, kinds: readonly string[]) => {
    counter += 1;
    const row = { workflowId: workflowInfo().workflowId, n: counter, content, at: Date.now() };
    for (const kind of kinds) pending.push({ ...row, kind });
  };
  setHandler(floorRecordUpdate, (content) => {
    record(content, DECISION_ROWS);
    return counter;
  });
  setHandler(floorRecordSignal, (content) => record(content, TRIGGER_ROWS));
  const handoff = args.byReference === true ? createLedgerHandoff(floorLedgerBatchQuery) : null;
  // With firstAtOnce the counts that write are 1, 1 + every, 1 + 2 × every, …
  let writeAt = args.firstAtOnce === true ? 1 : args.every;
  for (;;) {
    await condition(() => counter >= writeAt);
    writeAt = counter + args.every;
    const rows = pending.splice(0);
    if (handoff === null) await write(args.dbPath, rows);
    else await handoff.lend(args.dbPath, rows, (ref) => write(args.dbPath, ref));
  }
}
