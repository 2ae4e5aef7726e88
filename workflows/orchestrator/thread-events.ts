/**
 * The thread workflow's state and reducers: the pure rules (tool-policy, spawn-result, lifecycle) applied to
 * the thread, plus what only the workflow needs — dropping duplicate events, the newest config, the bounds that
 * keep the state small across continue-as-new (thread-bounds.ts), and the final summary once the thread ends.
 * The workflow is a thin loop around these functions; unit tests check them without Temporal.
 */
import type { OrchestratorConfig } from './config.ts';
import type {
  SessionEndSignal,
  SpawnResultSignal,
  SubagentActivitySignal,
  SubagentEndedSignal,
  ToolCallOutcome,
  ToolCallRequest,
} from './contract.ts';
import { applySessionEnd, applySubagentEnded, touchWorker, type RetryCandidate } from './lifecycle.ts';
import type { PolicyNote } from './notes.ts';
import { observePromptMessages } from './prompt.ts';
import { applySpawnResult } from './spawn-result.ts';
import type { SpawnFieldReading } from './spawn-policy.ts';
import { boundThread } from './thread-bounds.ts';
import { emptyThreadState, sessionKindIn, spawnKey, type ThreadState } from './thread-state.ts';
import { threadResult, type ThreadEndReason, type ThreadResult } from './thread-summary.ts';
import { decideToolCall } from './tool-policy.ts';

export { boundThread, MAX_TRACKED_WORKERS, PENDING_SPAWN_TTL_MS } from './thread-bounds.ts';

/** How many event ids a thread remembers to drop a redelivered signal. */
export const EVENT_ID_WINDOW = 256;

/** Everything a thread workflow carries, one plain JSON value (what continue-as-new passes on). */
export interface ThreadWorkflowState {
  readonly thread: ThreadState;
  /** The config of the newest tool call (the start config until then). */
  readonly config: OrchestratorConfig;
  /** Recent signal event ids, newest last, at most {@link EVENT_ID_WINDOW}. */
  readonly recentEventIds: readonly string[];
  /** Set when the thread ended: the workflow then finishes with it as its result. */
  readonly result: ThreadResult | null;
}

/** What a signal did: nothing (a duplicate, or the thread is over), or a change and maybe a retry candidate. */
export interface SignalEffect {
  readonly applied: boolean;
  /** A failed worker that qualifies for a retry (delivered by the subagent-task workflow, not here). */
  readonly retry?: RetryCandidate;
}

/** A reducer's result: the next state, its answer, and log notes for the caller to log. */
export interface Applied<T> {
  readonly state: ThreadWorkflowState;
  readonly result: T;
  readonly notes: readonly PolicyNote[];
}

/** A thread that has seen nothing yet. */
export function initialWorkflowState(frontKey: string, config: OrchestratorConfig): ThreadWorkflowState {
  return { thread: emptyThreadState(frontKey), config, recentEventIds: [], result: null };
}

/** The state with `eventId` remembered, or null when it was seen already or the thread is over. */
function firstSighting(state: ThreadWorkflowState, eventId: string): ThreadWorkflowState | null {
  if (state.result !== null || state.recentEventIds.includes(eventId)) return null;
  return { ...state, recentEventIds: [...state.recentEventIds, eventId].slice(-EVENT_ID_WINDOW) };
}

const unchanged = (state: ThreadWorkflowState): Applied<SignalEffect> => ({ state, result: { applied: false }, notes: [] });

/**
 * A tool call of a session of the thread (§1.4). The caller's latest user message, when sent, is remembered
 * first, so a spawn without a task falls back to it.
 */
export function applyToolCall(state: ThreadWorkflowState, request: ToolCallRequest, now: number, reading: SpawnFieldReading = 'exact'): Applied<ToolCallOutcome> {
  const { call, config } = request;
  const observed =
    request.lastUserMessage === undefined
      ? state.thread
      : observePromptMessages(state.thread, call.sessionKey, [{ role: 'user', content: request.lastUserMessage }]);
  const kind = sessionKindIn(observed, call.sessionKey);
  const decided = decideToolCall(observed, call, config, now, reading);
  const key = spawnKey(call.runId, call.toolCallId, call.sessionKey);
  const recorded = decided.state.pendingSpawns[key];
  const thread = boundThread(decided.state, now);
  return {
    state: { ...state, thread, config },
    result: {
      decision: decided.decision,
      kind,
      orchestratorKey: thread.orchestratorKey ?? null,
      spawnKind: recorded !== undefined && recorded !== observed.pendingSpawns[key] ? recorded.kind : null,
    },
    notes: decided.notes,
  };
}

/** `after_tool_call` of a spawn (§1.5): bind the orchestrator or register a worker. */
export function applySpawnResultSignal(state: ThreadWorkflowState, signal: SpawnResultSignal, now: number): Applied<SignalEffect> {
  const fresh = firstSighting(state, signal.eventId);
  if (fresh === null) return unchanged(state);
  const receipt = signal.accepted
    ? { status: 'accepted', ...(signal.childSessionKey === undefined ? {} : { childSessionKey: signal.childSessionKey }) }
    : { status: 'rejected' };
  const event = { sessionKey: signal.sessionKey, runId: signal.runId, toolCallId: signal.toolCallId, result: receipt };
  const applied = applySpawnResult(fresh.thread, event, now);
  return { state: { ...fresh, thread: boundThread(applied.state, now) }, result: { applied: true }, notes: applied.notes };
}

/** `subagent_spawned` / `subagent_delivery_target` (§1.6): touch a tracked worker of the orchestrator. */
export function applySubagentActivity(state: ThreadWorkflowState, signal: SubagentActivitySignal, now: number): Applied<SignalEffect> {
  const fresh = firstSighting(state, signal.eventId);
  if (fresh === null) return unchanged(state);
  const thread = touchWorker(fresh.thread, signal.requesterSessionKey, signal.childSessionKey, now);
  return { state: { ...fresh, thread }, result: { applied: true }, notes: [] };
}

function ended(state: ThreadWorkflowState, before: ThreadState, after: ThreadState, endedBy: ThreadEndReason | null): ThreadWorkflowState {
  return { ...state, thread: after, result: endedBy === null ? null : threadResult(before, endedBy) };
}

/** `subagent_ended` (§1.6): a worker's outcome; an ended orchestrator ends the thread. */
export function applySubagentEndedSignal(state: ThreadWorkflowState, signal: SubagentEndedSignal, now: number): Applied<SignalEffect> {
  const fresh = firstSighting(state, signal.eventId);
  if (fresh === null) return unchanged(state);
  const event = { targetSessionKey: signal.targetSessionKey, targetKind: signal.targetKind, ...(signal.outcome === undefined ? {} : { outcome: signal.outcome }) };
  const result = applySubagentEnded(fresh.thread, event, fresh.config, now);
  const next = ended(fresh, fresh.thread, result.state, result.orchestratorEnded ? 'orchestrator-ended' : null);
  return { state: next, result: { applied: true, ...(result.retry === undefined ? {} : { retry: result.retry }) }, notes: result.notes };
}

/** `session_end` (§1.6): forget the session; the front's or the orchestrator's end ends the thread. */
export function applySessionEndSignal(state: ThreadWorkflowState, signal: SessionEndSignal): Applied<SignalEffect> {
  const fresh = firstSighting(state, signal.eventId);
  if (fresh === null) return unchanged(state);
  const result = applySessionEnd(fresh.thread, signal.sessionKey);
  const endedBy = result.threadEnded ? 'front-session-ended' : result.orchestratorEnded ? 'orchestrator-session-ended' : null;
  return { state: ended(fresh, fresh.thread, result.state, endedBy), result: { applied: true }, notes: [] };
}
