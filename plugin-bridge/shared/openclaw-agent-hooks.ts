/**
 * OpenClaw's agent hooks as the bridge sees them (openclaw@2026.9.6, structural types): tool calls, prompt
 * building, subagents and session ends — their contexts, events and results. Re-exported by `openclaw-types.ts`,
 * whose `HookHandlers` names them.
 */

/** `before_tool_call` / `after_tool_call` context (`PluginHookToolContext`). */
export interface ToolContext {
  readonly agentId?: string;
  readonly sessionKey?: string;
  readonly sessionId?: string;
  readonly runId?: string;
  readonly toolName?: string;
  readonly toolCallId?: string;
}

export interface BeforeToolCallEvent {
  readonly toolName: string;
  readonly params: Record<string, unknown>;
  readonly runId?: string;
  readonly toolCallId?: string;
}

/** Returned `params` are shallow-merged over the originals; `block` vetoes the call. */
export interface BeforeToolCallResult {
  params?: Record<string, unknown>;
  block?: boolean;
  blockReason?: string;
}

/** Fire-and-forget in the embedded runner; `result` is `{ content, details }` for `sessions_spawn`. */
export interface AfterToolCallEvent {
  readonly toolName: string;
  readonly params: Record<string, unknown>;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly result?: unknown;
  readonly error?: string;
}

/** `before_prompt_build` context (`PluginHookAgentContext`, the fields the bridge reads). */
export interface AgentContext {
  readonly runId?: string;
  readonly agentId?: string;
  readonly sessionKey?: string;
  readonly sessionId?: string;
}

export interface BeforePromptBuildEvent {
  readonly prompt: string;
  readonly messages: unknown[];
}

/** `prependContext` is concatenated across plugins. */
export interface BeforePromptBuildResult {
  prependContext?: string;
}

/** `subagent_*` context; on the session reset/delete path only `childSessionKey` is set. */
export interface SubagentContext {
  readonly runId?: string;
  readonly childSessionKey?: string;
  readonly requesterSessionKey?: string;
}

export interface SubagentSpawnedEvent {
  readonly childSessionKey: string;
  readonly agentId?: string;
  readonly label?: string;
  readonly runId?: string;
}

export interface SubagentDeliveryTargetEvent {
  readonly childSessionKey: string;
  readonly requesterSessionKey: string;
  readonly childRunId?: string;
}

/** Deprecated hook, still honoured: the first returned `origin` wins. */
export interface SubagentDeliveryTargetResult {
  origin?: { channel?: string; accountId?: string; to?: string; threadId?: string | number };
}

/** `targetSessionKey` equals `subagent_spawned.childSessionKey`; `outcome` may be missing. */
export interface SubagentEndedEvent {
  readonly targetSessionKey: string;
  readonly targetKind: string;
  readonly reason?: string;
  readonly runId?: string;
  readonly outcome?: string;
}

export interface SessionContext {
  readonly agentId?: string;
  readonly sessionId?: string;
  readonly sessionKey?: string;
}

export interface SessionEndEvent {
  readonly sessionId?: string;
  readonly sessionKey?: string;
  readonly reason?: string;
}
