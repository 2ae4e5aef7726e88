/**
 * One per channel (`lorene-gate/<channel>`): records inbound messages that are not triggers in `seen_messages`,
 * protected peer or not, so the ledger sees every message on the channel without waking (or creating) a gate
 * workflow per peer. Signals queue rows; the loop writes them in batches and continues as new when long.
 */
import { allHandlersFinished, condition, continueAsNew, log, patched, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { seenMessagesSignal, type SeenLedgerWorkflowArgs, type SeenMessagesEvent } from './contract.ts';
import { MAX_OPS_PER_BATCH, tryWriteLedgerBatch, writeLedgerBatch } from './ledger-flush.ts';
import { boundWaiting, describeSeenLedger, nextFailure } from './seen-backoff.ts';
import type { SeenOp } from './ledger-ops.ts';
import { gatewayIdOf, gatewayIdProblem, sameLedger, type LedgerTarget } from '../shared/ledger-target.ts';
import { DEFAULT_MAX_HISTORY_EVENTS } from './workflow.ts';

function isSeenEvent(value: unknown): value is SeenMessagesEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Partial<SeenMessagesEvent>;
  return typeof e.dbPath === 'string' && e.dbPath.startsWith('/') && gatewayIdProblem(e.gatewayId) === null && Array.isArray(e.rows) && e.rows.every((r) => r?.op === 'seen');
}

/** Takes the leading events that share the first one's ledger file (and host), up to one batch of rows. */
function nextBatch(pending: readonly SeenMessagesEvent[]): { target: LedgerTarget; rows: SeenOp[]; events: number } {
  const first = pending[0];
  const target: LedgerTarget = first === undefined ? { dbPath: '' } : { dbPath: first.dbPath, ...gatewayIdOf(first) };
  const rows: SeenOp[] = [];
  let events = 0;
  for (const event of pending) {
    if (!sameLedger(event, target) || (events > 0 && rows.length + event.rows.length > MAX_OPS_PER_BATCH)) break;
    rows.push(...event.rows);
    events += 1;
  }
  return { target, rows, events };
}

export async function gateSeenLedgerWorkflow(args: SeenLedgerWorkflowArgs): Promise<void> {
  let pending: SeenMessagesEvent[] = args.pending ?? [];
  let recorded = 0;
  const maxHistoryEvents = args.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  setHandler(seenMessagesSignal, (event) => {
    if (isSeenEvent(event)) pending.push(event);
    else log.warn('ignored a malformed seen-messages signal', { workflowId: workflowInfo().workflowId });
  });
  const shouldContinueAsNew = (): boolean =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxHistoryEvents;

  // Runs recorded before bounded writes retry each write forever; since, a write that keeps failing waits and is
  // tried again later, so signals, the bound on waiting rows and continue-as-new go on.
  if (patched('seen-ledger-bounded-writes')) {
    let failure = args.failure ?? null;
    let dropped = args.dropped ?? 0;
    for (;;) {
      setCurrentDetails(describeSeenLedger(args.channel, recorded, pending.reduce((n, e) => n + e.rows.length, 0), failure, dropped));
      if (failure === null) await condition(() => pending.length > 0 || shouldContinueAsNew());
      else await condition(shouldContinueAsNew, Math.max(1, failure.retryAt - Date.now()));
      if (pending.length > 0 && (failure === null || Date.now() >= failure.retryAt)) {
        const batch = nextBatch(pending);
        const written = await tryWriteLedgerBatch(batch.target, batch.rows);
        if (written.outcome === 'failed') failure = nextFailure(failure, written.error, Date.now());
        else {
          pending = pending.slice(batch.events);
          recorded += written.outcome === 'written' ? batch.rows.length : 0;
          dropped += written.outcome === 'written' ? 0 : batch.rows.length;
          failure = null;
        }
      }
      const bounded = boundWaiting(pending);
      pending = bounded.pending;
      dropped += bounded.dropped;
      if (shouldContinueAsNew()) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof gateSeenLedgerWorkflow>({ channel: args.channel, pending, maxHistoryEvents, failure, dropped });
      }
    }
  }

  for (;;) {
    setCurrentDetails(`channel ${args.channel}: ${recorded} inbound message(s) recorded by this run, ${pending.length} waiting`);
    await condition(() => pending.length > 0 || shouldContinueAsNew());
    if (pending.length > 0) {
      const batch = nextBatch(pending);
      await writeLedgerBatch(batch.target.dbPath, batch.rows);
      pending = pending.slice(batch.events);
      recorded += batch.rows.length;
    }
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof gateSeenLedgerWorkflow>({ channel: args.channel, pending, maxHistoryEvents });
    }
  }
}
