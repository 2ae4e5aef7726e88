/**
 * The `<orchestrator-retry>` system event the requester's session receives (SEED-BEHAVIOUR §1.6): the failed
 * child, its outcome, `attempt: n/max`, the instruction to respawn immediately via `sessions_spawn`, and the
 * spawn spec (task, label, agentId, model, thinking, mode, thread).
 */
import type { SpawnSpec } from '../orchestrator/thread-state.ts';

export interface RetryTextInput {
  readonly failedChildKey: string;
  readonly outcome: string;
  readonly attempt: number;
  readonly maxRetries: number;
  readonly spec: SpawnSpec;
}

const field = (value: string | boolean | undefined): string => (value === undefined ? '(none)' : String(value));

/** The system event text; the same input always gives the same text. */
export function retryEventText(input: RetryTextInput): string {
  const { spec } = input;
  return [
    '<orchestrator-retry>',
    `failed child: ${input.failedChildKey}`,
    `outcome: ${input.outcome}`,
    `attempt: ${input.attempt}/${input.maxRetries}`,
    'instruction: respawn this worker task immediately via sessions_spawn, with the task and options below.',
    `task: ${spec.task}`,
    `label: ${field(spec.label)}`,
    `agentId: ${field(spec.agentId)}`,
    `model: ${field(spec.model)}`,
    `thinking: ${field(spec.thinking)}`,
    `mode: ${field(spec.mode)}`,
    `thread: ${field(spec.thread)}`,
    '</orchestrator-retry>',
  ].join('\n');
}

/** The notice sent to the requester when the budget is exhausted (only with `notifyRequesterOnExhausted`). */
export function exhaustedEventText(input: Omit<RetryTextInput, 'attempt'>): string {
  return [
    '<orchestrator-retry-exhausted>',
    `failed child: ${input.failedChildKey}`,
    `outcome: ${input.outcome}`,
    `retries used: ${input.maxRetries}/${input.maxRetries}`,
    'instruction: do not respawn this task again; report the failure.',
    `task: ${input.spec.task}`,
    `label: ${field(input.spec.label)}`,
    '</orchestrator-retry-exhausted>',
  ].join('\n');
}
