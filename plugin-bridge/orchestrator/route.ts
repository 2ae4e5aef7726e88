/**
 * Where a tool decision is made (DESIGN §3): locally with zero round trips when no thread can be involved or
 * the decision does not depend on one, by a query when it only reads the thread, by an update when it may
 * change it. Pure over the cache, so the rule is testable on its own.
 */
import type { OrchestratorConfig } from '../../workflows/orchestrator/config.ts';
import { hasFrontControllerShape, type SessionKind } from '../../workflows/orchestrator/session.ts';
import { toolCallAccess } from '../../workflows/orchestrator/tool-access.ts';
import { normalizeToolName } from '../../workflows/orchestrator/tool-call.ts';
import type { ThreadDirectory } from './directory.ts';
import type { KeyedToolCall } from './hook-events.ts';

/** How to decide one tool call. `unknown`: the cache is not loaded and the session may be bound. */
export type ToolRoute =
  | { readonly via: 'local' }
  | { readonly via: 'query'; readonly frontKey: string }
  | { readonly via: 'update'; readonly frontKey: string; readonly start: boolean }
  | { readonly via: 'unknown' };

/** The cache reads routing needs. */
export type DirectoryView = Pick<ThreadDirectory, 'status' | 'lookup' | 'kindOf' | 'hasThread'>;

const LOCAL: ToolRoute = { via: 'local' };

/**
 * The kind of a session: from the cache when it knows the session or is loaded; otherwise the kind that
 * needs the thread most for its key shape: a subagent key may be an orchestrator, other keys cannot be spawned
 * children at all.
 */
export function routingKind(directory: DirectoryView, sessionKey: string): SessionKind {
  if (directory.status === 'ready' || directory.lookup(sessionKey) !== undefined) return directory.kindOf(sessionKey);
  if (hasFrontControllerShape(sessionKey)) return 'front';
  return sessionKey.toLowerCase().includes(':subagent:') ? 'orchestrator' : 'none';
}

/**
 * The thread a session's decisions belong to: a front's own thread (its id is the front key, so no cache is
 * needed to name it — only to know there is none), else the thread the session is a member of.
 */
export function callerThread(directory: DirectoryView, sessionKey: string, kind: SessionKind): string | undefined {
  if (kind === 'front') return directory.status !== 'ready' || directory.hasThread(sessionKey) ? sessionKey : undefined;
  const member = directory.lookup(sessionKey);
  return member === undefined || member.role === 'front' ? undefined : member.frontKey;
}

/** Routes one tool call; see {@link ToolRoute}. */
export function routeToolCall(directory: DirectoryView, call: KeyedToolCall, config: OrchestratorConfig): ToolRoute {
  const kind = routingKind(directory, call.sessionKey);
  const access = toolCallAccess(kind, call.toolName, call.params, config);
  if (access === 'none') return LOCAL;
  if (kind === 'front' && normalizeToolName(call.toolName) === 'sessions_spawn') {
    // A front's spawn starts its thread, and the thread (not the cache) says whether one is already active.
    return { via: 'update', frontKey: call.sessionKey, start: true };
  }
  const frontKey = callerThread(directory, call.sessionKey, kind);
  if (frontKey === undefined) return directory.status === 'ready' || kind === 'front' ? LOCAL : { via: 'unknown' };
  return access === 'read' ? { via: 'query', frontKey } : { via: 'update', frontKey, start: false };
}
