/**
 * How much of a thread a `before_tool_call` decision needs, known before asking Temporal (DESIGN §3: the
 * common case must cost nothing). The bridge uses it to pick the cheapest correct call:
 * decide locally, send a query, or send an update that may record state.
 */
import type { OrchestratorConfig } from './config.ts';
import type { SessionKind } from './session.ts';
import { hasSessionTarget, normalizeToolName } from './tool-call.ts';

/** The three levels of thread access, weakest first. */
export const ToolAccess = {
  /** The decision does not depend on thread state: decide locally with any state (e.g. an empty one). */
  None: 'none',
  /** The decision reads the thread (the bound orchestrator key) but never changes it: a query suffices. */
  Read: 'read',
  /** The decision may change the thread (counter, pending spawn, delegated task): use an update. */
  Write: 'write',
} as const;
/** One of {@link ToolAccess}. */
export type ToolAccess = (typeof ToolAccess)[keyof typeof ToolAccess];

/**
 * The access {@link decideToolCall} needs for this call, mirroring its rule order. Conservative: `write`
 * means "can change state", not "will" (a front's `sessions_spawn` while bound only blocks). Sessions
 * without a key, and kind `none`/`worker` sessions outside `sessions_spawn`, are `none`.
 */
export function toolCallAccess(
  kind: SessionKind,
  toolName: string,
  params: Readonly<Record<string, unknown>>,
  config: OrchestratorConfig,
): ToolAccess {
  const tool = normalizeToolName(toolName);
  if (kind === 'front') {
    if (config.enforceMainDelegation && !config.allowedMainTools.includes(tool)) return ToolAccess.Read;
    if (tool === 'sessions_send' || tool === 'sessions_spawn') return ToolAccess.Write;
    if ((tool === 'session_status' || tool === 'sessions_history') && !hasSessionTarget(params)) return ToolAccess.Read;
    return ToolAccess.None;
  }
  if (kind === 'orchestrator') {
    if (!config.allowedOrchestratorTools.includes(tool)) return ToolAccess.Write;
    if (tool === 'sessions_send' && !hasSessionTarget(params)) return ToolAccess.Write;
    return tool === 'sessions_spawn' ? ToolAccess.Write : ToolAccess.None;
  }
  return tool === 'sessions_spawn' ? ToolAccess.Write : ToolAccess.None;
}

/** Shorthand for `toolCallAccess(...) === "write"`: the bridge must use an update, not a query. */
export function isStateChanging(
  kind: SessionKind,
  toolName: string,
  params: Readonly<Record<string, unknown>>,
  config: OrchestratorConfig,
): boolean {
  return toolCallAccess(kind, toolName, params, config) === ToolAccess.Write;
}
