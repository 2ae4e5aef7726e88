/**
 * The dead-letter file beside a fact outbox: facts Temporal refused (not: could not be reached for) several times
 * in a row, set aside so the facts behind them move on, in the outbox's own line format plus why and when. Both
 * fact outboxes keep one (lorene-gate/dead-facts.ts, orchestrator/fact-files.ts); `npm run ops -- status` counts
 * them. To try the facts again once the cause is fixed: with the gateway stopped, append the file to the outbox and
 * remove it (the next start delivers them first).
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { BridgeLogger, LogFields } from './bridge-logger.ts';

/**
 * Appends `entry` to the file at `path` with the refusal, and logs it with `fields` as `what` (e.g. "a gate fact");
 * false when the disk refused too (the fact stays in the outbox).
 */
export async function moveToDeadLetters(path: string, entry: object, error: unknown, log: BridgeLogger, what: string, fields: LogFields): Promise<boolean> {
  const why = error instanceof Error ? error.message : String(error);
  try {
    await appendFile(path, `${JSON.stringify({ ...entry, deadAt: Date.now(), error: why })}\n`);
  } catch (diskErr) {
    log.error({ ...fields, deadFacts: path, err: diskErr }, `${what} Temporal refused could not be dead-lettered: it stays in the outbox`);
    return false;
  }
  log.error({ ...fields, deadFacts: path, err: error }, `Temporal keeps refusing ${what}: moved to the dead-letter file`);
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
