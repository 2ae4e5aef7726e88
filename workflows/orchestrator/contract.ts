/**
 * The orchestrator contract: every message between the gateway bridge and the orchestrator thread workflows,
 * declared once and imported by both sides. Wire names are frozen: recorded histories contain them.
 *
 * One thread workflow per front-controller session that spawned a hidden orchestrator (DESIGN §2). Decisions
 * that may change the thread are updates; facts the gateway observed are signals carrying an event id (the
 * workflow drops duplicates); read-only decisions are answered by a query running the same rule.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OrchestratorConfig } from './config.ts';
import type { SessionKind } from './session.ts';
import type { SpawnKind, ThreadState } from './thread-state.ts';
import type { ToolCall, ToolDecision } from './tool-call.ts';
import type { ThreadWorkflowState } from './thread-events.ts';
import type { ThreadResult } from './thread-summary.ts';

/** The plugin id, also the value of the `OpenClawPlugin` search attribute of every thread. */
export const ORCHESTRATOR_PLUGIN_ID = 'orchestrator';
/** The registered workflow type name (the export of workflows/index.ts). */
export const ORCHESTRATOR_WORKFLOW_TYPE = 'orchestratorThreadWorkflow';
/** `ApplicationFailure.type` of an update that reached a thread which has already ended: start a new one. */
export const THREAD_ENDED_FAILURE = 'OrchestratorThreadEnded';
/** `ApplicationFailure.type` of a malformed update, rejected before it reaches history. */
export const INVALID_REQUEST_FAILURE = 'InvalidOrchestratorRequest';

/** A tool call about to run in a session of the thread, with the config the decision uses. */
export interface ToolCallRequest {
  readonly call: ToolCall & { readonly sessionKey: string };
  /** The bridge's parsed config; the newest one wins, so a changed config applies at once. */
  readonly config: OrchestratorConfig;
  /**
   * The caller's latest user message as the bridge saw it in `before_prompt_build`. Sent with spawns only:
   * it is the fallback task of a spawn without one (§1.4 rule 6), and spawns are the only reader.
   */
  readonly lastUserMessage?: string;
}

/** The thread's answer to a tool call: the decision, and what the bridge's cache should learn from it. */
export interface ToolCallOutcome {
  readonly decision: ToolDecision;
  /** How the thread classifies the caller; `none` tells the bridge the session is not part of this thread. */
  readonly kind: SessionKind;
  /** The orchestrator bound to the thread after the decision. */
  readonly orchestratorKey: string | null;
  /** The kind of the pending spawn this call recorded (`sessions_spawn` only), else null. */
  readonly spawnKind: SpawnKind | null;
}

/**
 * `after_tool_call` of a `sessions_spawn`, reduced by the bridge to what §1.5 reads (no task text, no receipt
 * notes in history): whether it was accepted and the child session key found in the result.
 */
export interface SpawnResultSignal {
  readonly eventId: string;
  readonly sessionKey: string;
  readonly runId?: string;
  readonly toolCallId?: string;
  readonly accepted: boolean;
  readonly childSessionKey?: string;
}

/** `subagent_spawned` / `subagent_delivery_target`: a child of the thread showed activity. */
export interface SubagentActivitySignal {
  readonly eventId: string;
  readonly hook: 'subagent_spawned' | 'subagent_delivery_target';
  readonly requesterSessionKey?: string;
  readonly childSessionKey: string;
}

/** `subagent_ended` of a child session (`targetKind` as OpenClaw gives it; only `subagent` counts). */
export interface SubagentEndedSignal {
  readonly eventId: string;
  readonly targetSessionKey: string;
  readonly targetKind: string;
  readonly outcome?: string;
}

/** `session_end` of a session of the thread (front, orchestrator or worker). */
export interface SessionEndSignal {
  readonly eventId: string;
  readonly sessionKey: string;
}

/** Arguments of the thread workflow; `state` is given only by continue-as-new. */
export interface ThreadWorkflowArgs {
  readonly frontKey: string;
  readonly config: OrchestratorConfig;
  readonly state?: ThreadWorkflowState;
  /**
   * Continue as new once the history has this many events (or when the server suggests it, whichever comes
   * first). Tests lower it to reach the path. @default 2000
   */
  readonly maxHistoryEvents?: number;
}

/** A tool call that may change the thread (§1.4); rejected before history when malformed or the thread ended. */
export const orchestratorToolCallUpdate = defineUpdate<ToolCallOutcome, [ToolCallRequest]>('orchestrator.tool-call');
/** The thread's state: prompt snapshots and the bridge's cache rebuild read it. */
export const orchestratorThreadQuery = defineQuery<ThreadState>('orchestrator.thread');
/**
 * A tool call that only reads the thread (§1.4 rules 1 and 5 of a front), decided by the same rule as the update
 * on the thread's state, which it leaves unchanged. Not in history: added without a patch.
 */
export const orchestratorDecideQuery = defineQuery<ToolCallOutcome, [ToolCallRequest]>('orchestrator.decide-tool-call');
/** `after_tool_call` of a `sessions_spawn` (§1.5). */
export const orchestratorSpawnResultSignal = defineSignal<[SpawnResultSignal]>('orchestrator.spawn-result');
/** `subagent_spawned` / `subagent_delivery_target` (§1.6). */
export const orchestratorSubagentActivitySignal = defineSignal<[SubagentActivitySignal]>('orchestrator.subagent-activity');
/** `subagent_ended` (§1.6). */
export const orchestratorSubagentEndedSignal = defineSignal<[SubagentEndedSignal]>('orchestrator.subagent-ended');
/** `session_end` (§1.6). */
export const orchestratorSessionEndSignal = defineSignal<[SessionEndSignal]>('orchestrator.session-end');

export type { ThreadResult, ThreadWorkflowState };

const WORKFLOW_ID_PREFIX = `${ORCHESTRATOR_PLUGIN_ID}/`;

/** Workflow id of the thread of one front-controller session. */
export function orchestratorThreadWorkflowId(frontKey: string): string {
  return `${WORKFLOW_ID_PREFIX}${frontKey}`;
}

/** The front session key of a thread workflow id, or undefined for any other id. */
export function frontKeyOfWorkflowId(workflowId: string): string | undefined {
  return workflowId.startsWith(WORKFLOW_ID_PREFIX) && workflowId.length > WORKFLOW_ID_PREFIX.length
    ? workflowId.slice(WORKFLOW_ID_PREFIX.length)
    : undefined;
}
