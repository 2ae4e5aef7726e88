/**
 * Pure mappings from OpenClaw hook events to the shapes the rules and the contract use: the tool call, the
 * reduced spawn receipt, event ids that make redelivered hooks duplicates, and the hook result. Handlers
 * re-check shapes here because a host may omit fields its types call required.
 */
import { randomUUID } from 'node:crypto';
import { findChildSessionKey, isSpawnAccepted } from '../../workflows/orchestrator/spawn-result.ts';
import { spawnKey } from '../../workflows/orchestrator/thread-state.ts';
import type { ToolCall, ToolDecision } from '../../workflows/orchestrator/tool-call.ts';
import type { BeforeToolCallEvent, BeforeToolCallResult, ToolContext } from '../shared/openclaw-types.ts';
import { isRecord } from '../../workflows/shared/is-record.ts';

/** A tool call with the session that makes it: only those get a policy. */
export type KeyedToolCall = ToolCall & { readonly sessionKey: string };

const text = (...candidates: unknown[]): string | undefined =>
  candidates.find((c): c is string => typeof c === 'string' && c.length > 0);

/** The tool call of a `before_tool_call`/`after_tool_call`, or undefined when there is no session key or tool name. */
export function toToolCall(event: Partial<BeforeToolCallEvent> | undefined, ctx: ToolContext | undefined): KeyedToolCall | undefined {
  const sessionKey = text(ctx?.sessionKey);
  const toolName = text(event?.toolName, ctx?.toolName);
  if (sessionKey === undefined || toolName === undefined) return undefined;
  const runId = text(event?.runId, ctx?.runId);
  const toolCallId = text(event?.toolCallId, ctx?.toolCallId);
  return {
    sessionKey,
    toolName,
    params: isRecord(event?.params) ? event.params : {},
    ...(runId === undefined ? {} : { runId }),
    ...(toolCallId === undefined ? {} : { toolCallId }),
  };
}

/** The pending-spawn key of a call (runId, toolCallId, session), as the thread keys it. */
export function callSpawnKey(call: KeyedToolCall): string {
  return spawnKey(call.runId, call.toolCallId, call.sessionKey);
}

/**
 * The update id of a tool decision: the same call decided twice (a redelivered hook) is one update. A call
 * without a tool call id cannot be recognised again, so it gets a fresh id.
 */
export function toolCallUpdateId(call: KeyedToolCall): string {
  return call.toolCallId === undefined ? `tool-call:${randomUUID()}` : `tool-call:${callSpawnKey(call)}`;
}

/** A `sessions_spawn` result reduced to what §1.5 reads: accepted, and the child session key found in it. */
export function spawnReceipt(result: unknown, error: unknown): { readonly accepted: boolean; readonly childSessionKey?: string } {
  const accepted = isSpawnAccepted(result, typeof error === 'string' ? error : undefined);
  const childSessionKey = findChildSessionKey(result);
  return childSessionKey === undefined ? { accepted } : { accepted, childSessionKey };
}

/** The hook result of a decision: undefined (allow unchanged), or only the fields the decision sets. */
export function toHookResult(decision: ToolDecision): BeforeToolCallResult | undefined {
  const result: BeforeToolCallResult = {};
  if (decision.block === true) {
    result.block = true;
    result.blockReason = decision.blockReason ?? 'blocked by the orchestrator policy';
  }
  if (decision.params !== undefined) result.params = decision.params;
  return Object.keys(result).length === 0 ? undefined : result;
}

/** A string field of an unknown event, or undefined. */
export function eventText(...candidates: unknown[]): string | undefined {
  return text(...candidates);
}
