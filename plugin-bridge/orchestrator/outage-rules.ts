/**
 * The decisions that must hold while Temporal cannot answer (issue 9, defect 4). Rule 1 of §1.4 (main delegation)
 * needs no thread state, so it is known here, before any call: the thread is asked for its decision (the same block,
 * worded with its bound orchestrator's key, by a query), and without an answer the block stands with the cached
 * binding's wording, else the unbound one. A front's `sessions_spawn` that its thread could not decide is rewritten
 * locally into the hidden orchestrator's spawn (brief, label, `thread: true`) and remembered (local-spawns.ts);
 * when its result arrives the thread is asked again with the same update id, so the spawn is recorded and the
 * orchestrator bound once Temporal is back (kept in the outbox until then, like the observers' facts).
 */
import type { ToolCallRequest } from '../../workflows/orchestrator/contract.ts';
import { emptyThreadState, type ThreadState } from '../../workflows/orchestrator/thread-state.ts';
import { normalizeToolName } from '../../workflows/orchestrator/tool-call.ts';
import { decideToolCall } from '../../workflows/orchestrator/tool-policy.ts';
import { mainDelegationReason } from '../../workflows/orchestrator/wording.ts';
import { TemporalCallError } from '../shared/errors.ts';
import type { BeforeToolCallResult } from '../shared/openclaw-types.ts';
import { callSpawnKey, toHookResult, type KeyedToolCall } from './hook-events.ts';
import type { ThreadDirectory } from './directory.ts';
import type { AdoptFact } from './observer-fact.ts';
import type { FactOutcome } from './observer-facts.ts';
import { routingKind } from './route.ts';
import type { OrchestratorHookDeps } from './hook-deps.ts';

/**
 * §1.4 rule 1 decided locally: a block when a front-controller calls a tool outside `allowedMainTools` with
 * `enforceMainDelegation`, else undefined: the thread's own decision when it answers (the query), else the block
 * worded from the cache. Never throws for a failed query.
 */
export async function mainDelegationBlock(deps: OrchestratorHookDeps, call: KeyedToolCall, deadline: number): Promise<BeforeToolCallResult | undefined> {
  const { config, directory } = deps;
  if (!config.enforceMainDelegation || config.allowedMainTools.includes(normalizeToolName(call.toolName))) return undefined;
  if (routingKind(directory, call.sessionKey) !== 'front') return undefined;
  let bound: string | undefined;
  if (directory.status !== 'ready' || directory.hasThread(call.sessionKey)) {
    try {
      const answer = await deps.threads.decide(call.sessionKey, { call, config }, deadline);
      if (answer.kind === 'ok') {
        if (!answer.stale) directory.observe({ kind: 'tool-call-read', frontKey: call.sessionKey, orchestratorKey: answer.value.orchestratorKey });
        return toHookResult(answer.value.decision);
      }
    } catch (err) {
      bound = directory.orchestratorOf(call.sessionKey);
      deps.log.warn({ hook: 'before_tool_call', sessionKey: call.sessionKey, toolName: call.toolName, reason: describe(err), cachedOrchestrator: bound ?? null }, 'main delegation decided without the thread: blocked, worded from the cache');
    }
  }
  return { block: true, blockReason: mainDelegationReason(call.toolName, bound) };
}

/** The thread as the cache knows it (its bound orchestrator, no workers): what the rules see without Temporal. */
export function cachedThread(directory: Pick<ThreadDirectory, 'orchestratorOf'>, frontKey: string): ThreadState {
  const orchestratorKey = directory.orchestratorOf(frontKey);
  const empty = emptyThreadState(frontKey);
  return orchestratorKey === undefined ? empty : { ...empty, orchestratorKey };
}

/**
 * A front's `sessions_spawn` its thread could not decide. With `onTemporalError: block` it is blocked; otherwise the
 * rules decide it on the cached binding (an orchestrator the cache knows still blocks a second one), and a rewrite
 * is remembered so the thread records it when the result arrives ({@link adoptLocalSpawn}).
 */
export function spawnWithoutThread(deps: OrchestratorHookDeps, call: KeyedToolCall, request: ToolCallRequest, updateId: string, err: unknown): BeforeToolCallResult | undefined {
  const fields = { hook: 'before_tool_call', sessionKey: call.sessionKey, reason: describe(err), onTemporalError: deps.config.onTemporalError };
  if (deps.config.onTemporalError === 'block') {
    deps.log.warn(fields, 'no thread decision for the front’s spawn: blocked (onTemporalError: block)');
    return { block: true, blockReason: `orchestrator: Temporal gave no decision (${describe(err)}); the tool call is blocked (onTemporalError: block)` };
  }
  const cached = cachedThread(deps.directory, call.sessionKey);
  const state = request.lastUserMessage === undefined ? cached : { ...cached, lastUserMessages: { [call.sessionKey]: request.lastUserMessage } };
  const decision = decideToolCall(state, call, deps.config, Date.now()).decision;
  if (decision.params !== undefined) deps.localSpawns.remember(callSpawnKey(call), { frontKey: call.sessionKey, request, updateId });
  deps.log.warn({ ...fields, rewritten: decision.params !== undefined }, 'no thread decision for the front’s spawn: decided locally; the thread records it when the spawn’s result arrives');
  return toHookResult(decision);
}

/**
 * `after_tool_call` of a spawn decided locally: asks the thread to decide it now (same update id, so a copy that
 * did reach the thread is not applied twice), which records it as pending so the result that follows binds the
 * orchestrator. `adopt` sends it, or keeps it in the outbox while Temporal cannot answer (the cache learns the
 * outcome when it is delivered). Only when it can do neither does the orchestrator stay unbound, and that is logged.
 * Returns the front key of the thread that records (or will record) the spawn, for its result to follow it there.
 */
export async function adoptLocalSpawn(deps: OrchestratorHookDeps, call: KeyedToolCall, adopt: (fact: AdoptFact) => Promise<FactOutcome>): Promise<string | undefined> {
  const local = deps.localSpawns.take(callSpawnKey(call));
  if (local === undefined) return undefined;
  const fact: AdoptFact = { kind: 'adopt', frontKey: local.frontKey, sessionKey: call.sessionKey, spawnKey: callSpawnKey(call), updateId: local.updateId, request: local.request };
  try {
    const outcome = await adopt(fact);
    if (outcome.kind === 'gone' || outcome.kind === 'ended') throw new TemporalCallError('orchestrator.tool-call', 'rejected', `the thread answered ${outcome.kind}`);
    const message = outcome.kind === 'kept' ? 'a spawn decided without Temporal waits in the outbox: its thread records it when Temporal is back' : 'a spawn decided without Temporal is now recorded by its thread';
    deps.log.info({ hook: 'after_tool_call', sessionKey: call.sessionKey }, message);
    return local.frontKey;
  } catch (err) {
    deps.log.warn({ hook: 'after_tool_call', sessionKey: call.sessionKey, reason: describe(err) }, 'a spawn decided without Temporal could not be recorded: its orchestrator runs unbound');
    return undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof TemporalCallError ? `${err.kind}: ${err.detail}` : err instanceof Error ? err.message : String(err);
}
