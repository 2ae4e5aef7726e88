/**
 * Which subagent-task workflows hear about a thread event (issue "durable failed-subagent retries"). The thread
 * stays the source of truth for the workers' status; each task workflow is the source of truth for its retry
 * budget. Pure: (thread before, thread after, event) → messages, in the order they must be delivered.
 */
import { retrySettingsOf, type OrchestratorConfig } from './config.ts';
import type { SubagentEndedSignal } from './contract.ts';
import { retryTaskKey } from './lifecycle.ts';
import type { SpawnSpec, ThreadState, WorkerRecord } from './thread-state.ts';
import { gatewayTaskQueue, type RetryConfig } from '../subagent/contract.ts';

export type TaskMessage =
  | { readonly kind: 'spawned'; readonly taskKey: string; readonly requester: string; readonly spec: SpawnSpec; readonly childKey: string }
  | { readonly kind: 'ended'; readonly taskKey: string; readonly childKey: string; readonly outcome: string }
  | { readonly kind: 'requesterEnded'; readonly taskKey: string; readonly requester: string };

const taskKeyOf = (w: WorkerRecord): string => retryTaskKey(w.requester, w.spec);

/** Workers the event registered (accepted worker spawns): their task learns of the new attempt. */
export function spawnedMessages(before: ThreadState, after: ThreadState): TaskMessage[] {
  return Object.values(after.workers)
    .filter((w) => before.workers[w.childKey] === undefined)
    .map((w) => ({ kind: 'spawned', taskKey: taskKeyOf(w), requester: w.requester, spec: w.spec, childKey: w.childKey }));
}

/** `subagent_ended` of a tracked worker, whatever the outcome: its task decides about a retry. */
export function endedMessages(before: ThreadState, signal: SubagentEndedSignal): TaskMessage[] {
  const worker = before.workers[signal.targetSessionKey];
  if (signal.targetKind !== 'subagent' || worker === undefined) return [];
  const outcome = signal.outcome?.trim().toLowerCase() || 'unknown';
  return [{ kind: 'ended', taskKey: taskKeyOf(worker), childKey: worker.childKey, outcome }];
}

/**
 * A session ended: the tasks it requested are over. When the whole thread ended, every task of its workers is
 * over too — nobody is left to route a respawn to them.
 */
export function requesterEndedMessages(before: ThreadState, sessionKey: string | null, threadEnded: boolean): TaskMessage[] {
  const seen = new Set<string>();
  const messages: TaskMessage[] = [];
  for (const w of Object.values(before.workers)) {
    if (!threadEnded && w.requester !== sessionKey) continue;
    const taskKey = taskKeyOf(w);
    if (seen.has(taskKey)) continue;
    seen.add(taskKey);
    messages.push({ kind: 'requesterEnded', taskKey, requester: w.requester });
  }
  return messages;
}

/** The retry rules a task workflow gets from the thread's newest config. */
export function retryConfigOf(config: OrchestratorConfig): RetryConfig {
  const settings = retrySettingsOf(config);
  return {
    autoRetryFailedSubagents: config.autoRetryFailedSubagents,
    maxRetriesPerTask: config.maxRetriesPerTask,
    retryOutcomes: config.retryOutcomes,
    backoff: settings.retryBackoff,
    pickupTimeoutMs: settings.retryPickupTimeoutMs,
    notifyRequesterOnExhausted: settings.notifyRequesterOnExhausted,
    gatewayTaskQueue: gatewayTaskQueue(settings.gatewayId),
    redelivery: settings.retryRedelivery,
  };
}
