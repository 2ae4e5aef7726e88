/**
 * `before_prompt_build` (SEED-BEHAVIOUR §1.3). Every session's latest user message is remembered locally;
 * front-controller sessions get the orchestrator instructions, and — when their thread has an orchestrator —
 * its key and the worker snapshot, read with a query. If Temporal cannot answer in time the instructions go
 * out without the snapshot (DESIGN §3). OpenClaw only delivers this hook to a non-bundled plugin when
 * `plugins.entries.orchestrator.hooks.allowConversationAccess` is true.
 */
import { buildPrependContext } from '../../workflows/orchestrator/prompt.ts';
import { emptyThreadState, type ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { TemporalCallError } from '../shared/errors.ts';
import type { AgentContext, BeforePromptBuildEvent, BeforePromptBuildResult } from '../shared/openclaw-types.ts';
import { eventText } from './hook-events.ts';
import type { OrchestratorHookDeps } from './hook-deps.ts';
import { cachedThread } from './outage-rules.ts';

function withContext(text: string | undefined): BeforePromptBuildResult | undefined {
  return text === undefined ? undefined : { prependContext: text };
}

/** The thread state a front's prompt is built from: cached "no thread", or the thread's own answer. */
async function frontThread(deps: OrchestratorHookDeps, frontKey: string, deadline: number): Promise<ThreadState> {
  if (deps.directory.status === 'loading') await deps.directory.settled(deadline);
  if (deps.directory.status === 'ready' && !deps.directory.hasThread(frontKey)) return emptyThreadState(frontKey);
  const answer = await deps.threads.thread(frontKey, deadline);
  if (answer.kind !== 'ok') {
    deps.directory.observe({ kind: 'thread-over', frontKey });
    return emptyThreadState(frontKey);
  }
  if (!answer.stale) deps.directory.observe({ kind: 'thread-read', state: answer.value });
  return answer.value;
}

/** The `before_prompt_build` handler: resolves with the context to prepend (or nothing), never rejects. */
export function createBeforePromptBuild(deps: OrchestratorHookDeps) {
  return async (event: BeforePromptBuildEvent, ctx: AgentContext): Promise<BeforePromptBuildResult | undefined> => {
    const sessionKey = eventText(ctx?.sessionKey);
    if (sessionKey === undefined) return undefined;
    try {
      deps.messages.observe(sessionKey, event?.messages);
      if (!deps.config.injectOrchestratorPrompt || deps.directory.kindOf(sessionKey) !== 'front') return undefined;
      const state = await frontThread(deps, sessionKey, Date.now() + deps.config.decisionTimeoutMs);
      return withContext(buildPrependContext(state, sessionKey, deps.config));
    } catch (err) {
      const reason = err instanceof TemporalCallError ? `${err.kind}: ${err.detail}` : String(err);
      deps.log.warn({ hook: 'before_prompt_build', sessionKey, reason }, 'no thread snapshot: instructions go out without it');
      try {
        return withContext(buildPrependContext(cachedThread(deps.directory, sessionKey), sessionKey, deps.config, false));
      } catch (inner) {
        deps.log.error({ hook: 'before_prompt_build', sessionKey, err: inner }, 'orchestrator prompt context failed');
        return undefined;
      }
    }
  };
}
