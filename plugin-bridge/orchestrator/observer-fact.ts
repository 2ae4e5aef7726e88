/**
 * The facts the orchestrator's observer hooks signal to a thread, as the outbox keeps them when Temporal could not
 * be told in time (observer-facts.ts): what one outbox line holds, how the shared outbox recognises it, where the
 * files live, and the dead-letter file for facts Temporal keeps refusing.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  orchestratorSessionEndSignal,
  orchestratorSpawnResultSignal,
  orchestratorSubagentActivitySignal,
  orchestratorSubagentEndedSignal,
  type SessionEndSignal,
  type SpawnResultSignal,
  type SubagentActivitySignal,
  type SubagentEndedSignal,
} from '../../workflows/orchestrator/contract.ts';
import { isRecord } from '../../workflows/shared/is-record.ts';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { Answer, ThreadClient } from './thread-client.ts';

/** One observed fact for the thread of `frontKey`: the signal and its payload (each carries its event id). */
export type ThreadFact =
  | { readonly kind: 'spawn-result'; readonly frontKey: string; readonly signal: SpawnResultSignal }
  | { readonly kind: 'subagent-activity'; readonly frontKey: string; readonly signal: SubagentActivitySignal }
  | { readonly kind: 'subagent-ended'; readonly frontKey: string; readonly signal: SubagentEndedSignal }
  | { readonly kind: 'session-end'; readonly frontKey: string; readonly signal: SessionEndSignal };

/** One outbox line: the fact, the plugin run that observed it and its place in that run. */
export interface ThreadFactEntry {
  readonly run: string;
  readonly seq: number;
  readonly fact: ThreadFact;
}

const KINDS: ReadonlySet<string> = new Set(['spawn-result', 'subagent-activity', 'subagent-ended', 'session-end']);

/** Shape of {@link ThreadFactEntry} lines for the shared outbox. */
export const THREAD_FACT_SHAPE = {
  isEntry(value: unknown): value is ThreadFactEntry {
    if (!isRecord(value) || typeof value.run !== 'string' || typeof value.seq !== 'number' || !isRecord(value.fact)) return false;
    const { kind, frontKey, signal } = value.fact;
    return typeof kind === 'string' && KINDS.has(kind) && typeof frontKey === 'string' && isRecord(signal) && typeof signal.eventId === 'string';
  },
};

/**
 * Asked by a signal when its turn in the thread's chain comes, so a fact never overtakes one observed before it
 * that went to the outbox: `go` false diverts it (rejected with {@link FactDivertedError}); `failed` is told of
 * every failure before the next call in the chain starts.
 */
export interface SendTurn {
  go(): boolean;
  failed(): void;
}

/** A signal not sent because a fact observed before it waits in the outbox: it goes there too. */
export class FactDivertedError extends Error {
  override name = 'FactDivertedError' as const;
}

/** Signals one fact to its thread by `deadline`; `turn` is given for a first, direct send only. */
export type SendFact = (fact: ThreadFact, deadline: number, turn?: SendTurn) => Promise<Answer<void>>;

/** The {@link SendFact} over the thread client: each kind is its thread signal. */
export function threadFactSender(threads: ThreadClient): SendFact {
  return (fact, deadline, turn) => {
    switch (fact.kind) {
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

/** Where the orchestrator's facts wait while Temporal cannot be told: under the state dir OpenClaw gives the service. */
export function orchestratorOutboxPath(stateDir: string): string {
  return join(stateDir, 'orchestrator', 'outbox.jsonl');
}

/**
 * Facts Temporal refused (not: could not be reached for) 5 times in a row, beside the outbox, in its line format
 * plus why and when. `npm run ops -- status` counts them. To try them again once the cause is fixed: with the
 * gateway stopped, append the file to `outbox.jsonl` and remove it (the next start delivers them first).
 */
export function orchestratorDeadFactsPath(stateDir: string): string {
  return join(stateDir, 'orchestrator', 'dead-facts.jsonl');
}

/** Appends `entry` with the refusal and logs it; false when the disk refused too (the fact stays in the outbox). */
export async function deadLetterFact(path: string, entry: ThreadFactEntry, error: unknown, log: BridgeLogger): Promise<boolean> {
  const why = error instanceof Error ? error.message : String(error);
  const fields = { kind: entry.fact.kind, frontKey: entry.fact.frontKey, eventId: entry.fact.signal.eventId.slice(0, 200), deadFacts: path };
  try {
    await appendFile(path, `${JSON.stringify({ ...entry, deadAt: Date.now(), error: why })}\n`);
  } catch (diskErr) {
    log.error({ ...fields, err: diskErr }, 'an orchestrator fact Temporal refused could not be dead-lettered: it stays in the outbox');
    return false;
  }
  log.error({ ...fields, err: error }, 'Temporal keeps refusing an orchestrator fact: moved to the dead-letter file');
  return true;
}
