/**
 * The task workflow's state: one plain JSON value (what continue-as-new carries).
 */
import type { SpawnSpec } from '../orchestrator/thread-state.ts';
import type { RetryConfig } from './contract.ts';

/** One spawn of the task: the first, or a respawn after a retry. */
export interface TaskAttempt {
  readonly childKey: string;
  readonly spawnedAt: number;
  readonly outcome: string | null;
  readonly endedAt: number | null;
}

/** `running`/`retrying` while alive; the others end the workflow (`unanswered`: a retry gave up unanswered). */
export type TaskStatus = 'running' | 'retrying' | 'succeeded' | 'failed' | 'exhausted' | 'ended' | 'unanswered';

/** A retry delivered (or about to be) and not yet answered by a respawn. */
export interface PendingRetry {
  readonly attempt: number;
  readonly failedChildKey: string;
  readonly outcome: string;
}

export interface TaskState {
  readonly taskKey: string;
  readonly requester: string;
  readonly spec: SpawnSpec;
  readonly attempts: readonly TaskAttempt[];
  /** Retries started so far: the budget survives every restart because it lives here. */
  readonly retriesUsed: number;
  readonly status: TaskStatus;
  readonly pendingRetry: PendingRetry | null;
  /** Retries whose respawn never came within the pickup timeout. */
  readonly notPickedUp: number;
  /** Recent event ids, newest last: a duplicated hook event is ignored. */
  readonly seenEventIds: readonly string[];
  readonly lastEvent: string | null;
  readonly config: RetryConfig | null;
}

/** A settled task no event touched for this long is forgotten (a later identical task starts a fresh count). */
export const TASK_FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

/** Event ids a task remembers; a task sees a handful of events, so this is generous. */
export const TASK_DEDUPE_WINDOW = 128;

/** A task before its first event. */
export function initialTaskState(taskKey: string, requester: string, spec: SpawnSpec): TaskState {
  return {
    taskKey,
    requester,
    spec,
    attempts: [],
    retriesUsed: 0,
    status: 'running',
    pendingRetry: null,
    notPickedUp: 0,
    seenEventIds: [],
    lastEvent: null,
    config: null,
  };
}

/** Whether the task workflow is done. */
export function isFinished(state: TaskState): boolean {
  return state.status !== 'running' && state.status !== 'retrying';
}
