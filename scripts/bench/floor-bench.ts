/**
 * The floor, measured on the benchmark's own server in the same run as the gate: a minimal update (one workflow,
 * sequential; then `peers` workflows at `concurrency`) and a minimal signal-with-start, served by a child worker
 * process ({@link FLOOR_TASK_QUEUE}) with the same payload codec as the gate's worker.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { payloadDataConverter } from '../../plugin-bridge/shared/codec/data-converter.ts';
import { logChildOutput } from '../../worker/child-log.ts';
import { cpuPerOperation, type CpuTimes } from './cpu.ts';
import { FLOOR_TASK_QUEUE } from './floor-worker.ts';
import { floorIncrementUpdate, floorPingSignal, floorRecordSignal, floorRecordUpdate, type benchFloorLedgerWorkflow, type FloorLedgerArgs, type benchFloorWorkflow } from './floor-workflow.ts';
import { historyCosts, type HistoryCosts } from './history-counts.ts';
import { timeAsync, type Timed } from './timing.ts';

/** Sizes of the floor's measurements (the gate's plan, so the shapes match). */
export interface FloorPlan {
  readonly sequential: number;
  readonly parallel: number;
  readonly peers: number;
  readonly concurrency: number;
  readonly signals: number;
  /** The paced phase: as many plain signals to the running workflows, one every this many ms. */
  readonly signalPaceMs: number;
  readonly warmup: number;
}

/** A measured floor phase: latencies, CPU per operation (the floor's worker in `worker`) and history costs. */
export interface FloorPhase {
  readonly timed: Timed;
  readonly cpuPerOpMs: CpuTimes;
  readonly history: HistoryCosts;
}

export interface FloorResult {
  readonly sequential: FloorPhase;
  readonly parallel: FloorPhase;
  readonly signalWithStart: FloorPhase;
  /** Plain signals at a fixed rate (`signalPaceMs` apart): the floor of the gate's paced triggers. */
  readonly pacedSignal: FloorPhase;
  /** `parallel` again on workflows that also write a ledger: one activity per {@link FLOOR_LEDGER_EVERY} updates. */
  readonly parallelWithLedger: FloorPhase;
  /** `signalWithStart` again on workflows that also write a ledger: one activity per {@link FLOOR_TRIGGER_LEDGER_EVERY} signals. */
  readonly signalWithStartWithLedger: FloorPhase;
  /** `signalWithStartWithLedger` with the rows handed to the activity by reference, as the gate hands them. */
  readonly signalWithStartWithLedgerByReference: FloorPhase;
}

/**
 * Updates per ledger activity in the floor's ledger share: at 50 peers each gate is decided about 3 times a second
 * and its busy ledger writes a batch every ~4 s (`LEDGER_BUSY_LINGER`), about 12 decisions per batch (the bench
 * counted 0.05–0.1 activity per decision, depending on where its window cuts the batches).
 */
export const FLOOR_LEDGER_EVERY = 12;

/**
 * Signals per ledger activity in the trigger's ledger share: the bench's triggers reach each of the 50 gates twice,
 * about 0.6 s apart; the first is written at once (a quiet gate), the second after the 500-ms linger, mostly past
 * the phase's end — 0.5 activities per trigger inside the phase, counted from the histories. The trigger floors write
 * the same way (`firstAtOnce`): each workflow's first signal at once, the second waiting for the next.
 */
export const FLOOR_TRIGGER_LEDGER_EVERY = 2;

const repo = fileURLToPath(new URL('../..', import.meta.url));
const floorId = (i: number) => `bench-floor/${i}`;
const ledgerFloorId = (i: number) => `bench-floor-ledger/${i}`;
const signalLedgerFloorId = (i: number) => `bench-floor-signal-ledger/${i}`;
const signalLedgerRefFloorId = (i: number) => `bench-floor-signal-ledger-ref/${i}`;

/** Runs the floor on the server at `address`; the floor worker's logs go to `dir`; `readCpu(pid)` reads the stack's CPU with the floor worker as `worker`. */
export async function benchFloor(address: string, dir: string, plan: FloorPlan, readCpu: (workerPid: number) => CpuTimes): Promise<FloorResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/floor-worker.ts'], { cwd: repo, env: { ...process.env, TEMPORAL_ADDRESS: address }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logged = logChildOutput(child, join(dir, 'floor-worker.log'));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default', dataConverter: payloadDataConverter() });
    const pid = child.pid ?? -1;
    const cpu = () => readCpu(pid);
    const ids = Array.from({ length: plan.peers }, (_, i) => floorId(i + 1));
    for (const workflowId of [floorId(0), ...ids]) await client.workflow.start<typeof benchFloorWorkflow>('benchFloorWorkflow', { workflowId, taskQueue: FLOOR_TASK_QUEUE, workflowIdConflictPolicy: 'USE_EXISTING' });
    const update = (workflowId: string) => client.workflow.getHandle(workflowId).executeUpdate(floorIncrementUpdate).then(() => 'ok', (err: unknown) => `error:${String(err)}`);
    // The first update waits for the worker to bundle and poll.
    for (let i = 0; i < plan.warmup; i++) await update(floorId(0));
    for (const workflowId of ids) await update(workflowId);
    const phase = async (workflowIds: readonly string[], measure: () => Promise<Timed>): Promise<FloorPhase> => {
      const before = cpu();
      const from = Date.now();
      const timed = await measure();
      const to = Date.now();
      const n = timed.samplesNs.length;
      return { timed, cpuPerOpMs: cpuPerOperation(before, cpu(), n), history: await historyCosts(client, workflowIds, from, to, n) };
    };
    const sequential = await phase([floorId(0)], () => timeAsync(plan.sequential, 1, () => update(floorId(0))));
    const parallel = await phase(ids, () => timeAsync(plan.parallel, plan.concurrency, (i) => update(ids[i % ids.length] as string)));
    const signalWithStart = await phase(ids, () =>
      timeAsync(plan.signals, 1, (i) =>
        client.workflow
          .signalWithStart<typeof benchFloorWorkflow, []>('benchFloorWorkflow', { workflowId: ids[i % ids.length] as string, taskQueue: FLOOR_TASK_QUEUE, signal: floorPingSignal, signalArgs: [] })
          .then(() => 'signalled', (err: unknown) => `error:${String(err)}`),
      ),
    );
    // As the bridge signals a gate it knows is running: a plain signal.
    const pacedSignal = await phase(ids, () =>
      timeAsync(plan.signals, 1, (i) => client.workflow.getHandle(ids[i % ids.length] as string).signal(floorPingSignal).then(() => 'signalled', (err: unknown) => `error:${String(err)}`), plan.signalPaceMs),
    );
    const ledgerIds = Array.from({ length: plan.peers }, (_, i) => ledgerFloorId(i + 1));
    const dbPath = join(dir, 'floor-ledger.db');
    for (const workflowId of ledgerIds) {
      await client.workflow.start<typeof benchFloorLedgerWorkflow>('benchFloorLedgerWorkflow', { workflowId, taskQueue: FLOOR_TASK_QUEUE, args: [{ dbPath, every: FLOOR_LEDGER_EVERY }] });
    }
    const content = 'Tonight on Plex: "The Third Man" at 20:15.';
    const record = (workflowId: string) => client.workflow.getHandle(workflowId).executeUpdate(floorRecordUpdate, { args: [content] }).then(() => 'ok', (err: unknown) => `error:${String(err)}`);
    for (let i = 0; i < Math.max(plan.warmup, ledgerIds.length); i++) await record(ledgerIds[i % ledgerIds.length] as string);
    const parallelWithLedger = await phase(ledgerIds, () => timeAsync(plan.parallel, plan.concurrency, (i) => record(ledgerIds[i % ledgerIds.length] as string)));
    /** Signal-with-start to workflows that queue a trigger's rows, written every FLOOR_TRIGGER_LEDGER_EVERY signals. */
    const signalsWithLedger = async (workflowIds: readonly string[], byReference: boolean): Promise<FloorPhase> => {
      const args: FloorLedgerArgs = { dbPath, every: FLOOR_TRIGGER_LEDGER_EVERY, firstAtOnce: true, byReference };
      for (const workflowId of workflowIds) await client.workflow.start<typeof benchFloorLedgerWorkflow>('benchFloorLedgerWorkflow', { workflowId, taskQueue: FLOOR_TASK_QUEUE, args: [args] });
      // Their first workflow tasks run before the timed signals, as the gates are settled before the triggers.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return phase(workflowIds, () =>
        timeAsync(plan.signals, 1, (i) =>
          client.workflow
            .signalWithStart<typeof benchFloorLedgerWorkflow, [string]>('benchFloorLedgerWorkflow', {
              workflowId: workflowIds[i % workflowIds.length] as string,
              taskQueue: FLOOR_TASK_QUEUE,
              args: [args],
              signal: floorRecordSignal,
              signalArgs: ['friday: what is on tonight?'],
            })
            .then(() => 'signalled', (err: unknown) => `error:${String(err)}`),
        ),
      );
    };
    const signalLedgerIds = Array.from({ length: plan.peers }, (_, i) => signalLedgerFloorId(i + 1));
    const signalWithStartWithLedger = await signalsWithLedger(signalLedgerIds, false);
    const signalLedgerRefIds = Array.from({ length: plan.peers }, (_, i) => signalLedgerRefFloorId(i + 1));
    const signalWithStartWithLedgerByReference = await signalsWithLedger(signalLedgerRefIds, true);
    for (const workflowId of [floorId(0), ...ids, ...ledgerIds, ...signalLedgerIds, ...signalLedgerRefIds]) await client.workflow.getHandle(workflowId).terminate('benchmark done');
    return { sequential, parallel, signalWithStart, pacedSignal, parallelWithLedger, signalWithStartWithLedger, signalWithStartWithLedgerByReference };
  } finally {
    await connection.close();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    await logged;
  }
}
