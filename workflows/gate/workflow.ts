/**
 * One gate per protected peer (`lorene-gate/<channel>/<peer>`): a long-lived entity workflow. Triggers arrive as
 * signals, outbound decisions as updates; a durable timer disarms the arm at expiry and marks unanswered requests
 * `missed`. Ledger rows are written by an activity on the ledger task queue, after the decision, in order, by a
 * writer that never holds back decisions or timers (ledger-pump.ts); writes that keep failing are dead-lettered.
 */
import { allHandlersFinished, condition, continueAsNew, patched, log, setHandler, workflowInfo } from '@temporalio/workflow';
import { ABANDONED_DECISION, applyAbandon, isAbandoned, noteDelivered } from './abandon.ts';
import { gateAbandonSignal, gateOutboundUpdate, gateReplayDeadLettersUpdate, gateStateQuery, gateTriggerSignal, type GateOutboundDecision, type GateOutboundRequest, type GateWorkflowArgs } from './contract.ts';
import { applyTrigger, decideOutbound, type Decided } from './decide.ts';
import { expireDue, nextDeadline } from './expiry.ts';
import { MAX_OPS_PER_BATCH, writeLedgerBatch } from './ledger-flush.ts';
import { createDeadlineTimer } from './deadline-timer.ts';
import { createLedgerPump } from './ledger-pump.ts';
import { createLedgerHandoff } from '../shared/ledger-handoff.ts';
import { gateLedgerBatchQuery } from './ledger-ops.ts';
import { initialGateState, type GateState } from './state.ts';
import { createStatusDisplay } from './status.ts';
import { checkOutboundRequest, validateAbandonEvent, validateTriggerEvent } from './validate.ts';

/** @default history events before continue-as-new */
export const DEFAULT_MAX_HISTORY_EVENTS = 2000;
/** How long ledger ops wait for company before they are written (the ledger lags by at most this). */
export const LEDGER_LINGER_MS = 500;
/**
 * How a busy ledger waits for company since `gate-ledger-busy-linger` (ledger-pump.ts): a gate decided again within
 * 1.5 s of each write has steady traffic, and its ledger lags by at most 6 s.
 */
export const LEDGER_BUSY_LINGER = { busyWithinMs: 1500, sendAfterMs: 4000, maxLagMs: 6000 } as const;

export async function gateWorkflow(args: GateWorkflowArgs): Promise<void> {
  let state: GateState = args.state ?? initialGateState(args.channel, args.peer);
  let wake = false;
  const maxHistoryEvents = args.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;

  /** After each change of the state: wake the main loop (replaced below since `gate-quiet-decisions`). */
  let changed = (): void => {
    wake = true;
  };
  const commit = <T>(decided: Decided<T>): T => {
    state = { ...decided.state, ledger: [...state.ledger, ...decided.ops] };
    changed();
    return decided.result;
  };

  setHandler(gateStateQuery, () => state);
  setHandler(gateTriggerSignal, (event) => {
    const problem = validateTriggerEvent(event);
    if (problem !== null) {
      log.warn('ignored a malformed trigger signal', { workflowId: workflowInfo().workflowId, problem });
      return;
    }
    // A trigger replayed from the bridge's outbox keeps its time (never later than ours): TTL and watchdog count from it.
    const now = Math.min(event.observedAt ?? Date.now(), Date.now());
    const { accepted } = commit(applyTrigger(state, event, now));
    if (!accepted) log.info('duplicate trigger ignored', { workflowId: workflowInfo().workflowId, messageId: event.messageId });
  });
  setHandler(gateAbandonSignal, (event) => {
    const problem = validateAbandonEvent(event);
    if (problem !== null) {
      log.warn('ignored a malformed abandon signal', { workflowId: workflowInfo().workflowId, problem });
      return;
    }
    const { restored, duplicate } = commit(applyAbandon(state, event, Date.now()));
    if (!duplicate) log.info('decision abandoned by the gateway recorded', { workflowId: workflowInfo().workflowId, decisionId: event.decisionId, restored });
  });
  const decide = (request: GateOutboundRequest): GateOutboundDecision => {
    if (isAbandoned(state, request.decisionId)) return ABANDONED_DECISION; // the bridge cancelled it already
    const before = state;
    const decision = commit(decideOutbound(state, request, Date.now()));
    state = noteDelivered(before, state, request, decision);
    return decision;
  };
  setHandler(gateOutboundUpdate, decide, { validator: (request) => checkOutboundRequest(request, Date.now()) });

  // Runs since `gate-fewer-commands`: one expiry timer re-armed only when it would fire late (deadline-timer.ts),
  // the state search attribute carried over continue-as-new is not written again, and a ledger that was idle
  // for the linger is written at once (no linger timer for a lone decision).
  const fewerCommands = patched('gate-fewer-commands');
  const showStatus = createStatusDisplay(fewerCommands);

  // Runs recorded before ledger batching replay without it (test/histories/gate-*.json).
  const batchLedgerWrites = patched('gate-ledger-linger');

  const shouldContinueAsNew = (): boolean =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxHistoryEvents;

  // Runs recorded before the dead-letter queue await each ledger write in this loop (retried forever); since,
  // a writer beside the loop does it, so a ledger that keeps failing never holds back timers or continue-as-new.
  if (patched('gate-ledger-dead-letters')) {
    const pump = createLedgerPump({
      read: () => state,
      write: (next) => {
        state = next;
        changed();
      },
      shouldContinueAsNew,
      lingerMs: LEDGER_LINGER_MS,
      writeAtOnceWhenIdle: fewerCommands,
      // A gate decided every second or so (one of many peers) no longer pays an activity per decision.
      busyLinger: patched('gate-ledger-busy-linger') ? LEDGER_BUSY_LINGER : undefined,
      // Privacy (issue 18): since this patch the ledger activity reads its ops by query, so a trigger's text and a
      // reply's content are recorded once, in the signal or update that brought them, not again in its input.
      handoff: patched('gate-ledger-by-reference') ? createLedgerHandoff(gateLedgerBatchQuery) : undefined,
    });
    setHandler(gateReplayDeadLettersUpdate, () => pump.replay());
    const mayContinueAsNew = () => shouldContinueAsNew() && pump.idle() && allHandlersFinished();
    const timer = fewerCommands ? createDeadlineTimer(() => (wake = true)) : null;
    if (timer !== null && patched('gate-quiet-decisions')) {
      // A decision, trigger or ledger write wakes the main loop only when the running timer would miss the next
      // deadline; otherwise the handler shows the new state itself (details, and the armed/idle search attribute).
      // A loop turn costs a new `condition`, and this SDK captures a source-mapped stack trace for every promise a
      // workflow creates (sdk-typescript#1587): a third of the workflow thread's time at 50 busy peers (README,
      // Performance). Continue-as-new is still checked after every activation.
      changed = () => {
        if (timer.covers(nextDeadline(state))) showStatus(state);
        else wake = true;
      };
    }
    const loop = async (): Promise<never> => {
      for (;;) {
        showStatus(state);
        const deadline = nextDeadline(state);
        const woken = () => wake || mayContinueAsNew();
        timer?.armBy(deadline);
        if (timer !== null || deadline === null) await condition(woken);
        else await condition(woken, Math.max(1, deadline - Date.now()));
        wake = false;
        commit(expireDue(state, Date.now()));
        wake = false;
        // Ops not yet written and the dead letters travel in the state; the next run writes them first.
        if (mayContinueAsNew()) await continueAsNew<typeof gateWorkflow>({ channel: state.channel, peer: state.peer, state, maxHistoryEvents });
      }
    };
    // Neither resolves: the run ends by continue-as-new (a rejection), and a failure in either fails it loudly.
    await Promise.all([pump.run(), loop()]);
    return;
  }

  for (;;) {
    showStatus(state);
    const deadline = nextDeadline(state);
    const woken = () => wake || state.ledger.length > 0 || shouldContinueAsNew();
    if (deadline === null) await condition(woken);
    else await condition(woken, Math.max(1, deadline - Date.now()));
    wake = false;
    commit(expireDue(state, Date.now()));
    wake = false;
    if (batchLedgerWrites && state.ledger.length > 0 && state.ledger.length < MAX_OPS_PER_BATCH && !shouldContinueAsNew()) {
      // Decisions arriving meanwhile join this write: one activity (and one workflow task) for many decisions
      // instead of one each. Decisions themselves never wait for it; only the ledger lags by the linger.
      await condition(() => state.ledger.length >= MAX_OPS_PER_BATCH || shouldContinueAsNew(), LEDGER_LINGER_MS);
    }
    // One batch per turn, then the continue-as-new check: under steady traffic the queue is never empty.
    if (state.ledger.length > 0 && state.config !== null) {
      const batch = state.ledger.slice(0, MAX_OPS_PER_BATCH);
      await writeLedgerBatch(state.config.dbPath, batch);
      state = { ...state, ledger: state.ledger.slice(batch.length) };
    }
    if (shouldContinueAsNew()) {
      // Ledger ops that arrived during the flush travel in the state; the next run writes them first.
      await condition(allHandlersFinished);
      await continueAsNew<typeof gateWorkflow>({ channel: state.channel, peer: state.peer, state, maxHistoryEvents });
    }
  }
}
