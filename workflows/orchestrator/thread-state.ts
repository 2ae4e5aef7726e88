/**
 * The state of one orchestrator thread (DESIGN §2: workflow `orchestrator/<frontSessionKey>`), as one plain
 * JSON value: records instead of Maps, string keys instead of tuples, epoch-millisecond times. It is what
 * continue-as-new carries and what the bridge can rebuild from a query, so it must survive `JSON.stringify`.
 * Every function here returns a new state and never mutates its input.
 */
import { classifySession, type SessionKind } from './session.ts';

/** What a `sessions_spawn` asked for, kept so a failed worker can be respawned identically. */
export interface SpawnSpec {
  readonly task: string;
  readonly label?: string;
  readonly agentId?: string;
  readonly model?: string;
  readonly thinking?: string;
  readonly mode?: string;
  readonly thread?: boolean;
}

/** Whether an accepted spawn binds the thread's orchestrator or registers a worker. */
export type SpawnKind = 'orchestrator' | 'worker';

/** A `sessions_spawn` seen in `before_tool_call`, waiting for its `after_tool_call` result. */
export interface PendingSpawn {
  readonly requester: string;
  readonly kind: SpawnKind;
  readonly spec: SpawnSpec;
  readonly at: number;
}

/** A worker sub-agent the thread tracks, shown in the front's status snapshot. */
export interface WorkerRecord {
  readonly childKey: string;
  /** The session that spawned it: the orchestrator, or any other spawning session. */
  readonly requester: string;
  readonly label?: string;
  readonly taskPreview: string;
  /** `running` until `subagent_ended`, then the lowercased outcome or `unknown`. */
  readonly status: string;
  readonly outcome?: string;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly spec: SpawnSpec;
}

/** One (runId, session, tool) blocked-attempt counter of the orchestrator restriction (§1.4 rule 2). */
export interface BlockedAttempts {
  readonly runId: string;
  readonly sessionKey: string;
  readonly toolName: string;
  readonly count: number;
}

/** The whole thread: one front-controller, at most one bound orchestrator, and their workers. */
export interface ThreadState {
  readonly frontKey: string;
  /** Present while an orchestrator is bound to the front session. */
  readonly orchestratorKey?: string;
  /** The bound orchestrator's label, so `sessions_send` by label also counts as "to its orchestrator". */
  readonly orchestratorLabel?: string;
  /** The orchestrator's last delegated task (fallback task text for its spawns). */
  readonly lastDelegatedTask?: string;
  /** Keyed by {@link spawnKey}. */
  readonly pendingSpawns: Readonly<Record<string, PendingSpawn>>;
  /** Keyed by child session key. */
  readonly workers: Readonly<Record<string, WorkerRecord>>;
  /** Keyed by {@link attemptKey}. */
  readonly blockedAttempts: Readonly<Record<string, BlockedAttempts>>;
  /** Latest user message per session key (§1.3 rule 1). */
  readonly lastUserMessages: Readonly<Record<string, string>>;
}

/** A thread with nothing bound yet; the bridge also uses it to decide unbound sessions locally. */
export function emptyThreadState(frontKey: string): ThreadState {
  return { frontKey, pendingSpawns: {}, workers: {}, blockedAttempts: {}, lastUserMessages: {} };
}

/** The key of a pending spawn: (runId, toolCallId, sessionKey), missing parts as empty strings. */
export function spawnKey(runId: string | undefined, toolCallId: string | undefined, sessionKey: string): string {
  return JSON.stringify([runId ?? '', toolCallId ?? '', sessionKey]);
}

/** The key of a blocked-attempt counter: (runId, session, tool), a missing run as an empty string. */
export function attemptKey(runId: string | undefined, sessionKey: string, toolName: string): string {
  return JSON.stringify([runId ?? '', sessionKey, toolName]);
}

/** The orchestrator bound to `sessionKey` when it is this thread's front session. */
export function boundOrchestratorOf(state: ThreadState, sessionKey: string): string | undefined {
  return sessionKey === state.frontKey ? state.orchestratorKey : undefined;
}

/** Classifies a session against what this thread knows (§1.2). */
export function sessionKindIn(state: ThreadState, sessionKey: string | undefined): SessionKind {
  return classifySession(sessionKey, {
    isOrchestrator: (key) => key === state.orchestratorKey,
    isWorker: (key) => Object.hasOwn(state.workers, key),
  });
}

/** Copies a record without the entries `drop` selects. */
export function withoutEntries<T>(record: Readonly<Record<string, T>>, drop: (key: string, value: T) => boolean): Record<string, T> {
  const kept: Record<string, T> = {};
  for (const [key, value] of Object.entries(record)) if (!drop(key, value)) kept[key] = value;
  return kept;
}

/**
 * Unbinds the orchestrator and drops its workers and its delegated task (§1.6: an ended orchestrator).
 * The front session, its other sessions' data and the pending spawns stay.
 */
export function unbindOrchestrator(state: ThreadState): ThreadState {
  const orchestratorKey = state.orchestratorKey;
  if (orchestratorKey === undefined) return state;
  const rest = omitKeys(state, ['orchestratorKey', 'orchestratorLabel', 'lastDelegatedTask']);
  return { ...rest, workers: withoutEntries(state.workers, (_key, worker) => worker.requester === orchestratorKey) };
}

/** Copies an object without the given keys, so absent optionals stay absent (JSON-equal after a round trip). */
export function omitKeys<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  const dropped: readonly PropertyKey[] = keys;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !dropped.includes(key))) as Omit<T, K>;
}
