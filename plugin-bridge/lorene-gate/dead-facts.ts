/**
 * Gate facts Temporal refused (not: could not be reached) several times in a row — a signal it rejects, such as
 * one over the server's size limit. Retrying such a fact forever would hold up every fact behind it (and every
 * decision for its peer), so it is moved to the dead-letter file next to the outbox (shared/dead-letters.ts: the
 * outbox's own line format plus why and when). `npm run ops -- status` counts it. To try the facts again once the
 * cause is fixed: with the gateway stopped, append the file to `outbox.jsonl` and remove it (the next start delivers
 * them first).
 */
import { dirname, join } from 'node:path';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { moveToDeadLetters } from '../shared/dead-letters.ts';
import type { FactEntry } from './fact-entry.ts';

export { countDeadLetters as countDeadFacts } from '../shared/dead-letters.ts';

/** The dead-letter file of a gateway whose state dir is `stateDir` (beside `lorene-gate/outbox.jsonl`). */
export function gateDeadFactsPath(stateDir: string): string {
  return join(stateDir, 'lorene-gate', 'dead-facts.jsonl');
}

/** The dead-letter file beside the outbox at `outboxPath`. */
export function deadFactsPath(outboxPath: string): string {
  return join(dirname(outboxPath), 'dead-facts.jsonl');
}

/** Appends `entry` with the refusal and logs it; false when the disk refused too (the fact stays in the outbox). */
export function moveToDeadFacts(path: string, entry: FactEntry, error: unknown, log: BridgeLogger): Promise<boolean> {
  return moveToDeadLetters(path, entry, error, log, 'a gate fact', { kind: entry.fact.kind });
}
