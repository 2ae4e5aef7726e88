/**
 * The observer hooks (SEED-BEHAVIOUR §1.5–1.6): gateway facts become signals with event ids to the thread
 * they concern; sessions no thread knows cost nothing. The cache learns each fact before its signal is
 * queued, so a child's first tool call is already routed to its thread — and queued behind the signal.
 * A fact Temporal could not be told in time is kept in the outbox and re-sent in order (observer-facts.ts).
 * Observers never throw into the gateway: a failure is logged.
 */
import { randomUUID } from 'node:crypto';
import type { SubagentActivitySignal } from '../../workflows/orchestrator/contract.ts';
import { hasFrontControllerShape } from '../../workflows/orchestrator/session.ts';
import { normalizeToolName } from '../../workflows/orchestrator/tool-call.ts';
import type { AfterToolCallEvent, SessionContext, SessionEndEvent, SubagentContext, SubagentDeliveryTargetEvent, SubagentEndedEvent, SubagentSpawnedEvent, ToolContext } from '../shared/openclaw-types.ts';
import { callSpawnKey, eventText, spawnReceipt, toToolCall } from './hook-events.ts';
import { adoptLocalSpawn } from './outage-rules.ts';
import { callerThread } from './route.ts';
import { sessionEndEndsThread } from './session-end-reason.ts';
import { observerFactSender, type RequesterFact, type ThreadFact } from './observer-fact.ts';
import { ObserverFacts, type FactOutcome } from './observer-facts.ts';
import type { OrchestratorHookDeps } from './hook-deps.ts';

const NO_OUTBOX = { sendTimeoutMs: 0, retryIntervalMs: 0, delivered: () => undefined };

/** The observer handlers, each resolving (never rejecting) once its signal was handed to Temporal or kept for later. */
export interface ObserverHandlers {
  afterToolCall(event: AfterToolCallEvent, ctx: ToolContext): Promise<void>;
  subagentSpawned(event: SubagentSpawnedEvent, ctx: SubagentContext): Promise<void>;
  subagentDeliveryTarget(event: SubagentDeliveryTargetEvent, ctx: SubagentContext): Promise<void>;
  subagentEnded(event: SubagentEndedEvent, ctx: SubagentContext): Promise<void>;
  sessionEnd(event: SessionEndEvent, ctx: SessionContext): Promise<void>;
}

/**
 * Builds the observer handlers over the shared hook dependencies; `facts` signals or keeps each fact (by default
 * one without an outbox, never started: facts are only signalled, as in tests that need no outbox).
 */
export function createObservers(deps: OrchestratorHookDeps, facts = new ObserverFacts(observerFactSender(deps.threads, deps.unthreaded, (fact) => deps.directory.observe(fact)), deps.log, NO_OUTBOX)): ObserverHandlers {
  const { directory, log } = deps;
  const deadline = () => Date.now() + deps.config.decisionTimeoutMs;
  const threadOf = (sessionKey: string) => callerThread(directory, sessionKey, directory.kindOf(sessionKey));
  const signal = (hook: string, fact: ThreadFact): Promise<void> =>
    facts.signal(fact, deadline()).then(
      (outcome: FactOutcome) => {
        if (outcome.kind === 'gone' || outcome.kind === 'ended') directory.observe({ kind: 'thread-over', frontKey: fact.frontKey });
        log.debug({ hook, frontKey: fact.frontKey, answer: outcome.kind }, outcome.kind === 'kept' ? 'kept the fact for the thread in the outbox' : 'signalled the thread');
      },
      (err: unknown) => log.warn({ hook, frontKey: fact.frontKey, eventId: fact.signal.eventId, err }, 'could not signal the thread, nor keep the fact for later: it is lost'),
    );
  /** Facts that arrive while the cache is being rebuilt wait for it (bounded): routed on a half-loaded cache they would be lost. */
  const guard = <A extends unknown[]>(hook: string, body: (...args: A) => Promise<void>) =>
    (...args: A): Promise<void> =>
      directory
        .settled(deadline())
        .then(() => body(...args))
        .catch((err: unknown) => log.error({ hook, err }, 'orchestrator observer failed'));

  /** A fact for a requester's record of unthreaded worker spawns (undefined: not ours): logged, never thrown. */
  const toRecord = (hook: string, sessionKey: string, fact: RequesterFact | undefined): Promise<void> => {
    if (fact === undefined) return Promise.resolve();
    return facts.signal(fact, deadline()).then(
      (outcome) => log.debug({ hook, sessionKey, answer: outcome.kind }, outcome.kind === 'kept' ? 'kept the fact for the requester record in the outbox' : 'told the requester record'),
      (err: unknown) => log.warn({ hook, sessionKey, err }, 'could not reach the requester record of a worker spawn outside any thread, nor keep the fact for later'),
    );
  };

  /** Touch hooks are not awaited: nothing in the gateway waits on them, so a slow Temporal must not either. */
  const touch = (hook: SubagentActivitySignal['hook'], requester: string | undefined, child: string | undefined, eventId: string): void => {
    if (requester === undefined || child === undefined) return;
    const frontKey = threadOf(requester);
    if (frontKey === undefined) return;
    directory.observe({ kind: 'child-seen', frontKey, childKey: child });
    if (directory.kindOf(requester) !== 'orchestrator') return;
    const activity: SubagentActivitySignal = { eventId, hook, requesterSessionKey: requester, childSessionKey: child };
    void signal(hook, { kind: 'subagent-activity', frontKey, signal: activity });
  };

  return {
    afterToolCall: guard('after_tool_call', async (event, ctx) => {
      const call = toToolCall(event, ctx);
      if (call === undefined || normalizeToolName(call.toolName) !== 'sessions_spawn') return;
      const receipt = spawnReceipt(event?.result, event?.error);
      const adopted = receipt.accepted ? await adoptLocalSpawn(deps, call, (fact) => facts.signal(fact, deadline())) : undefined;
      const key = callSpawnKey(call);
      const unthreaded = deps.unthreaded.take(key);
      const frontKey = adopted ?? threadOf(call.sessionKey); // a kept adoption: its thread exists once it is delivered
      if (frontKey === undefined) {
        if (unthreaded === undefined || !receipt.accepted || receipt.childSessionKey === undefined) return;
        return toRecord('after_tool_call', call.sessionKey, deps.unthreaded.spawnedFact(unthreaded, receipt.childSessionKey, deps.config));
      }
      if (receipt.accepted && receipt.childSessionKey !== undefined) directory.observe({ kind: 'spawn-accepted', frontKey, requesterKey: call.sessionKey, childKey: receipt.childSessionKey });
      const ids = { ...(call.runId === undefined ? {} : { runId: call.runId }), ...(call.toolCallId === undefined ? {} : { toolCallId: call.toolCallId }) };
      const result = { eventId: `spawn-result:${key}`, sessionKey: call.sessionKey, ...ids, ...receipt };
      await signal('after_tool_call', { kind: 'spawn-result', frontKey, signal: result });
    }),
    subagentSpawned: guard('subagent_spawned', async (event, ctx) => {
      const child = eventText(event?.childSessionKey, ctx?.childSessionKey);
      touch('subagent_spawned', eventText(ctx?.requesterSessionKey), child, `subagent-spawned:${eventText(event?.runId, ctx?.runId) ?? ''}:${child}`);
    }),
    subagentDeliveryTarget: guard('subagent_delivery_target', async (event, ctx) => {
      const requester = eventText(event?.requesterSessionKey, ctx?.requesterSessionKey);
      touch('subagent_delivery_target', requester, eventText(event?.childSessionKey, ctx?.childSessionKey), `delivery-target:${randomUUID()}`);
    }),
    subagentEnded: guard('subagent_ended', async (event, ctx) => {
      const target = eventText(event?.targetSessionKey);
      if (event?.targetKind !== 'subagent' || target === undefined) return;
      const member = directory.lookup(target);
      const requester = eventText(ctx?.requesterSessionKey);
      const frontKey = member !== undefined && member.role !== 'front' ? member.frontKey : requester && threadOf(requester);
      const outcome = eventText(event.outcome);
      const eventId = `subagent-ended:${target}:${eventText(event.runId, ctx?.runId) ?? ''}:${outcome ?? ''}`;
      if (frontKey === undefined) {
        // A front's spawns are orchestrators (thread members), so only another requester can have a record.
        const candidate = requester !== undefined && hasFrontControllerShape(requester) ? undefined : requester;
        return toRecord('subagent_ended', target, deps.unthreaded.endedFact(target, candidate, outcome, eventId, deps.config));
      }
      directory.observe({ kind: 'ended', sessionKey: target, what: 'subagent' });
      const ended = { eventId, targetSessionKey: target, targetKind: event.targetKind, ...(outcome === undefined ? {} : { outcome }) };
      await signal('subagent_ended', { kind: 'subagent-ended', frontKey, signal: ended });
    }),
    sessionEnd: guard('session_end', async (event, ctx) => {
      const sessionKey = eventText(event?.sessionKey, ctx?.sessionKey);
      if (sessionKey === undefined) return;
      // At info: an operator (and the gateway suite) sees which ends reached the plugin and what each did.
      if (!sessionEndEndsThread(event?.reason)) {
        log.info({ hook: 'session_end', sessionKey, reason: event?.reason }, 'session end kept its thread (gateway stop or compaction)');
        return;
      }
      log.info({ hook: 'session_end', sessionKey, reason: event?.reason }, 'session end ends what it owns');
      deps.messages.forget(sessionKey);
      const recorded = toRecord('session_end', sessionKey, deps.unthreaded.sessionEndedFact(sessionKey));
      const member = directory.lookup(sessionKey);
      const frontKey = member?.frontKey ?? (directory.status === 'ready' ? undefined : threadOf(sessionKey));
      await recorded;
      if (frontKey === undefined) return;
      directory.observe({ kind: 'ended', sessionKey, what: 'session' });
      const eventId = `session-end:${eventText(event?.sessionId, ctx?.sessionId) ?? ''}:${sessionKey}`;
      await signal('session_end', { kind: 'session-end', frontKey, signal: { eventId, sessionKey } });
    }),
  };
}
