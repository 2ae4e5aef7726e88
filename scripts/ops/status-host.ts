/**
 * What waits on this host for Temporal: the plugins' on-disk outboxes in the gateway's state dir (lorene-gate
 * facts, orchestrator observer facts, usage-ledger records) and the gate and orchestrator facts Temporal refused. Read only — the files are the plugins'; a
 * running gateway keeps appending and delivering while this reads.
 */
import { readFile, stat } from 'node:fs/promises';
import { countDeadFacts, gateDeadFactsPath } from '../../plugin-bridge/lorene-gate/dead-facts.ts';
import { gateOutboxPath } from '../../plugin-bridge/lorene-gate/index.ts';
import { orchestratorDeadFactsPath, orchestratorOutboxPath } from '../../plugin-bridge/orchestrator/fact-files.ts';
import { outboxPathOf } from '../../plugin-bridge/usage-ledger/config.ts';

/** One plugin's outbox: entries written and not yet delivered (after the cursor in `<outbox>.offset`). */
export interface OutboxBacklog {
  readonly plugin: string;
  readonly path: string;
  readonly pendingEntries: number;
  readonly pendingBytes: number;
}

/**
 * Facts Temporal refused, waiting in a plugin's dead-letter file on the gateway (plugin-bridge/lorene-gate/dead-facts.ts,
 * plugin-bridge/orchestrator/observer-fact.ts).
 */
export interface DeadFactsStatus {
  readonly path: string;
  readonly count: number;
}

const missing = <T>(value: T) => (err: unknown) => {
  if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return value;
  throw err;
};

/** The outbox at `path` as its plugin would read it: from the saved cursor to the end. */
export async function outboxBacklog(plugin: string, path: string): Promise<OutboxBacklog> {
  const size = await stat(path).then((s) => s.size, missing(0));
  const cursor = Number(await readFile(`${path}.offset`, 'utf8').catch(missing('0')));
  const from = Number.isSafeInteger(cursor) && cursor >= 0 && cursor <= size ? cursor : 0;
  if (size === from) return { plugin, path, pendingEntries: 0, pendingBytes: 0 };
  const pending = (await readFile(path).catch(missing(Buffer.alloc(0)))).subarray(from);
  const pendingEntries = pending.toString('utf8').split('\n').filter((line) => line.trim() !== '').length;
  return { plugin, path, pendingEntries, pendingBytes: pending.length };
}

/** The outboxes of the plugins that have one, under the gateway state dir `stateDir`. */
export function hostOutboxes(stateDir: string): Promise<OutboxBacklog[]> {
  return Promise.all([
    outboxBacklog('lorene-gate', gateOutboxPath(stateDir)),
    outboxBacklog('orchestrator', orchestratorOutboxPath(stateDir)),
    outboxBacklog('usage-ledger', outboxPathOf(stateDir)),
  ]);
}

/** The lorene-gate dead-letter file under `stateDir`. */
export async function hostDeadFacts(stateDir: string): Promise<DeadFactsStatus> {
  const path = gateDeadFactsPath(stateDir);
  return { path, count: await countDeadFacts(path) };
}

/** The orchestrator's dead-letter file under `stateDir` (observer facts Temporal refused). */
export async function hostOrchestratorDeadFacts(stateDir: string): Promise<DeadFactsStatus> {
  const path = orchestratorDeadFactsPath(stateDir);
  return { path, count: await countDeadFacts(path) };
}
