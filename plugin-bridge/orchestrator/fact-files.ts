/**
 * Where the orchestrator's observer facts live on the gateway host: the outbox (observer-facts.ts) and the
 * dead-letter file for facts Temporal keeps refusing (shared/dead-letters.ts), both under the state dir OpenClaw
 * gives the service.
 */
import { join } from 'node:path';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { moveToDeadLetters } from '../shared/dead-letters.ts';
import { factEventId, factKey, type ObserverFactEntry } from './observer-fact.ts';

export { countDeadLetters } from '../shared/dead-letters.ts';

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
export function deadLetterFact(path: string, entry: ObserverFactEntry, error: unknown, log: BridgeLogger): Promise<boolean> {
  const fields = { kind: entry.fact.kind, key: factKey(entry.fact), eventId: factEventId(entry.fact)?.slice(0, 200) };
  return moveToDeadLetters(path, entry, error, log, 'an orchestrator fact', fields);
}
