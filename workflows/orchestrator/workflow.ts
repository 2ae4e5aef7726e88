/**
 * One thread per front-controller session that spawned a hidden orchestrator (`orchestrator/<frontKey>`):
 * it owns the front ↔ orchestrator binding, pending spawns, workers, blocked-attempt counters and the last
 * delegated task. Tool calls that may change the thread arrive as updates, gateway facts as signals; the
 * thread ends with a final summary when its front session or its orchestrator ends, and continues as new
 * before its history grows large.
 */
import { ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, patched, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { OPENCLAW_FRONT_SESSION, OPENCLAW_ORCHESTRATOR_SESSION, OPENCLAW_PLUGIN } from '../shared/search-attributes.ts';
import {
  INVALID_REQUEST_FAILURE,
  ORCHESTRATOR_PLUGIN_ID,
  THREAD_ENDED_FAILURE,
  orchestratorSessionEndSignal,
  orchestratorSpawnResultSignal,
  orchestratorSubagentActivitySignal,
  orchestratorSubagentEndedSignal,
  orchestratorDecideQuery,
  orchestratorThreadQuery,
  orchestratorToolCallUpdate,
  type ThreadWorkflowArgs,
} from './contract.ts';
import type { PolicyNote } from './notes.ts';
import {
  applySessionEndSignal,
  applySpawnResultSignal,
  applySubagentActivity,
  applySubagentEndedSignal,
  applyToolCall,
  initialWorkflowState,
  type Applied,
  type SignalEffect,
  type ThreadWorkflowState,
} from './thread-events.ts';
import { deliverTaskMessage } from './task-delivery.ts';
import { endedMessages, requesterEndedMessages, retryConfigOf, spawnedMessages, type TaskMessage } from './task-routing.ts';
import type { ThreadState } from './thread-state.ts';
import { describeThread, type ThreadResult } from './thread-summary.ts';
import { sessionEndProblem, spawnResultProblem, subagentActivityProblem, subagentEndedProblem, toolCallRequestProblem } from './validate.ts';

/** @default history events before continue-as-new */
export const DEFAULT_MAX_HISTORY_EVENTS = 2000;

/** The thread workflow; returns its final summary when the thread ends (continue-as-new carries the rest). */
export async function orchestratorThreadWorkflow(args: ThreadWorkflowArgs): Promise<ThreadResult> {
  let state: ThreadWorkflowState = args.state ?? initialWorkflowState(args.frontKey, args.config);
  let dirty = false;
  const maxHistoryEvents = args.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  const { workflowId } = workflowInfo();

  const logNotes = (notes: readonly PolicyNote[]): void => {
    for (const n of notes) log[n.level](n.message, { workflowId, code: n.code, ...n.fields });
  };
  const commit = <T>(applied: Applied<T>): T => {
    state = applied.state;
    dirty = true;
    logNotes(applied.notes);
    return applied.result;
  };
  // Threads recorded before subagent retries existed replay without routing events to task workflows.
  const routeTasks = patched('subagent-task-routing');
  let taskChain: Promise<void> = Promise.resolve();
  /** Task messages go out one after another, in event order; the handler that caused them waits for them. */
  const toTasks = (messages: readonly TaskMessage[]): Promise<void> | undefined => {
    if (!routeTasks || messages.length === 0) return undefined;
    const config = retryConfigOf(state.config);
    for (const message of messages) taskChain = taskChain.then(() => deliverTaskMessage(message, config));
    return taskChain;
  };

  /** Signals cannot be refused: a malformed one is logged and dropped, never applied. */
  const onSignal = <S>(name: string, problemOf: (s: unknown) => string | null, apply: (s: S) => Applied<SignalEffect>, route?: (before: ThreadState, s: S) => TaskMessage[]) =>
    (signal: S): Promise<void> | undefined => {
      const problem = problemOf(signal);
      if (problem !== null) {
        log.warn('ignored a malformed signal', { workflowId, signal: name, problem });
        return undefined;
      }
      const before = state.thread;
      const { applied, retry } = commit(apply(signal));
      if (retry !== undefined) {
        log.info('failed worker qualifies for a retry', { workflowId, taskKey: retry.taskKey, childKey: retry.childKey, outcome: retry.outcome });
      }
      const messages = applied && route !== undefined ? route(before, signal) : [];
      if (applied && state.result !== null) messages.push(...requesterEndedMessages(before, null, true));
      return toTasks(messages);
    };

  setHandler(orchestratorThreadQuery, () => state.thread);
  // Threads recorded before spawn fields were trimmed as the original trims them replay with the fields as given,
  // so the task keys (and subagent-task workflow ids) they computed stay the same.
  const spawnFields = patched('orchestrator-trimmed-spawn-fields') ? 'exact' : 'legacy';
  setHandler(orchestratorToolCallUpdate, (request) => commit(applyToolCall(state, request, Date.now(), spawnFields)), {
    validator: (request) => {
      const problem = toolCallRequestProblem(request);
      if (problem !== null) throw ApplicationFailure.nonRetryable(problem, INVALID_REQUEST_FAILURE);
      if (state.result !== null) throw ApplicationFailure.nonRetryable('the thread has ended; start a new one', THREAD_ENDED_FAILURE);
    },
  });
  // A read-only decision: the update's rule on the current state, whose new state is discarded.
  setHandler(orchestratorDecideQuery, (request) => {
    const problem = toolCallRequestProblem(request);
    if (problem !== null) throw ApplicationFailure.nonRetryable(problem, INVALID_REQUEST_FAILURE);
    return applyToolCall(state, request, Date.now(), spawnFields).result;
  });
  setHandler(orchestratorSpawnResultSignal, onSignal('spawn-result', spawnResultProblem, (s) => applySpawnResultSignal(state, s, Date.now()), (before) => spawnedMessages(before, state.thread)));
  setHandler(orchestratorSubagentActivitySignal, onSignal('subagent-activity', subagentActivityProblem, (s) => applySubagentActivity(state, s, Date.now())));
  setHandler(orchestratorSubagentEndedSignal, onSignal('subagent-ended', subagentEndedProblem, (s) => applySubagentEndedSignal(state, s, Date.now()), (before, s) => endedMessages(before, s)));
  setHandler(orchestratorSessionEndSignal, onSignal('session-end', sessionEndProblem, (s) => applySessionEndSignal(state, s), (before, s) => requesterEndedMessages(before, s.sessionKey, false)));

  const attributes = workflowInfo().typedSearchAttributes;
  if (attributes.get(OPENCLAW_PLUGIN) === undefined) {
    // Started without the bridge's attributes (by hand or by a test): make the thread findable anyway.
    upsertSearchAttributes([
      { key: OPENCLAW_PLUGIN, value: ORCHESTRATOR_PLUGIN_ID },
      { key: OPENCLAW_FRONT_SESSION, value: state.thread.frontKey },
    ]);
  }
  let shownOrchestrator: string | null = attributes.get(OPENCLAW_ORCHESTRATOR_SESSION) ?? null;
  const showStatus = (): void => {
    setCurrentDetails(state.result === null ? describeThread(state.thread) : `ended — ${state.result.summary}`);
    const orchestrator = state.thread.orchestratorKey ?? null;
    if (state.result === null && orchestrator !== shownOrchestrator) {
      upsertSearchAttributes([{ key: OPENCLAW_ORCHESTRATOR_SESSION, value: orchestrator }]);
      shownOrchestrator = orchestrator;
    }
  };

  const shouldContinueAsNew = (): boolean =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= maxHistoryEvents;

  for (;;) {
    showStatus();
    await condition(() => dirty || state.result !== null || shouldContinueAsNew());
    dirty = false;
    // One step per turn: the end, else the continue-as-new check (handlers already applied every event).
    const result = state.result;
    if (result !== null) {
      showStatus();
      await condition(allHandlersFinished);
      log.info('thread ended', { workflowId, endedBy: result.endedBy, workers: result.workers });
      return result;
    }
    if (shouldContinueAsNew()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof orchestratorThreadWorkflow>({ frontKey: state.thread.frontKey, config: state.config, state, maxHistoryEvents });
    }
  }
}
