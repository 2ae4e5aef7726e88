/**
 * The gate's ledger writer (runs since the `gate-ledger-dead-letters` patch): a loop beside the gate's main loop,
 * so decisions, expiry and watchdog timers never wait for the ledger. It writes queued ops in batches with a
 * bounded retry policy; a batch that still fails goes to the dead-letter queue (and later batches for the same
 * ledger queue behind it, keeping the order), and the `lorene-gate.replay-dead-letters` update writes them again.
 */
import { condition, log } from '@temporalio/workflow';
import type { ReplayDeadLettersResult } from './contract.ts';
import { addDeadLetter, deadLetterCount, isParked, withoutFirstDeadLetter, withReplayError } from './dead-letters.ts';
import { MAX_OPS_PER_BATCH, tryWriteLedgerBatch } from './ledger-flush.ts';
import type { LedgerHandoff } from '../shared/ledger-handoff.ts';
import { gatewayIdOf } from '../shared/ledger-target.ts';
import type { GateLedgerOp } from './ledger-ops.ts';
import type { GateState } from './state.ts';

/** How the pump reads and changes the workflow's state. */
export interface LedgerPumpIO {
  read(): GateState;
  /** Replaces the state (the workflow re-renders its details). */
  write(next: GateState): void;
  shouldContinueAsNew(): boolean;
  /** How long queued ops wait for company before they are written. */
  readonly lingerMs: number;
  /**
   * Ops queued after the ledger was idle for `lingerMs` are written at once (no linger timer): a lone decision
   * costs one activity, and only a busy ledger waits for company. Runs since the `gate-fewer-commands` patch.
   */
  readonly writeAtOnceWhenIdle?: boolean;
  /** How a busy ledger waits for company (runs since the `gate-ledger-busy-linger` patch); else `lingerMs`. */
  readonly busyLinger?: BusyLinger;
  /** Lends batches to the activity by reference (runs since the `gate-ledger-by-reference` patch); else inline. */
  readonly handoff?: LedgerHandoff<GateLedgerOp>;
}

/**
 * A gate decided every second or so (one of many peers) would otherwise pay one activity and one more workflow
 * task per decision. Ops queued on a ledger idle for `busyWithinMs` are written at once (a lone decision). Ops
 * queued sooner wait `lingerMs` for company the first time (a burst, e.g. a reply sent in parts); if the ledger is
 * still that busy after the write, it has steady traffic: ops then wait until the first decision arriving
 * `sendAfterMs` after the oldest waiting op takes them along (the wait's timer is cancelled in that decision's own
 * workflow task), or until `maxLagMs` when none follows. The rows are durable in the workflow state; only the
 * SQLite ledger lags.
 */
export interface BusyLinger {
  readonly busyWithinMs: number;
  readonly sendAfterMs: number;
  readonly maxLagMs: number;
}

/** A pump: {@link LedgerPump.run} is awaited beside the gate's main loop, so a failure in it fails the run loudly. */
export interface LedgerPump {
  /** The writer loop; it never returns (the run ends by continue-as-new from the main loop). */
  run(): Promise<never>;
  /** No activity in flight: the state holds every op not yet written, so continue-as-new may carry it. */
  idle(): boolean;
  /** Asks the pump to replay the dead-letter queue; resolves when the replay is done or stopped. */
  replay(): Promise<ReplayDeadLettersResult>;
}

/** Creates the pump; nothing happens until its `run()` is awaited. */
export function createLedgerPump(io: LedgerPumpIO): LedgerPump {
  let busy = false;
  let lastWriteEnd = Number.NEGATIVE_INFINITY;
  /** Writes in a row that each followed the one before within `busyLinger.busyWithinMs`. */
  let busyWrites = 0;
  const waiting: Array<(result: ReplayDeadLettersResult) => void> = [];
  const queued = () => io.read().ledger.length;

  async function replayAll(): Promise<ReplayDeadLettersResult> {
    let replayed = 0;
    for (;;) {
      const first = io.read().deadLetters?.[0];
      if (first === undefined) return { replayed, remaining: 0, error: null };
      const written = await tryWriteLedgerBatch(first, first.ops, io.handoff);
      if (written.outcome === 'failed') {
        io.write(withReplayError(io.read(), written.error));
        return { replayed, remaining: deadLetterCount(io.read()), error: written.error };
      }
      if (written.outcome === 'written') replayed += first.ops.length;
      io.write(withoutFirstDeadLetter(io.read(), written.outcome === 'written' ? 0 : first.ops.length));
    }
  }

  const full = () => queued() >= MAX_OPS_PER_BATCH || io.shouldContinueAsNew() || waiting.length > 0;

  /** Waits for decisions to join the queued ops: one activity for many decisions. Only the ledger lags. */
  async function linger(): Promise<void> {
    const policy = io.busyLinger;
    if (policy === undefined) {
      const idleLedger = io.writeAtOnceWhenIdle === true && Date.now() - lastWriteEnd >= io.lingerMs;
      if (queued() < MAX_OPS_PER_BATCH && !idleLedger) await condition(full, io.lingerMs);
      return;
    }
    if (Date.now() - lastWriteEnd >= policy.busyWithinMs) {
      busyWrites = 0;
      return;
    }
    busyWrites += 1;
    if (full()) return;
    if (busyWrites === 1) {
      await condition(full, io.lingerMs);
      return;
    }
    // Workflow time is the time of the current activation: a decision's own task sees its arrival time.
    const since = Date.now();
    await condition(() => full() || Date.now() - since >= policy.sendAfterMs, policy.maxLagMs);
  }

  async function flushOnce(): Promise<void> {
    await linger();
    const { config, ledger } = io.read();
    // About to continue as new: leave the ops to the next run, so the pump is idle and the main loop can go.
    if (config === null || ledger.length === 0 || io.shouldContinueAsNew()) return;
    const batch = ledger.slice(0, MAX_OPS_PER_BATCH);
    const dbPath = config.dbPath;
    const host = gatewayIdOf(config);
    if (isParked(io.read(), dbPath)) {
      const parked = { ...io.read(), ledger: io.read().ledger.slice(batch.length) };
      io.write(addDeadLetter(parked, { dbPath, ...host, ops: batch, error: 'queued behind an earlier failed write', failedAt: Date.now() }));
      return;
    }
    busy = true;
    const written = await tryWriteLedgerBatch({ dbPath, ...host }, batch, io.handoff).finally(() => {
      busy = false;
      lastWriteEnd = Date.now();
    });
    const rest = { ...io.read(), ledger: io.read().ledger.slice(batch.length) };
    io.write(written.outcome === 'failed' ? addDeadLetter(rest, { dbPath, ...host, ops: batch, error: written.error, failedAt: Date.now() }) : rest);
  }

  async function run(): Promise<never> {
    for (;;) {
      await condition(() => waiting.length > 0 || (queued() > 0 && io.read().config !== null && !io.shouldContinueAsNew()));
      if (waiting.length > 0) {
        busy = true;
        const result = await replayAll().finally(() => {
          busy = false;
        });
        log.info('gate ledger dead letters replayed', { ...result });
        for (const answer of waiting.splice(0)) answer(result);
      } else {
        await flushOnce();
      }
    }
  }

  return {
    run,
    idle: () => !busy,
    replay: () => new Promise((resolve) => waiting.push(resolve)),
  };
}
