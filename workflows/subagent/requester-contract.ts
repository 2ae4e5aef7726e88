/**
 * The per-requester record of worker spawns made by sessions that belong to no orchestrator thread (issue 11,
 * item 3). One workflow `subagent-requester/<requesterKey>` keeps child → task key for such a requester, so a
 * `subagent_ended` after a gateway restart still finds its task; it routes spawns and endings to the same
 * `subagent-task/<taskKey>` workflows a thread uses. Wire names are frozen.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SpawnSpec } from '../orchestrator/thread-state.ts';
import type { RetryConfig } from './contract.ts';
import type { RequesterState } from './requester-state.ts';

/** An accepted worker spawn of the requester; the workflow computes the task key from `spec`. */
export interface RequesterSpawnedEvent {
  readonly eventId: string;
  readonly childKey: string;
  readonly spec: SpawnSpec;
  readonly config: RetryConfig;
}

/** `subagent_ended` of one of the requester's children; `outcome` as the gateway sent it. */
export interface RequesterEndedEvent {
  readonly eventId: string;
  readonly childKey: string;
  readonly outcome?: string;
  readonly config: RetryConfig;
}

/** Arguments of the requester workflow; `state` only from continue-as-new. */
export interface SubagentRequesterArgs {
  readonly requester: string;
  readonly state?: RequesterState;
  /** History length past which the record continues as new (tests lower it). @default 5000 */
  readonly maxHistoryEvents?: number;
}

export const requesterSpawnedSignal = defineSignal<[RequesterSpawnedEvent]>('subagent-requester.spawned');
export const requesterEndedSignal = defineSignal<[RequesterEndedEvent]>('subagent-requester.ended');
/** The requester's session ended (a reason that ends it): its tasks are over and the record completes. */
export const requesterSessionEndedSignal = defineSignal<[{ readonly sessionKey: string }]>('subagent-requester.session-ended');
export const requesterStateQuery = defineQuery<RequesterState>('subagent-requester.state');

/** Workflow type of the record, for visibility queries. */
export const SUBAGENT_REQUESTER_WORKFLOW_TYPE = 'subagentRequesterWorkflow';

/** Workflow id of a requester's record. */
export function subagentRequesterWorkflowId(requester: string): string {
  return `subagent-requester/${requester}`;
}
