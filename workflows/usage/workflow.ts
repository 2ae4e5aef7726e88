/**
 * One usage ledger per agent (`usage-ledger/<agent or default>`): a long-lived entity workflow. The bridge delivers
 * batches of usage records, each with its stable event id, as updates; the workflow drops repeats within a window
 * and writes the rest to the SQLite ledger through an activity on the ledger task queue, one batch per loop turn,
 * and continues as new before its history grows large. While its backlog is full, the update validator refuses new
 * batches (they wait in the gateway's outbox), so the history stays bounded whatever the traffic. Nothing waiting
 * is lost across continue-as-new.
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { ledgerQueueOf } from '../shared/ledger-queue.ts';
import { OPENCLAW_PLUGIN } from '../shared/search-attributes.ts';
import {
  INVALID_USAGE_RECORDS,
  USAGE_LEDGER_BUSY,
  USAGE_LEDGER_PLUGIN_ID,
  usageLedgerBatchQuery,
  usageLedgerStateQuery,
  usageRecordsUpdate,
  type UsageLedgerActivities,
  type UsageLedgerWorkflowArgs,
} from './contract.ts';
import { batchWritten, eventProblem, nextBatch, receiveRecords } from './decide.ts';
import { backlogProblem, pendingChars, pendingCount } from './backlog.ts';
import { describeUsageLedger } from './describe.ts';
import { createLedgerHandoff } from '../shared/ledger-handoff.ts';
import { MAX_CARRIED_CHARS, initialUsageLedgerState, type UsageLedgerState } from './state.ts';

/** @default history events before continue-as-new */
export const DEFAULT_MAX_HISTORY_EVENTS = 2000;
/** @default history bytes before continue-as-new: signals carry raw payloads, so size can come before count */
export const DEFAULT_MAX_HISTORY_BYTES = 4 * 1024 * 1024;

/**
 * Ledger writes are retried until they succeed (a busy disk or a stopped ledger worker delays rows, never drops
 * them). `appendUsage` skips a malformed record itself, so no batch is ever rejected as a whole.
 */
const ledgerOn = (taskQueue: string) =>
  proxyActivities<UsageLedgerActivities>({
    taskQueue,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  });

export async function usageLedgerWorkflow(args: UsageLedgerWorkflowArgs): Promise<void> {
  let state: UsageLedgerState = args.state ?? initialUsageLedgerState(args.ledgerId);
  const maxHistoryEvents = args.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const maxHistoryBytes = args.maxHistoryBytes ?? DEFAULT_MAX_HISTORY_BYTES;
  const workflowId = workflowInfo().workflowId;

  const shouldContinueAsNew = (): boolean => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength >= maxHistoryEvents || info.historySize >= maxHistoryBytes;
  };

  setHandler(usageLedgerStateQuery, () => state);
  setHandler(
    usageRecordsUpdate,
    (event) => {
      const received = receiveRecords(state, event);
      state = received.state;
      if (received.malformed > 0) log.warn('ignored malformed usage records', { workflowId, malformed: received.malformed });
      if (received.duplicates > 0) log.info('duplicate usage records dropped', { workflowId, duplicates: received.duplicates });
      return { accepted: received.accepted, duplicates: received.duplicates, malformed: received.malformed };
    },
    {
      validator: (event) => {
        const malformed = eventProblem(event);
        if (malformed !== null) throw ApplicationFailure.nonRetryable(malformed, INVALID_USAGE_RECORDS);
        // Once continue-as-new is due nothing new is taken: the backlog can then only shrink to what the next run
        // carries, however steady the traffic (otherwise the run could grow to the server's history limit and be
        // terminated with records still waiting in it).
        const busy = shouldContinueAsNew() ? 'continuing as new' : backlogProblem(state);
        if (busy !== null) throw ApplicationFailure.retryable(`${USAGE_LEDGER_BUSY}: ${busy}, retry later`, USAGE_LEDGER_BUSY);
      },
    },
  );

  // A workflow started without the attribute (by hand, or by an older bridge) still shows up under its plugin.
  if (workflowInfo().typedSearchAttributes.get(OPENCLAW_PLUGIN) === undefined) {
    upsertSearchAttributes([{ key: OPENCLAW_PLUGIN, value: USAGE_LEDGER_PLUGIN_ID }]);
  }

  // Privacy (issue 18): since this patch the activity reads the records by query, so a record's raw JSON (prompt
  // and answer) is recorded once, in the update that brought it, not again in the activity's input.
  const handoff = patched('usage-ledger-by-reference') ? createLedgerHandoff(usageLedgerBatchQuery) : undefined;

  const writeOneBatch = async (): Promise<void> => {
    const batch = nextBatch(state);
    if (batch === null) return;
    // On the ledger queue of the batch's host (shared/ledger-queue.ts); the fixed queue when it names none.
    const ledger = ledgerOn(ledgerQueueOf(batch));
    const { inserted } = handoff === undefined ? await ledger.appendUsage(batch) : await handoff.lend(batch.dbPath, batch.records, (ref) => ledger.appendUsage(ref));
    state = batchWritten(state, batch, inserted, Date.now());
  };

  for (;;) {
    setCurrentDetails(describeUsageLedger(state));
    await condition(() => pendingCount(state) > 0 || shouldContinueAsNew());
    // One batch per turn, then the continue-as-new check: under steady traffic the queue is never empty.
    await writeOneBatch();
    if (shouldContinueAsNew()) {
      // Records that arrived meanwhile travel in the state, bounded so the new run's input stays small.
      while (pendingChars(state) > MAX_CARRIED_CHARS) await writeOneBatch();
      await condition(allHandlersFinished);
      await continueAsNew<typeof usageLedgerWorkflow>({ ledgerId: state.ledgerId, state, maxHistoryEvents, maxHistoryBytes });
    }
  }
}
