/**
 * One per channel (`lorene-gate/<channel>`): records inbound messages that are not triggers in `seen_messages`,
 * protected peer or not, so the ledger sees every message on the channel without waking (or creating) a gate
 * workflow per peer. Signals queue rows; the loop writes them in batches and continues as new when long.
 */
import { allHandlersFinished, condition, continueAsNew, log, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { seenMessagesSignal, type SeenLedgerWorkflowArgs, type SeenMessagesEvent } from './contract.ts';
import { MAX_OPS_PER_BATCH, writeLedgerBatch } from './ledger-flush.ts';
import type { SeenOp } from './ledger-ops.ts';
import { DEFAULT_MAX_HISTORY_EVENTS } from './workflow.ts';

function isSeenEvent(value: unknown): value is SeenMessagesEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Partial<SeenMessagesEvent>;
  return typeof e.dbPath === 'string' && e.dbPath.startsWith('/') && Array.isArray(e.rows) && e.rows.every((r) => r?.op === 'seen');
}

/** Takes the leading events that share the first one's ledger file, up to one batch of rows. */
function nextBatch(pending: readonly SeenMessagesEvent[]): { dbPath: string; rows: SeenOp[]; events: number } {
  const dbPath = pending[0]?.dbPath ?? '';
  const rows: SeenOp[] = [];
  let events = 0;
  for (const event of pending) {
    if (event.dbPath !== dbPath || (events > 0 && rows.length + event.rows.length > MAX_OPS_PER_BATCH)) break;
    rows.push(...event.rows);
    events += 1;
  }
  return { dbPath, rows, events };
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

  for (;;) {
    setCurrentDetails(`channel ${args.channel}: ${recorded} inbound message(s) recorded by this run, ${pending.length} waiting`);
    await condition(() => pending.length > 0 || shouldContinueAsNew());
    if (pending.length > 0) {
      const batch = nextBatch(pending);
      await writeLedgerBatch(batch.dbPath, batch.rows);
      pending = pending.slice(batch.events);
      recorded += batch.rows.length;
    }
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof gateSeenLedgerWorkflow>({ channel: args.channel, pending, maxHistoryEvents });
    }
  }
}
