/**
 * The sentences the orchestrator rules put in front of models (block reasons, the hidden-orchestrator brief).
 * Kept together so the wording of SEED-BEHAVIOUR §1.4 can be checked in one place; models act on these
 * texts, so every point the spec lists must stay in them.
 */
import { paramsPreview } from './text.ts';

/** The task used when a spawn has no task, no delegated task and no remembered user message (§1.4 rule 6). */
export const DEFAULT_SPAWN_TASK = 'Continue the current user request and report concise progress and a final result back.';

/** §1.4 rule 1: a front-controller tried a tool outside the main allow-list. */
export function mainDelegationReason(toolName: string, orchestratorKey: string | undefined): string {
  const how =
    orchestratorKey === undefined
      ? 'No hidden orchestrator is active yet: start one with sessions_spawn and hand it the work.'
      : `Delegate it with sessions_send to the hidden orchestrator (sessionKey=${orchestratorKey}).`;
  return `Tool "${toolName}" is not available to the front-controller session; it must delegate real work. ${how}`;
}

/** The task a blocked orchestrator is told to hand to a worker; also remembered as its last delegated task. */
export function delegationHint(toolName: string, params: unknown): string {
  return `Use the ${toolName} tool with params ${paramsPreview(params)} and report the result.`;
}

/** §1.4 rule 2: an orchestrator tried a tool outside its allow-list (1st and 2nd attempt). */
export function orchestratorRestrictionReason(toolName: string, hint: string, attempt: number): string {
  return [
    `Orchestrator sessions do not run "${toolName}" themselves (blocked attempt ${attempt}).`,
    'Delegate it to a worker via sessions_spawn, for example:',
    `sessions_spawn({ "task": ${JSON.stringify(hint)} })`,
  ].join('\n');
}

/** §1.4 rule 6: a front-controller tried to spawn a second orchestrator. */
export function orchestratorAlreadyActiveReason(orchestratorKey: string): string {
  return (
    `hidden orchestrator already active (${orchestratorKey}). ` +
    `Use sessions_send with sessionKey=${orchestratorKey} to delegate more work, and ` +
    'session_status/sessions_history to check its progress, instead of spawning another orchestrator.'
  );
}

/** §1.4 rule 6: the task a front-controller's spawn is rewritten to, wrapping the user's primary task. */
export function orchestratorBrief(requesterKey: string, primaryTask: string): string {
  return [
    'You are the hidden orchestrator for this thread.',
    `Requester session: ${requesterKey}`,
    '',
    'Execution contract:',
    '- Break the task into worker subtasks.',
    '- Spawn a worker for each subtask with sessions_spawn.',
    '- Track every worker as pending, running, succeeded or failed.',
    '- Retry a failed worker only when a retry is likely to help.',
    `- Send concise progress updates and a final summary back to the requester via sessions_send (sessionKey=${requesterKey}).`,
    '- Do not run read, write, edit, exec or process yourself unless delegation repeatedly fails.',
    '',
    'Primary task:',
    primaryTask,
  ].join('\n');
}
