/**
 * `after_tool_call` for `sessions_spawn` (SEED-BEHAVIOUR §1.5): read OpenClaw's spawn receipt, then bind the
 * thread's orchestrator or register a worker. The receipt's shape varies (`{content, details}` from the
 * embedded runner, the bare receipt elsewhere), hence the lenient status and child-key search.
 */
import { note, NoteCode, type PolicyNote } from './notes.ts';
import { taskPreview } from './text.ts';
import { omitKeys, spawnKey, withoutEntries, type PendingSpawn, type ThreadState, type WorkerRecord } from './thread-state.ts';

/** The deepest nesting level searched for `childSessionKey` (the result object itself is level 0). */
export const CHILD_KEY_SEARCH_DEPTH = 4;

const ACCEPTED_STATUSES: readonly string[] = ['accepted', 'ok', 'success'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function statusOf(result: Record<string, unknown>): string | undefined {
  if (typeof result.status === 'string') return result.status;
  const details = result.details;
  return isRecord(details) && typeof details.status === 'string' ? details.status : undefined;
}

function hasErrorString(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

/**
 * Whether a spawn was accepted: a `status` (top level, else in `details`) of `accepted|ok|success` (any case);
 * with no status, accepted unless `isError` is true or an `error` string is present (on the result, its
 * `details`, or the hook event's own `error`).
 */
export function isSpawnAccepted(result: unknown, eventError?: string): boolean {
  if (!isRecord(result)) return !hasErrorString(eventError);
  const status = statusOf(result);
  if (status !== undefined) return ACCEPTED_STATUSES.includes(status.trim().toLowerCase());
  const details = isRecord(result.details) ? result.details : {};
  return result.isError !== true && !hasErrorString(result.error) && !hasErrorString(details.error) && !hasErrorString(eventError);
}

/** The first non-blank `childSessionKey` string, depth-first in property order, at most 4 levels below the result. */
export function findChildSessionKey(value: unknown, depth = 0): string | undefined {
  if (!isRecord(value) || depth > CHILD_KEY_SEARCH_DEPTH) return undefined;
  const own = Array.isArray(value) ? undefined : value.childSessionKey;
  if (typeof own === 'string' && own.trim().length > 0) return own.trim();
  for (const child of Object.values(value)) {
    const found = findChildSessionKey(child, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** An `after_tool_call` of `sessions_spawn`, keyed like its `before_tool_call`. */
export interface SpawnResultEvent {
  readonly sessionKey: string;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly result?: unknown;
  readonly error?: string;
}

/** What happened to the pending spawn: which record it produced, or why it was forgotten. */
export type SpawnResultOutcome = 'bound' | 'worker' | 'not-accepted' | 'no-child-key' | 'unmatched';

function workerRecord(pending: PendingSpawn, childKey: string, now: number): WorkerRecord {
  const record: WorkerRecord = {
    childKey,
    requester: pending.requester,
    taskPreview: taskPreview(pending.spec.task),
    status: 'running',
    startedAt: now,
    updatedAt: now,
    spec: pending.spec,
  };
  return pending.spec.label === undefined ? record : { ...record, label: pending.spec.label };
}

/**
 * Applies a spawn result: the matching pending spawn is always forgotten; if accepted with a child key, an
 * orchestrator spawn binds orchestrator ↔ front (replacing an earlier binding, with a note) and a worker spawn
 * registers a `running` worker under its requester.
 */
export function applySpawnResult(
  state: ThreadState,
  event: SpawnResultEvent,
  now: number,
): { readonly state: ThreadState; readonly outcome: SpawnResultOutcome; readonly childKey?: string; readonly notes: readonly PolicyNote[] } {
  const key = spawnKey(event.runId, event.toolCallId, event.sessionKey);
  const pending = state.pendingSpawns[key];
  const fields = { sessionKey: event.sessionKey, runId: event.runId ?? '', toolCallId: event.toolCallId ?? '' };
  if (pending === undefined) {
    return { state, outcome: 'unmatched', notes: [note('info', NoteCode.SpawnUnmatched, 'spawn result without a pending spawn', fields)] };
  }
  const rest: ThreadState = { ...state, pendingSpawns: withoutEntries(state.pendingSpawns, (k) => k === key) };
  if (!isSpawnAccepted(event.result, event.error)) {
    return { state: rest, outcome: 'not-accepted', notes: [note('warn', NoteCode.SpawnNotAccepted, 'sessions_spawn was not accepted', fields)] };
  }
  const childKey = findChildSessionKey(event.result);
  if (childKey === undefined) {
    return { state: rest, outcome: 'no-child-key', notes: [note('warn', NoteCode.SpawnWithoutChildKey, 'accepted sessions_spawn has no childSessionKey', fields)] };
  }
  const childFields = { ...fields, childKey };
  if (pending.kind === 'orchestrator') {
    const notes: PolicyNote[] = [note('info', NoteCode.OrchestratorBound, 'hidden orchestrator bound to front session', childFields)];
    const previous = state.orchestratorKey;
    if (previous !== undefined && previous !== childKey) {
      notes.push(note('warn', NoteCode.OrchestratorRebound, 'front session already had an orchestrator; rebinding', { ...childFields, previous }));
    }
    const bound: ThreadState = { ...omitKeys(rest, ['orchestratorLabel']), orchestratorKey: childKey };
    return { state: pending.spec.label === undefined ? bound : { ...bound, orchestratorLabel: pending.spec.label }, outcome: 'bound', childKey, notes };
  }
  const workers = { ...rest.workers, [childKey]: workerRecord(pending, childKey, now) };
  return { state: { ...rest, workers }, outcome: 'worker', childKey, notes: [note('info', NoteCode.WorkerRegistered, 'worker registered', childFields)] };
}
