/**
 * The rules of the per-requester record as pure functions: (state, event) → (state, task messages). The task key
 * is computed here, exactly as the original (sha256 of requester, agentId, label, trimmed task), so the bridge
 * and the thread can never disagree about it.
 */
import { retryTaskKey } from '../orchestrator/lifecycle.ts';
import type { TaskMessage } from '../orchestrator/task-routing.ts';
import type { RetryConfig } from './contract.ts';
import type { RequesterEndedEvent, RequesterSpawnedEvent } from './requester-contract.ts';

/** Children whose end is still awaited; beyond this the oldest are forgotten (their end finds no task). */
export const MAX_LIVE_CHILDREN = 1000;
/** Task keys remembered for the requester's end; beyond this the oldest are left to forget themselves. */
export const MAX_TASKS = 1000;
const DEDUPE_WINDOW = 256;

export interface RequesterState {
  readonly requester: string;
  /** Live children → their task key, oldest first. An ended child is dropped. */
  readonly children: Readonly<Record<string, string>>;
  /** Task keys this requester spawned, oldest first. */
  readonly tasks: readonly string[];
  readonly spawns: number;
  readonly endings: number;
  readonly seenEventIds: readonly string[];
  readonly ended: boolean;
  /** The newest retry rules (sent with every event). */
  readonly config: RetryConfig | null;
}

export interface RequesterDecided {
  readonly state: RequesterState;
  readonly messages: readonly TaskMessage[];
}

export function initialRequesterState(requester: string): RequesterState {
  return { requester, children: {}, tasks: [], spawns: 0, endings: 0, seenEventIds: [], ended: false, config: null };
}

const lastN = <T>(items: readonly T[], n: number): T[] => items.slice(Math.max(0, items.length - n));

function remember(state: RequesterState, eventId: string, config: RetryConfig): RequesterState {
  return { ...state, config, seenEventIds: lastN([...state.seenEventIds, eventId], DEDUPE_WINDOW) };
}

/** An accepted spawn: the child is recorded under its task key and the task hears of the attempt. */
export function applyRequesterSpawned(state: RequesterState, event: RequesterSpawnedEvent): RequesterDecided {
  if (state.ended || state.seenEventIds.includes(event.eventId) || state.children[event.childKey] !== undefined) return { state, messages: [] };
  const taskKey = retryTaskKey(state.requester, event.spec);
  const children = Object.fromEntries(lastN([...Object.entries(state.children), [event.childKey, taskKey] as const], MAX_LIVE_CHILDREN));
  const tasks = state.tasks.includes(taskKey) ? state.tasks : lastN([...state.tasks, taskKey], MAX_TASKS);
  const next = { ...remember(state, event.eventId, event.config), children, tasks, spawns: state.spawns + 1 };
  return { state: next, messages: [{ kind: 'spawned', taskKey, requester: state.requester, spec: event.spec, childKey: event.childKey }] };
}

/** `subagent_ended` of a recorded child, whatever the outcome: its task decides about a retry. Others: nothing. */
export function applyRequesterEnded(state: RequesterState, event: RequesterEndedEvent): RequesterDecided {
  const taskKey = state.children[event.childKey];
  if (state.ended || state.seenEventIds.includes(event.eventId) || taskKey === undefined) return { state, messages: [] };
  const children = Object.fromEntries(Object.entries(state.children).filter(([child]) => child !== event.childKey));
  const outcome = event.outcome?.trim().toLowerCase() || 'unknown';
  const next = { ...remember(state, event.eventId, event.config), children, endings: state.endings + 1 };
  return { state: next, messages: [{ kind: 'ended', taskKey, childKey: event.childKey, outcome }] };
}

/** The requester's session ended: every task it spawned is over. */
export function applyRequesterSessionEnded(state: RequesterState, sessionKey: string): RequesterDecided {
  if (state.ended || sessionKey !== state.requester) return { state, messages: [] };
  const messages = state.tasks.map((taskKey): TaskMessage => ({ kind: 'requesterEnded', taskKey, requester: state.requester }));
  return { state: { ...state, ended: true, children: {} }, messages };
}

/** One line for the Web UI. */
export function describeRequester(state: RequesterState): string {
  const live = Object.keys(state.children).length;
  return `worker spawns of ${state.requester} (no thread): ${state.spawns} spawned, ${live} running, ${state.tasks.length} task(s)${state.ended ? ' — requester ended' : ''}`;
}
