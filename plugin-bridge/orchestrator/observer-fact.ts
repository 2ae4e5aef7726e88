/**
 * The facts the orchestrator's observer hooks signal — to a thread, or to the record of a requester in no thread
 * (unthreaded.ts) — as the outbox keeps them when Temporal could not be told in time (observer-facts.ts): what one
 * outbox line holds, how the shared outbox recognises it, and how each kind is sent (the files: fact-files.ts).
 */
import {
  type ToolCallRequest,
  orchestratorSessionEndSignal,
  orchestratorSpawnResultSignal,
  orchestratorSubagentActivitySignal,
  orchestratorSubagentEndedSignal,
  type SessionEndSignal,
  type SpawnResultSignal,
  type SubagentActivitySignal,
  type SubagentEndedSignal,
} from '../../workflows/orchestrator/contract.ts';
import type { RequesterEndedEvent, RequesterSpawnedEvent } from '../../workflows/subagent/requester-contract.ts';
import { isRecord } from '../../workflows/shared/is-record.ts';
import type { DirectoryFact } from './directory-facts.ts';
import type { Answer, ThreadClient } from './thread-client.ts';
import type { SendTurn } from './send-turn.ts';
import type { UnthreadedSpawns } from './unthreaded.ts';

/** One observed fact for the thread of `frontKey`: the signal and its payload (each carries its event id). */
export type ThreadFact =
  | { readonly kind: 'spawn-result'; readonly frontKey: string; readonly signal: SpawnResultSignal }
  | { readonly kind: 'subagent-activity'; readonly frontKey: string; readonly signal: SubagentActivitySignal }
  | { readonly kind: 'subagent-ended'; readonly frontKey: string; readonly signal: SubagentEndedSignal }
  | { readonly kind: 'session-end'; readonly frontKey: string; readonly signal: SessionEndSignal };

/**
 * A front's spawn decided without its thread (outage-rules.ts), for the thread to decide again with the same update
 * id — which records it, so the spawn result that follows binds the orchestrator.
 */
export interface AdoptFact {
  readonly kind: 'adopt';
  readonly frontKey: string;
  readonly sessionKey: string;
  readonly spawnKey: string;
  readonly updateId: string;
  readonly request: ToolCallRequest;
}

/** One observed fact for the record of `requester`, a session in no thread that spawned workers. */
export type RequesterFact =
  | { readonly kind: 'requester-spawned'; readonly requester: string; readonly event: RequesterSpawnedEvent }
  | { readonly kind: 'requester-ended'; readonly requester: string; readonly event: RequesterEndedEvent }
  | { readonly kind: 'requester-session-ended'; readonly requester: string };

export type ObserverFact = ThreadFact | AdoptFact | RequesterFact;

/** One outbox line: the fact, the plugin run that observed it and its place in that run. */
export interface ObserverFactEntry {
  readonly run: string;
  readonly seq: number;
  readonly fact: ObserverFact;
}

const THREAD_KINDS: ReadonlySet<string> = new Set(['spawn-result', 'subagent-activity', 'subagent-ended', 'session-end']);
const REQUESTER_KINDS: ReadonlySet<string> = new Set(['requester-spawned', 'requester-ended']);

/** The session the fact's workflow is keyed by: the thread's front, or the requester. */
export function factKey(fact: ObserverFact): string {
  return 'frontKey' in fact ? fact.frontKey : fact.requester;
}

/** The fact's event id (a requester's session end has none: ending a record twice is ending it once). */
export function factEventId(fact: ObserverFact): string | undefined {
  if (fact.kind === 'adopt') return fact.updateId;
  return 'signal' in fact ? fact.signal.eventId : 'event' in fact ? fact.event.eventId : undefined;
}

const withEventId = (value: unknown) => isRecord(value) && typeof value.eventId === 'string';

/** Shape of {@link ObserverFactEntry} lines for the shared outbox. */
export const OBSERVER_FACT_SHAPE = {
  isEntry(value: unknown): value is ObserverFactEntry {
    if (!isRecord(value) || typeof value.run !== 'string' || typeof value.seq !== 'number' || !isRecord(value.fact)) return false;
    const fact = value.fact;
    const { kind, frontKey, signal, requester, event } = fact;
    if (typeof kind !== 'string') return false;
    if (THREAD_KINDS.has(kind)) return typeof frontKey === 'string' && withEventId(signal);
    if (kind === 'adopt') return ['frontKey', 'sessionKey', 'spawnKey', 'updateId'].every((k) => typeof fact[k] === 'string') && isRecord(fact.request);
    return typeof requester === 'string' && (kind === 'requester-session-ended' || (REQUESTER_KINDS.has(kind) && withEventId(event)));
  },
};

/**
 * Signals one fact by `deadline` (`gone`: its workflow does not run); `turn` is given for a first, direct send
 * only.
 */
export type SendFact = (fact: ObserverFact, deadline: number, turn?: SendTurn) => Promise<Answer<void>>;

/**
 * The {@link SendFact} over the thread client and the requester records: each kind is its signal; an adoption is
 * the tool-call update (with start) whose outcome the cache is told (`observe`).
 */
export function observerFactSender(threads: ThreadClient, unthreaded: UnthreadedSpawns, observe: (fact: DirectoryFact) => void): SendFact {
  return async (fact, deadline, turn) => {
    switch (fact.kind) {
      case 'adopt': {
        const answer = await threads.toolCall(fact.frontKey, fact.request, fact.updateId, deadline, true, turn);
        if (answer.kind !== 'ok') return answer;
        observe({ kind: 'tool-call-updated', frontKey: fact.frontKey, sessionKey: fact.sessionKey, outcome: answer.value });
        return { kind: 'ok', value: undefined };
      }
      case 'requester-spawned':
      case 'requester-ended':
      case 'requester-session-ended':
        return (await unthreaded.send(fact, deadline, turn)) === 'signalled' ? { kind: 'ok', value: undefined } : { kind: 'gone' };
      case 'spawn-result':
        return threads.signal(fact.frontKey, orchestratorSpawnResultSignal, fact.signal, deadline, turn);
      case 'subagent-activity':
        return threads.signal(fact.frontKey, orchestratorSubagentActivitySignal, fact.signal, deadline, turn);
      case 'subagent-ended':
        return threads.signal(fact.frontKey, orchestratorSubagentEndedSignal, fact.signal, deadline, turn);
      case 'session-end':
        return threads.signal(fact.frontKey, orchestratorSessionEndSignal, fact.signal, deadline, turn);
    }
  };
}
