/**
 * Where the orchestrator's observer facts live on the gateway host: the outbox (observer-facts.ts) and the
 * dead-letter file for facts Temporal keeps refusing, both under the state dir OpenClaw gives the service.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BridgeLogger } from '../shared/bridge-logger.ts';
import { factEventId, factKey, type ObserverFactEntry } from './observer-fact.ts';

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
export async function deadLetterFact(path: string, entry: ObserverFactEntry, error: unknown, log: BridgeLogger): Promise<boolean> {
  const why = error instanceof Error ? error.message : String(error);
  const fields = { kind: entry.fact.kind, key: factKey(entry.fact), eventId: factEventId(entry.fact)?.slice(0, 200), deadFacts: path };
  try {
    await appendFile(path, `${JSON.stringify({ ...entry, deadAt: Date.now(), error: why })}\n`);
  } catch (diskErr) {
    log.error({ ...fields, err: diskErr }, 'an orchestrator fact Temporal refused could not be dead-lettered: it stays in the outbox');
    return false;
  }
  log.error({ ...fields, err: error }, 'Temporal keeps refusing an orchestrator fact: moved to the dead-letter file');
  return true;
}

/** How many facts the dead-letter file at `path` holds (0 when there is none). */
export async function countDeadLetters(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return '';
    throw err;
  });
  return text.split('\n').filter((line) => line.trim().length > 0).length;
}
