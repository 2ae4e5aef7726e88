/**
 * Subagent and session lifecycle (SEED-BEHAVIOUR §1.6). These functions only update the thread and say
 * whether a failed worker qualifies for a retry; the retry budget and the delivery of the retry event belong
 * to the `subagent-task/<taskKey>` workflow (DESIGN §2), which must deliver each retry exactly once.
 */
import type { OrchestratorConfig } from './config.ts';
import { sha256Hex } from '../shared/sha256.ts';
import { note, NoteCode, type PolicyNote } from './notes.ts';
import {
  emptyThreadState,
  unbindOrchestrator,
  withoutEntries,
  type SpawnSpec,
  type ThreadState,
} from './thread-state.ts';

/**
 * The stable key of a worker task across respawns: sha256 of requester key, agentId, label and trimmed task,
 * joined by newlines (absent parts as empty strings). A respawn with the same spec shares the retry budget.
 */
export function retryTaskKey(requester: string, spec: SpawnSpec): string {
  return sha256Hex([requester, spec.agentId ?? '', spec.label ?? '', spec.task.trim()].join('\n'));
}

/**
 * `subagent_spawned` / `subagent_delivery_target`: when the requester is the bound orchestrator and the child
 * is one of its tracked workers, touch the worker's updated time (it moves up in the status snapshot).
 */
export function touchWorker(state: ThreadState, requesterSessionKey: string | undefined, childSessionKey: string, now: number): ThreadState {
  const worker = state.workers[childSessionKey];
  if (requesterSessionKey === undefined || requesterSessionKey !== state.orchestratorKey) return state;
  if (worker === undefined || worker.requester !== requesterSessionKey) return state;
  return { ...state, workers: { ...state.workers, [childSessionKey]: { ...worker, updatedAt: now } } };
}

/** The parts of `subagent_ended` the rules read. */
export interface SubagentEndedEvent {
  readonly targetSessionKey: string;
  readonly targetKind: string;
  readonly outcome?: string;
}

/** A failed worker that qualifies for a retry; the task workflow checks the budget and delivers. */
export interface RetryCandidate {
  readonly taskKey: string;
  readonly requester: string;
  readonly childKey: string;
  readonly outcome: string;
  readonly spec: SpawnSpec;
}

/** The thread after `subagent_ended`, whether it was the orchestrator, and a retry candidate if any. */
export interface SubagentEndedResult {
  readonly state: ThreadState;
  readonly orchestratorEnded: boolean;
  readonly retry?: RetryCandidate;
  readonly notes: readonly PolicyNote[];
}

/**
 * `subagent_ended`, for `targetKind = "subagent"` only: the worker's status becomes the lowercased outcome
 * (`unknown` if absent); an ended orchestrator is unbound and its workers dropped. A retry candidate is
 * returned when `autoRetryFailedSubagents` is on, the child came from a worker spawn, and the outcome is one of
 * `retryOutcomes`.
 */
export function applySubagentEnded(state: ThreadState, event: SubagentEndedEvent, config: OrchestratorConfig, now: number): SubagentEndedResult {
  if (event.targetKind !== 'subagent') return { state, orchestratorEnded: false, notes: [] };
  const childKey = event.targetSessionKey;
  const status = event.outcome?.trim().toLowerCase() || 'unknown';
  const worker = state.workers[childKey];
  let next = state;
  if (worker !== undefined) {
    next = { ...next, workers: { ...next.workers, [childKey]: { ...worker, status, outcome: status, updatedAt: now } } };
  }
  const orchestratorEnded = childKey === state.orchestratorKey;
  const notes: PolicyNote[] = [];
  if (orchestratorEnded) {
    next = unbindOrchestrator(next);
    notes.push(note('info', NoteCode.OrchestratorEnded, 'hidden orchestrator ended; unbound', { childKey, outcome: status }));
  }
  const retryable = config.autoRetryFailedSubagents && worker !== undefined && config.retryOutcomes.includes(status);
  if (!retryable) return { state: next, orchestratorEnded, notes };
  const retry: RetryCandidate = { taskKey: retryTaskKey(worker.requester, worker.spec), requester: worker.requester, childKey, outcome: status, spec: worker.spec };
  return { state: next, orchestratorEnded, retry, notes };
}

/** The thread after `session_end`, and which role of the thread ended with the session. */
export interface SessionEndResult {
  readonly state: ThreadState;
  /** The front session ended: the thread is over, its state was reset. */
  readonly threadEnded: boolean;
  /** The bound orchestrator's session ended: it was unbound and its workers dropped. */
  readonly orchestratorEnded: boolean;
}

/**
 * `session_end`: forget everything keyed by the session, as front (the whole thread), as orchestrator
 * (binding and workers), as worker (its record and the workers it spawned), and its remembered message,
 * pending spawns and blocked-attempt counters.
 */
export function applySessionEnd(state: ThreadState, sessionKey: string): SessionEndResult {
  if (sessionKey === state.frontKey) {
    return { state: emptyThreadState(state.frontKey), threadEnded: true, orchestratorEnded: state.orchestratorKey !== undefined };
  }
  const orchestratorEnded = sessionKey === state.orchestratorKey;
  const unbound = orchestratorEnded ? unbindOrchestrator(state) : state;
  return {
    state: {
      ...unbound,
      workers: withoutEntries(unbound.workers, (key, w) => key === sessionKey || w.requester === sessionKey),
      pendingSpawns: withoutEntries(unbound.pendingSpawns, (_key, p) => p.requester === sessionKey),
      blockedAttempts: withoutEntries(unbound.blockedAttempts, (_key, c) => c.sessionKey === sessionKey),
      lastUserMessages: withoutEntries(unbound.lastUserMessages, (key) => key === sessionKey),
    },
    threadEnded: false,
    orchestratorEnded,
  };
}
