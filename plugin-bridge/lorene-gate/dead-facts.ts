/**
 * Gate facts Temporal refused (not: could not be reached) several times in a row — a signal it rejects, such as
 * one over the server's size limit. Retrying such a fact forever would hold up every fact behind it (and every
 * decision for its peer), so it is moved to this dead-letter file next to the outbox, in the outbox's own line
 * format plus why and when. `npm run ops -- status` counts it. To try the facts again once the cause is fixed:
 * with the gateway stopped, append the file to `outbox.jsonl` and remove it (the next start delivers them first).
 */
import { appendFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import type { FactEntry } from './fact-entry.ts';

/** The dead-letter file of a gateway whose state dir is `stateDir` (beside `lorene-gate/outbox.jsonl`). */
export function gateDeadFactsPath(stateDir: string): string {
  return join(stateDir, 'lorene-gate', 'dead-facts.jsonl');
}

/** The dead-letter file beside the outbox at `outboxPath`. */
export function deadFactsPath(outboxPath: string): string {
  return join(dirname(outboxPath), 'dead-facts.jsonl');
}

/** Appends `entry` with the refusal and logs it; false when the disk refused too (the fact stays in the outbox). */
export async function moveToDeadFacts(path: string, entry: FactEntry, error: unknown, log: BridgeLogger): Promise<boolean> {
  const why = error instanceof Error ? error.message : String(error);
  try {
    await appendFile(path, `${JSON.stringify({ ...entry, deadAt: Date.now(), error: why })}\n`);
  } catch (diskErr) {
    log.error({ kind: entry.fact.kind, deadFacts: path, err: diskErr }, 'a gate fact Temporal refused could not be dead-lettered: it stays in the outbox');
    return false;
  }
  log.error({ kind: entry.fact.kind, deadFacts: path, err: error }, 'Temporal keeps refusing a gate fact: moved to the dead-letter file');
  return true;
}

/** How many facts the file at `path` holds (0 when there is none). */
export async function countDeadFacts(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return '';
    throw err;
  });
  return text.split('\n').filter((line) => line.trim().length > 0).length;
}
