/**
 * `before_prompt_build` (SEED-BEHAVIOUR §1.3): remember what the user last asked (the fallback task of a
 * spawn), and give front-controller sessions the orchestrator instructions plus a status snapshot of the
 * bound orchestrator's workers. Building the context only reads the thread, so the bridge can use a query.
 */
import type { OrchestratorConfig } from './config.ts';
import { latestUserMessage } from './text.ts';
import { boundOrchestratorOf, sessionKindIn, type ThreadState, type WorkerRecord } from './thread-state.ts';

/** The most worker lines a status snapshot shows. */
export const MAX_SNAPSHOT_LINES = 12;

/**
 * §1.3 rule 1: remembers the latest user message of `event.messages` for the session. Blank messages and
 * the orchestrator's own injected text leave the previous memory untouched.
 */
export function observePromptMessages(state: ThreadState, sessionKey: string | undefined, messages: unknown): ThreadState {
  if (sessionKey === undefined || sessionKey.length === 0) return state;
  const text = latestUserMessage(messages);
  if (text === undefined || state.lastUserMessages[sessionKey] === text) return state;
  return { ...state, lastUserMessages: { ...state.lastUserMessages, [sessionKey]: text } };
}

/**
 * The orchestrator instructions injected into every front-controller prompt. The first line and the
 * "spawn exactly one hidden orchestrator session" phrase are also how injected text is recognised (text.ts).
 */
export function orchestratorInstructions(config: OrchestratorConfig): string {
  const retry = config.autoRetryFailedSubagents
    ? `Failed worker tasks are retried at most ${config.maxRetriesPerTask} time(s) per task (retry limit ${config.maxRetriesPerTask}); after that, report the failure instead of retrying.`
    : `Automatic retries are off; respawn a failed task at most ${config.maxRetriesPerTask} time(s) (retry limit ${config.maxRetriesPerTask}).`;
  return [
    '[orchestrator mode is active]',
    'You are the front-controller of this conversation:',
    '- Keep your first reply to the user short: acknowledge the request and say the work is under way.',
    '- Do not call read, exec or process directly; real work is done by sub-agents.',
    '- Spawn exactly one hidden orchestrator session for this thread with sessions_spawn, giving it the task.',
    '- Delegate further work and follow-ups to that orchestrator with sessions_send.',
    '- Poll its progress with session_status or sessions_history and relay concise updates to the user.',
    '- When a system event contains an <orchestrator-retry> block, respawn the failed task immediately with sessions_spawn using the parameters it lists.',
    `- ${retry}`,
  ].join('\n');
}

function newestFirst(a: WorkerRecord, b: WorkerRecord): number {
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt;
  return a.childKey < b.childKey ? -1 : a.childKey > b.childKey ? 1 : 0;
}

/** One snapshot line: `[status] childKey (label or no-label) :: task preview`. */
export function workerStatusLine(worker: WorkerRecord): string {
  return `[${worker.status}] ${worker.childKey} (${worker.label ?? 'no-label'}) :: ${worker.taskPreview}`;
}

/**
 * The status snapshot of an orchestrator's workers, newest-updated first, at most 12 lines; `undefined`
 * when it tracks none. The header carries the orchestrator key and the total number of workers.
 */
export function statusSnapshot(state: ThreadState, orchestratorKey: string): string | undefined {
  const workers = Object.values(state.workers).filter((worker) => worker.requester === orchestratorKey);
  if (workers.length === 0) return undefined;
  const lines = workers.sort(newestFirst).slice(0, MAX_SNAPSHOT_LINES).map(workerStatusLine);
  return [`Orchestrator status snapshot: ${orchestratorKey} (${workers.length} worker(s))`, ...lines].join('\n');
}

/**
 * §1.3 rule 2: the `prependContext` for a session, or `undefined` when injection is off or the session is
 * not a front-controller. `includeSnapshot: false` is the degraded form the bridge uses when Temporal
 * cannot answer (DESIGN §3: inject the instructions without the status snapshot).
 */
export function buildPrependContext(
  state: ThreadState,
  sessionKey: string | undefined,
  config: OrchestratorConfig,
  includeSnapshot = true,
): string | undefined {
  if (!config.injectOrchestratorPrompt || sessionKey === undefined) return undefined;
  if (sessionKindIn(state, sessionKey) !== 'front') return undefined;
  const parts = [orchestratorInstructions(config)];
  const bound = boundOrchestratorOf(state, sessionKey);
  if (bound !== undefined) {
    parts.push(`Hidden orchestrator for this thread: ${bound} (use sessions_send with sessionKey=${bound}).`);
    const snapshot = includeSnapshot ? statusSnapshot(state, bound) : undefined;
    if (snapshot !== undefined) parts.push(snapshot);
  }
  return parts.join('\n\n');
}
