/**
 * The subagent retry contract (issue "durable failed-subagent retries"): one task workflow per stable task key
 * owns the retry budget; each retry is its own child workflow that waits out the backoff, has the gateway deliver
 * the `<orchestrator-retry>` system event exactly once, and waits for the respawn. Wire names are frozen.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SpawnSpec } from '../orchestrator/thread-state.ts';
import type { TaskState } from './state.ts';

/** Backoff before a retry is delivered: `initialMs × multiplier^(attempt-1)`, at most `maxMs`. 0 = immediate (the original). */
export interface RetryBackoff {
  readonly initialMs: number;
  readonly multiplier: number;
  readonly maxMs: number;
}

/**
 * Re-delivery of a retry that is not answered by a respawn (new): the first wait is `pickupTimeoutMs`, each next
 * one `× multiplier`, at most `maxIntervalMs`; after `maxDeliveries` deliveries and the last wait the retry gives
 * up. Re-deliveries never spend budget.
 */
export interface RetryRedelivery {
  readonly maxDeliveries: number;
  readonly multiplier: number;
  readonly maxIntervalMs: number;
}

/** The retry rules a task workflow applies; sent by the bridge with every event so config changes apply at once. */
export interface RetryConfig {
  readonly autoRetryFailedSubagents: boolean;
  readonly maxRetriesPerTask: number;
  readonly retryOutcomes: readonly string[];
  readonly backoff: RetryBackoff;
  /** How long a retry waits for the respawn before it records that the retry was not picked up. */
  readonly pickupTimeoutMs: number;
  /** Also tell the requester (a system event) when the budget is exhausted. @default false */
  readonly notifyRequesterOnExhausted: boolean;
  /** Task queue of the gateway activity worker that delivers system events. */
  readonly gatewayTaskQueue: string;
  /** Absent in events recorded before re-delivery existed: one delivery, as then. */
  readonly redelivery?: RetryRedelivery;
}

/** An accepted worker spawn of this task (the first one, or a respawn after a retry). */
export interface TaskSpawnedEvent {
  readonly eventId: string;
  readonly childKey: string;
  readonly config: RetryConfig;
}

/** `subagent_ended` of one of this task's children. */
export interface TaskEndedEvent {
  readonly eventId: string;
  readonly childKey: string;
  /** Lowercased outcome, `unknown` when absent. */
  readonly outcome: string;
  readonly config: RetryConfig;
}

/** Arguments of the task workflow; `state` only from continue-as-new. */
export interface SubagentTaskArgs {
  readonly taskKey: string;
  readonly requester: string;
  readonly spec: SpawnSpec;
  /** The accepted spawn that started the task (when a thread workflow starts it as a child). */
  readonly firstSpawn?: TaskSpawnedEvent;
  readonly state?: TaskState;
}

/** Arguments of one retry (a child of the task workflow). */
export interface SubagentRetryArgs {
  readonly taskKey: string;
  readonly requester: string;
  readonly attempt: number;
  readonly maxRetries: number;
  readonly failedChildKey: string;
  readonly outcome: string;
  readonly spec: SpawnSpec;
  readonly backoffMs: number;
  readonly pickupTimeoutMs: number;
  readonly gatewayTaskQueue: string;
  readonly redelivery?: RetryRedelivery;
}

/** How a retry ended: picked up by a respawn, or not within `pickupTimeoutMs`. */
export interface SubagentRetryResult {
  readonly delivered: boolean;
  readonly pickedUp: boolean;
  readonly respawnedChildKey: string | null;
  /** Scheduled deliveries made (re-deliveries after a gateway restart not counted); absent in older results. */
  readonly deliveries?: number;
  /** True when every scheduled delivery went unanswered: the retry gave up. */
  readonly gaveUp?: boolean;
}

/** What the gateway activity worker does inside the gateway process (api.runtime.system). */
export interface GatewayActivities {
  /** Enqueues a system event into a session (deduped by `contextKey`) and requests a heartbeat for it. */
  deliverSystemEvent(input: SystemEventDelivery): Promise<{ enqueued: boolean; duplicate: boolean }>;
}

export interface SystemEventDelivery {
  readonly sessionKey: string;
  readonly text: string;
  /** Stable per delivery: the same retry enqueued twice replaces itself instead of appearing twice. */
  readonly contextKey: string;
  /** Which delivery of the retry this is (1 = first); one delivery is done once per gateway process. */
  readonly delivery?: number;
  /**
   * Only wake the session: the event was stored before and a gateway (re)start lost just the wake. Where the
   * event is persisted, nothing is stored again, so a copy the requester already consumed never comes back.
   */
  readonly wakeOnly?: boolean;
  /** Heartbeat reason, e.g. `orchestrator-subagent-retry`; null: no heartbeat. */
  readonly heartbeatReason: string | null;
}

export const taskSpawnedSignal = defineSignal<[TaskSpawnedEvent]>('subagent-task.spawned');
export const taskEndedSignal = defineSignal<[TaskEndedEvent]>('subagent-task.ended');
/** The requester's session ended: the task is over. */
export const taskRequesterEndedSignal = defineSignal<[{ readonly sessionKey: string }]>('subagent-task.requester-ended');
export const taskStateQuery = defineQuery<TaskState>('subagent-task.state');
/** Sent by the task workflow to its open retry when the respawn was accepted. */
export const retryRespawnedSignal = defineSignal<[{ readonly childKey: string }]>('subagent-retry.respawned');

/** Sent by a gateway activity worker when it starts polling `taskQueue`: waiting retries deliver again at once. */
export const retryGatewayStartedSignal = defineSignal<[{ readonly taskQueue: string }]>('subagent-retry.gateway-started');

/** Workflow type of a retry, for visibility queries. */
export const SUBAGENT_RETRY_WORKFLOW_TYPE = 'subagentRetryWorkflow';

/** Workflow id of a task. */
export function subagentTaskWorkflowId(taskKey: string): string {
  return `subagent-task/${taskKey}`;
}

/** Workflow id of one retry of a task. */
export function subagentRetryWorkflowId(taskKey: string, attempt: number): string {
  return `subagent-task/${taskKey}/retry-${attempt}`;
}

/** The gateway activity worker's task queue for a gateway id. */
export function gatewayTaskQueue(gatewayId: string): string {
  return `openclaw-temporal-gateway/${gatewayId}`;
}
