/**
 * `before_tool_call` (SEED-BEHAVIOUR §1.4). OpenClaw fails this hook closed — a throw or a timeout blocks the
 * tool — so the handler never throws and never outlives `decisionTimeoutMs`: every failure, ours included,
 * becomes the explicit `onTemporalError` decision. Sessions no thread knows are decided locally by the same
 * pure rules the thread runs.
 */
import type { ToolCallRequest } from '../../workflows/orchestrator/contract.ts';
import { emptyThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { normalizeToolName } from '../../workflows/orchestrator/tool-call.ts';
import { decideToolCall } from '../../workflows/orchestrator/tool-policy.ts';
import { TemporalCallError } from '../shared/errors.ts';
import { recordDecision, recordFallback } from '../shared/metrics.ts';
import type { BeforeToolCallEvent, BeforeToolCallResult, ToolContext } from '../shared/openclaw-types.ts';
import { callSpawnKey, toHookResult, toolCallUpdateId, toToolCall, type KeyedToolCall } from './hook-events.ts';
import type { OrchestratorHookDeps } from './hook-deps.ts';
import { mainDelegationBlock, spawnWithoutThread } from './outage-rules.ts';
import { routeToolCall } from './route.ts';

/** Pause before asking again when a front's spawn reached a thread that was just finishing. */
const ENDED_RETRY_MS = 50;

/**
 * The decision of the pure rules on a thread with nothing bound (plus the caller's remembered message). A worker
 * spawn it records is kept for its result, so a session in no thread gets retries too.
 */
export function decideLocally(deps: OrchestratorHookDeps, call: KeyedToolCall): BeforeToolCallResult | undefined {
  const empty = emptyThreadState(call.sessionKey);
  const remembered = deps.messages.get(call.sessionKey);
  const state = remembered === undefined ? empty : { ...empty, lastUserMessages: { [call.sessionKey]: remembered } };
  const decided = decideToolCall(state, call, deps.config, Date.now());
  if (normalizeToolName(call.toolName) === 'sessions_spawn' && decided.decision.block !== true) deps.unthreaded.capture(decided.state, callSpawnKey(call));
  return toHookResult(decided.decision);
}

/** The `onTemporalError` decision, logged with why it was needed. */
function fallback(deps: OrchestratorHookDeps, call: KeyedToolCall | undefined, reason: string, err?: unknown): BeforeToolCallResult | undefined {
  const fields = { hook: 'before_tool_call', sessionKey: call?.sessionKey, toolName: call?.toolName, reason, onTemporalError: deps.config.onTemporalError };
  if (err === undefined || err instanceof TemporalCallError) deps.log.warn(fields, 'no thread decision: applying onTemporalError');
  else deps.log.error({ ...fields, err }, 'orchestrator bridge error: applying onTemporalError');
  recordFallback('orchestrator', err === undefined ? 'no-thread' : err instanceof TemporalCallError ? err.kind : 'bridge-error', deps.config.onTemporalError);
  if (deps.config.onTemporalError === 'allow') return undefined;
  return { block: true, blockReason: `orchestrator: ${reason}; the tool call is blocked (onTemporalError: block)` };
}

async function updateThread(
  deps: OrchestratorHookDeps,
  call: KeyedToolCall,
  frontKey: string,
  start: boolean,
  deadline: number,
): Promise<BeforeToolCallResult | undefined> {
  const spawn = normalizeToolName(call.toolName) === 'sessions_spawn';
  const remembered = spawn ? deps.messages.get(call.sessionKey) : undefined;
  const request: ToolCallRequest = { call, config: deps.config, ...(remembered === undefined ? {} : { lastUserMessage: remembered }) };
  const updateId = toolCallUpdateId(call);
  for (;;) {
    let answer;
    try {
      await deps.afterKeptFacts?.(frontKey, deadline);
      answer = await deps.threads.toolCall(frontKey, request, updateId, deadline, start);
    } catch (err) {
      if (start && err instanceof TemporalCallError) return spawnWithoutThread(deps, call, request, updateId, err);
      throw err;
    }
    if (answer.kind === 'ok') {
      deps.directory.observe({ kind: 'tool-call-updated', frontKey, sessionKey: call.sessionKey, outcome: answer.value });
      return toHookResult(answer.value.decision);
    }
    if (start && answer.kind === 'ended' && Date.now() + ENDED_RETRY_MS < deadline) {
      await new Promise((resolve) => setTimeout(resolve, ENDED_RETRY_MS));
      continue;
    }
    if (start) return fallback(deps, call, 'the thread kept ending while a new orchestrator was spawned');
    // The thread is over: the session is not bound any more and the rules decide it as unbound.
    deps.directory.observe({ kind: 'thread-over', frontKey });
    return decideLocally(deps, call);
  }
}

/** A decision that only reads the thread: the thread answers it by a query; a thread that is over leaves it to the rules. */
async function readThread(deps: OrchestratorHookDeps, call: KeyedToolCall, frontKey: string, deadline: number): Promise<BeforeToolCallResult | undefined> {
  await deps.afterKeptFacts?.(frontKey, deadline);
  const answer = await deps.threads.decide(frontKey, { call, config: deps.config }, deadline);
  if (answer.kind !== 'ok') {
    deps.directory.observe({ kind: 'thread-over', frontKey });
    return decideLocally(deps, call);
  }
  if (!answer.stale) deps.directory.observe({ kind: 'tool-call-read', frontKey, orchestratorKey: answer.value.orchestratorKey });
  return toHookResult(answer.value.decision);
}

async function decide(deps: OrchestratorHookDeps, call: KeyedToolCall): Promise<BeforeToolCallResult | undefined> {
  const deadline = Date.now() + deps.config.decisionTimeoutMs;
  const delegation = await mainDelegationBlock(deps, call, deadline);
  if (delegation !== undefined) return delegation;
  if (deps.directory.status === 'loading') await deps.directory.settled(deadline);
  const route = routeToolCall(deps.directory, call, deps.config);
  switch (route.via) {
    case 'local':
      return decideLocally(deps, call);
    case 'unknown':
      return fallback(deps, call, 'the thread cache is not loaded from Temporal');
    case 'query':
      return readThread(deps, call, route.frontKey, deadline);
    case 'update':
      return updateThread(deps, call, route.frontKey, route.start, deadline);
  }
}

/** The `before_tool_call` handler: resolves with a decision, never rejects. */
export function createBeforeToolCall(deps: OrchestratorHookDeps) {
  return async (event: BeforeToolCallEvent, ctx: ToolContext): Promise<BeforeToolCallResult | undefined> => {
    let call: KeyedToolCall | undefined;
    const started = performance.now();
    try {
      call = toToolCall(event, ctx);
      if (call === undefined) return undefined;
      const result = await decide(deps, call);
      const outcome = result?.block === true ? 'block' : result?.params !== undefined ? 'rewrite' : 'allow';
      recordDecision('orchestrator', 'before_tool_call', outcome, (performance.now() - started) / 1000);
      deps.log.debug({ hook: 'before_tool_call', sessionKey: call.sessionKey, toolName: call.toolName, block: result?.block === true, rewritten: result?.params !== undefined }, 'tool call decided');
      return result;
    } catch (err) {
      return fallback(deps, call, err instanceof TemporalCallError ? `Temporal gave no decision (${err.kind}: ${err.detail})` : 'bridge error', err);
    }
  };
}
