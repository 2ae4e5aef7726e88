/**
 * §1.4 rule 6: `sessions_spawn` in `before_tool_call`. A front-controller's first spawn becomes the thread's
 * hidden orchestrator (label, brief, `thread: true`); every other spawn is a worker. Either way the spawn is
 * remembered as pending until `after_tool_call` reports whether it was accepted (see spawn-result.ts).
 */
import type { OrchestratorConfig } from './config.ts';
import { sha256Hex } from '../shared/sha256.ts';
import { nonBlankString, sanitizeLabel } from './text.ts';
import { spawnKey, type PendingSpawn, type SpawnKind, type SpawnSpec, type ThreadState } from './thread-state.ts';
import type { SessionKind } from './session.ts';
import { DEFAULT_SPAWN_TASK, orchestratorAlreadyActiveReason, orchestratorBrief } from './wording.ts';
import type { ToolCall, ToolDecision } from './tool-call.ts';

/**
 * The task text of a spawn: `params.task` (trimmed, non-empty), else the orchestrator's last delegated task
 * (orchestrator sessions only), else the session's last user message, else {@link DEFAULT_SPAWN_TASK}.
 * `filled` says whether the params lacked a usable task.
 */
export function resolveSpawnTask(
  state: ThreadState,
  sessionKey: string,
  kind: SessionKind,
  params: Readonly<Record<string, unknown>>,
): { readonly task: string; readonly filled: boolean } {
  const given = nonBlankString(params.task);
  if (given !== undefined) return { task: given, filled: false };
  const delegated = kind === 'orchestrator' ? state.lastDelegatedTask : undefined;
  const remembered = delegated ?? state.lastUserMessages[sessionKey];
  return { task: remembered ?? DEFAULT_SPAWN_TASK, filled: true };
}

/** The generated orchestrator label: `<prefix>-<first 10 hex chars of sha256(frontSessionKey)>`. */
export function defaultOrchestratorLabel(prefix: string, frontKey: string): string {
  return `${prefix}-${sha256Hex(frontKey).slice(0, 10)}`;
}

/**
 * How spawn fields are read: `exact` trims every string field as the original did (so a padded label or agentId
 * gives the original's task key); `legacy` keeps them as given — only for threads recorded before the fix
 * (workflow.ts decides by `patched`), whose replay must compute the task keys it computed then.
 */
export type SpawnFieldReading = 'exact' | 'legacy';

/** A string spawn field: trimmed and non-empty (`exact`), or non-empty as given (`legacy`). */
function field(value: unknown, reading: SpawnFieldReading): string | undefined {
  if (reading === 'exact') return nonBlankString(value);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The respawnable parts of spawn params, with `task` and `label` already resolved by the caller. */
function specOf(params: Readonly<Record<string, unknown>>, task: string, label: string | undefined, reading: SpawnFieldReading): SpawnSpec {
  const spec: { -readonly [K in keyof SpawnSpec]: SpawnSpec[K] } = { task: reading === 'exact' ? task.trim() : task };
  if (label !== undefined) spec.label = label;
  const agentId = field(params.agentId, reading);
  if (agentId !== undefined) spec.agentId = agentId;
  const model = field(params.model, reading);
  if (model !== undefined) spec.model = model;
  const thinking = field(params.thinking, reading);
  if (thinking !== undefined) spec.thinking = thinking;
  const mode = field(params.mode, reading);
  if (mode !== undefined) spec.mode = mode;
  if (typeof params.thread === 'boolean') spec.thread = params.thread;
  return spec;
}

function remember(state: ThreadState, call: ToolCall & { sessionKey: string }, kind: SpawnKind, spec: SpawnSpec, now: number): ThreadState {
  const pending: PendingSpawn = { requester: call.sessionKey, kind, spec, at: now };
  const key = spawnKey(call.runId, call.toolCallId, call.sessionKey);
  return { ...state, pendingSpawns: { ...state.pendingSpawns, [key]: pending } };
}

/** Decides a `sessions_spawn` by a session of the given kind (any kind but `none`-without-key). */
export function decideSpawn(
  state: ThreadState,
  call: ToolCall & { sessionKey: string },
  kind: SessionKind,
  config: OrchestratorConfig,
  now: number,
  reading: SpawnFieldReading = 'exact',
): { readonly state: ThreadState; readonly decision: ToolDecision } {
  const { task, filled } = resolveSpawnTask(state, call.sessionKey, kind, call.params);
  if (kind === 'front') {
    const bound = call.sessionKey === state.frontKey ? state.orchestratorKey : undefined;
    if (bound !== undefined) {
      return { state, decision: { block: true, blockReason: orchestratorAlreadyActiveReason(bound) } };
    }
    const label = sanitizeLabel(call.params.label) ?? defaultOrchestratorLabel(config.orchestratorLabelPrefix, call.sessionKey);
    const params = { ...call.params, label, task: orchestratorBrief(call.sessionKey, task), thread: true };
    const spec = specOf(params, params.task, label, reading);
    return { state: remember(state, call, 'orchestrator', spec, now), decision: { params } };
  }
  const spec = specOf(call.params, task, field(call.params.label, reading), reading);
  const decision: ToolDecision = filled ? { params: { ...call.params, task } } : {};
  return { state: remember(state, call, 'worker', spec, now), decision };
}
