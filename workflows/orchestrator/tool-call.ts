/**
 * The shapes `before_tool_call` decisions take in and give back. They mirror OpenClaw's
 * `PluginHookBeforeToolCallEvent`/`PluginHookToolContext` and `PluginHookBeforeToolCallResult`, reduced to
 * plain JSON so they can be an update's payload and result.
 */
import type { PolicyNote } from './notes.ts';
import type { ThreadState } from './thread-state.ts';

/** A tool call about to run: the session that makes it, the tool, its params and the ids that key it. */
export interface ToolCall {
  readonly sessionKey?: string;
  readonly toolName: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly runId?: string;
  readonly toolCallId?: string;
}

/** What the hook returns: nothing (allow as is), rewritten params, or a block with a reason. */
export interface ToolDecision {
  readonly block?: boolean;
  readonly blockReason?: string;
  readonly params?: Record<string, unknown>;
}

/** A decision together with the thread state after it and the log notes it produced. */
export interface ToolPolicyResult {
  readonly state: ThreadState;
  readonly decision: ToolDecision;
  readonly notes: readonly PolicyNote[];
}

/** Tool names are compared trimmed and lowercased, so a differently cased name cannot slip past a block. */
export function normalizeToolName(toolName: string): string {
  return toolName.trim().toLowerCase();
}

/** Whether params name a target session (`sessionKey` or `label` as a non-blank string). */
export function hasSessionTarget(params: Readonly<Record<string, unknown>>): boolean {
  const present = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;
  return present(params.sessionKey) || present(params.label);
}
