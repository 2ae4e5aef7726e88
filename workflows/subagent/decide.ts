/**
 * The retry rules of one task (SEED-BEHAVIOUR §1.6) as pure functions: (state, event) → (state, effects).
 * The task workflow performs the effects: starting a retry child workflow, telling it about the respawn, and
 * (optionally) telling the requester that the budget is exhausted.
 */
import type { RetryBackoff, RetryConfig, SubagentRetryArgs, TaskEndedEvent, TaskSpawnedEvent } from './contract.ts';
import { exhaustedEventText } from './retry-text.ts';
import { TASK_DEDUPE_WINDOW, isFinished, type TaskState } from './state.ts';

export type TaskEffect =
  | { readonly kind: 'startRetry'; readonly args: SubagentRetryArgs }
  | { readonly kind: 'respawned'; readonly attempt: number; readonly childKey: string }
  | { readonly kind: 'notifyExhausted'; readonly text: string; readonly contextKey: string }
  | { readonly kind: 'warn'; readonly message: string };

export interface TaskDecided {
  readonly state: TaskState;
  readonly effects: readonly TaskEffect[];
}

/** Delay before retry `attempt` (1-based): initial × multiplier^(attempt−1), capped at max; 0 means at once. */
export function backoffMs(backoff: RetryBackoff, attempt: number): number {
  if (backoff.initialMs <= 0) return 0;
  return Math.min(backoff.maxMs, Math.round(backoff.initialMs * backoff.multiplier ** (attempt - 1)));
}

function seen(state: TaskState, eventId: string): boolean {
  return state.seenEventIds.includes(eventId);
}

function remember(state: TaskState, eventId: string, config: RetryConfig): TaskState {
  return { ...state, config, seenEventIds: [...state.seenEventIds, eventId].slice(-TASK_DEDUPE_WINDOW) };
}

/**
 * An accepted spawn of this task: a new attempt; if a retry was waiting for it, the retry is picked up. A task
 * that settled (succeeded, failed, exhausted, unanswered) is still known: the same task spawned again reopens it
 * with its retry count as it was — the original's count per task key never reset.
 */
export function applySpawned(state: TaskState, event: TaskSpawnedEvent, now: number): TaskDecided {
  if (seen(state, event.eventId) || state.status === 'ended' || state.attempts.some((a) => a.childKey === event.childKey)) {
    return { state, effects: [] };
  }
  if (isFinished(state)) {
    const reopened = { ...remember(state, event.eventId, event.config), status: 'running' as const, pendingRetry: null };
    const attempts = [...reopened.attempts, { childKey: event.childKey, spawnedAt: now, outcome: null, endedAt: null }];
    return { state: { ...reopened, attempts, lastEvent: `spawned again by ${event.childKey} after ${state.status}; retries used ${state.retriesUsed}` }, effects: [] };
  }
  const next = remember(state, event.eventId, event.config);
  const attempts = [...next.attempts, { childKey: event.childKey, spawnedAt: now, outcome: null, endedAt: null }];
  const pending = next.pendingRetry;
  if (pending === null) return { state: { ...next, attempts, lastEvent: `spawned ${event.childKey}` }, effects: [] };
  return {
    state: { ...next, attempts, status: 'running', pendingRetry: null, lastEvent: `retry ${pending.attempt} picked up by ${event.childKey}` },
    effects: [{ kind: 'respawned', attempt: pending.attempt, childKey: event.childKey }],
  };
}

/**
 * A child of this task ended. `ok` (or any outcome that is not retryable) ends the task; a retryable outcome
 * starts retry n while n ≤ maxRetriesPerTask, else the task is exhausted (warned, optionally told to the
 * requester). A duplicated event, or one for a child that is not this task's, changes nothing.
 */
export function applyEnded(state: TaskState, event: TaskEndedEvent, now: number): TaskDecided {
  const attempt = state.attempts.find((a) => a.childKey === event.childKey);
  if (seen(state, event.eventId) || isFinished(state) || attempt === undefined || attempt.outcome !== null) {
    return { state, effects: [] };
  }
  const config = event.config;
  const base = remember(state, event.eventId, config);
  const attempts = base.attempts.map((a) => (a.childKey === event.childKey ? { ...a, outcome: event.outcome, endedAt: now } : a));
  const ended: TaskState = { ...base, attempts, lastEvent: `${event.childKey} ended: ${event.outcome}` };
  if (event.outcome === 'ok') return { state: { ...ended, status: 'succeeded' }, effects: [] };
  if (!config.autoRetryFailedSubagents || !config.retryOutcomes.includes(event.outcome)) {
    return { state: { ...ended, status: 'failed' }, effects: [] };
  }
  if (ended.retriesUsed >= config.maxRetriesPerTask) {
    const message = `retry budget exhausted for task ${state.taskKey.slice(0, 12)}… (${config.maxRetriesPerTask}/${config.maxRetriesPerTask} used); last outcome ${event.outcome}`;
    const effects: TaskEffect[] = [{ kind: 'warn', message }];
    if (config.notifyRequesterOnExhausted) {
      const text = exhaustedEventText({ failedChildKey: event.childKey, outcome: event.outcome, maxRetries: config.maxRetriesPerTask, spec: state.spec });
      effects.push({ kind: 'notifyExhausted', text, contextKey: `orchestrator-retry:${state.taskKey}:exhausted` });
    }
    return { state: { ...ended, status: 'exhausted', lastEvent: message }, effects };
  }
  const n = ended.retriesUsed + 1;
  const args: SubagentRetryArgs = {
    taskKey: state.taskKey,
    requester: state.requester,
    attempt: n,
    maxRetries: config.maxRetriesPerTask,
    failedChildKey: event.childKey,
    outcome: event.outcome,
    spec: state.spec,
    backoffMs: backoffMs(config.backoff, n),
    pickupTimeoutMs: config.pickupTimeoutMs,
    gatewayTaskQueue: config.gatewayTaskQueue,
    ...(config.redelivery && { redelivery: config.redelivery }),
  };
  return {
    state: { ...ended, retriesUsed: n, status: 'retrying', pendingRetry: { attempt: n, failedChildKey: event.childKey, outcome: event.outcome }, lastEvent: `retry ${n}/${config.maxRetriesPerTask} after ${event.outcome}` },
    effects: [{ kind: 'startRetry', args }],
  };
}

/** A retry finished without a respawn in time: the task keeps waiting for one, and counts it. */
export function applyRetryNotPickedUp(state: TaskState, attempt: number): TaskState {
  if (state.pendingRetry?.attempt !== attempt) return state;
  return { ...state, notPickedUp: state.notPickedUp + 1, lastEvent: `retry ${attempt} was not picked up in time` };
}

/**
 * A retry gave up after every scheduled delivery went unanswered: the task ends `unanswered`, visibly, with its
 * budget as it was (deliveries never spend budget).
 */
export function applyRetryGaveUp(state: TaskState, attempt: number, deliveries: number): TaskState {
  if (state.pendingRetry?.attempt !== attempt || isFinished(state)) return state;
  return { ...state, status: 'unanswered', notPickedUp: state.notPickedUp + 1, lastEvent: `retry ${attempt} not picked up after ${deliveries} deliveries; gave up` };
}

/** A retry workflow was terminated, cancelled or failed: recorded; the task still accepts the respawn. */
export function applyRetryEndedAbnormally(state: TaskState, attempt: number, reason: string): TaskState {
  if (isFinished(state)) return state;
  return { ...state, lastEvent: `retry ${attempt} workflow ended without a result (${reason}); still waiting for a respawn` };
}

/** The requester's session ended: nobody is left to respawn the task. */
export function applyRequesterEnded(state: TaskState, sessionKey: string): TaskState {
  if (sessionKey !== state.requester || state.status === 'ended') return state;
  return { ...state, status: 'ended', lastEvent: 'requester session ended' };
}

/** One line for the Web UI. */
export function describeTask(state: TaskState): string {
  const max = state.config?.maxRetriesPerTask ?? '?';
  const label = state.spec.label ?? 'no-label';
  return `task ${label}: ${state.status}, ${state.attempts.length} attempt(s), retries ${state.retriesUsed}/${max}${state.lastEvent ? ` — ${state.lastEvent}` : ''}`;
}
