/**
 * `before_tool_call` (SEED-BEHAVIOUR §1.4), evaluated in the spec's order; the first rule that matches
 * decides. Pure: the thread workflow runs it inside an update, and the bridge runs it locally for sessions
 * no thread knows (with {@link emptyThreadState}), so both always agree.
 */
import type { OrchestratorConfig } from './config.ts';
import { note, NoteCode, type PolicyNote } from './notes.ts';
import { decideSpawn, type SpawnFieldReading } from './spawn-policy.ts';
import { nonBlankString } from './text.ts';
import {
  attemptKey,
  boundOrchestratorOf,
  sessionKindIn,
  withoutEntries,
  type ThreadState,
} from './thread-state.ts';
import { hasSessionTarget, normalizeToolName, type ToolCall, type ToolPolicyResult } from './tool-call.ts';
import { delegationHint, mainDelegationReason, orchestratorRestrictionReason } from './wording.ts';

/** From the third blocked attempt of the same tool in the same run, the orchestrator is let through. */
export const ALLOW_AFTER_BLOCKED_ATTEMPTS = 2;

const allow = (state: ThreadState, notes: readonly PolicyNote[] = []): ToolPolicyResult => ({ state, decision: {}, notes });

function withDelegatedTask(state: ThreadState, message: unknown): ThreadState {
  const task = nonBlankString(message);
  return task === undefined ? state : { ...state, lastDelegatedTask: task };
}

/**
 * §1.4 rule 2. Counts the attempt per (runId, session, tool); blocks the 1st and 2nd with a hint that is
 * remembered as the last delegated task; allows the 3rd and later with a warning note. Counters of older runs
 * of the same session are dropped, so the state stays bounded across a long-lived thread.
 */
function restrictOrchestrator(state: ThreadState, call: ToolCall & { sessionKey: string }, tool: string): ToolPolicyResult {
  const key = attemptKey(call.runId, call.sessionKey, tool);
  const count = (state.blockedAttempts[key]?.count ?? 0) + 1;
  const runId = call.runId ?? '';
  const counters = withoutEntries(state.blockedAttempts, (_k, c) => c.sessionKey === call.sessionKey && c.runId !== runId);
  counters[key] = { runId, sessionKey: call.sessionKey, toolName: tool, count };
  const counted: ThreadState = { ...state, blockedAttempts: counters };
  if (count > ALLOW_AFTER_BLOCKED_ATTEMPTS) {
    const warning = note('warn', NoteCode.OrchestratorFallback, 'orchestrator allowed a restricted tool after repeated blocks', {
      sessionKey: call.sessionKey,
      toolName: tool,
      attempt: count,
    });
    return allow(counted, [warning]);
  }
  const hint = delegationHint(call.toolName, call.params);
  return {
    state: { ...counted, lastDelegatedTask: hint },
    decision: { block: true, blockReason: orchestratorRestrictionReason(call.toolName, hint, count) },
    notes: [],
  };
}

/**
 * Decides one tool call for the session that makes it. Calls without a session key get no policy.
 * @param now epoch milliseconds (workflow time inside a workflow), stamped on pending spawns.
 * @param reading how spawn fields are read (spawn-policy.ts); `legacy` only for threads recorded before the fix.
 */
export function decideToolCall(state: ThreadState, call: ToolCall, config: OrchestratorConfig, now: number, reading: SpawnFieldReading = 'exact'): ToolPolicyResult {
  const sessionKey = call.sessionKey;
  if (sessionKey === undefined || sessionKey.length === 0) return allow(state);
  const keyed = { ...call, sessionKey };
  const kind = sessionKindIn(state, sessionKey);
  const tool = normalizeToolName(call.toolName);
  const bound = boundOrchestratorOf(state, sessionKey);

  // 1. Main delegation.
  if (kind === 'front' && config.enforceMainDelegation && !config.allowedMainTools.includes(tool)) {
    return { state, decision: { block: true, blockReason: mainDelegationReason(call.toolName, bound) }, notes: [] };
  }
  // 2. Orchestrator restriction.
  if (kind === 'orchestrator' && !config.allowedOrchestratorTools.includes(tool)) {
    return restrictOrchestrator(state, keyed, tool);
  }
  // 3. Orchestrator reports back to its front-controller.
  if (kind === 'orchestrator' && tool === 'sessions_send' && !hasSessionTarget(call.params)) {
    const params = { ...call.params, sessionKey: state.frontKey };
    return { state: withDelegatedTask(state, call.params.message), decision: { params }, notes: [] };
  }
  // 4. Front delegates to its orchestrator.
  if (kind === 'front' && tool === 'sessions_send') {
    // The original compares the trimmed target; threads recorded before that fix replay with it as given.
    const target = reading === 'exact' ? nonBlankString(call.params.sessionKey) : call.params.sessionKey;
    const label = call.params.label;
    const toOrchestrator =
      bound !== undefined &&
      (target === bound || (state.orchestratorLabel !== undefined && label === state.orchestratorLabel) || !hasSessionTarget(call.params));
    return allow(toOrchestrator ? withDelegatedTask(state, call.params.message) : state);
  }
  // 5. Front polls its orchestrator.
  if (kind === 'front' && (tool === 'session_status' || tool === 'sessions_history')) {
    if (bound === undefined || hasSessionTarget(call.params)) return allow(state);
    return { state, decision: { params: { ...call.params, sessionKey: bound } }, notes: [] };
  }
  // 6. Spawns.
  if (tool === 'sessions_spawn') {
    const spawned = decideSpawn(state, keyed, kind, config, now, reading);
    return { ...spawned, notes: [] };
  }
  return allow(state);
}
