/**
 * The facts the gate bridge records for the gate (delivered by `GateFacts` in facts.ts): what one outbox line holds, how the
 * shared outbox recognises it, and the errors around them.
 */
import type { GateAbandonEvent, GateTriggerEvent } from '../../workflows/gate/contract.ts';
import type { SeenOp } from '../../workflows/gate/ledger-ops.ts';
import { sameLedger } from '../../workflows/shared/ledger-target.ts';

/** One observed fact, as it is stored and delivered. */
export type GateFact =
  | { readonly kind: 'trigger'; readonly peer: string; readonly trigger: GateTriggerEvent }
  | { readonly kind: 'seen'; readonly dbPath: string; readonly gatewayId?: string; readonly row: SeenOp }
  | { readonly kind: 'abandon'; readonly peer: string; readonly abandon: GateAbandonEvent };

/** One outbox line: the fact, the plugin run that observed it and its place in that run. */
export interface FactEntry {
  readonly run: string;
  readonly seq: number;
  readonly fact: GateFact;
}

/** Seen rows for one ledger file on one host, delivered together: one signal to that host's seen-messages workflow. */
export interface SeenBatch {
  readonly kind: 'seen-batch';
  readonly dbPath: string;
  readonly gatewayId?: string;
  readonly rows: readonly SeenOp[];
}

/** Whether two facts write the same seen ledger: the same file on the same host. */
function sameSeenLedger(a: GateFact, b: GateFact): boolean {
  return a.kind === 'seen' && b.kind === 'seen' && sameLedger(a, b);
}

/** What one delivery hands to Temporal: a trigger or abandon fact, or consecutive seen facts as one batch. */
export type OutgoingFact = Exclude<GateFact, { readonly kind: 'seen' }> | SeenBatch;

/**
 * Seen rows per delivery (one signal). Below the seen-messages workflow's own batch of ledger ops (200), so a
 * signal is written by one activity; a row is about 150 bytes, so a signal stays far below Temporal's limits.
 */
export const MAX_SEEN_PER_SIGNAL = 100;

/** Shape of {@link FactEntry} lines for the shared outbox: consecutive seen facts for one ledger share a chunk. */
export const FACT_SHAPE = {
  isEntry(value: unknown): value is FactEntry {
    const e = value as Partial<FactEntry> | null;
    const kind = e?.fact?.kind;
    return typeof e?.run === 'string' && typeof e.seq === 'number' && (kind === 'trigger' || kind === 'seen' || kind === 'abandon');
  },
  sameChunk(first: FactEntry, entry: FactEntry): boolean {
    return sameSeenLedger(first.fact, entry.fact);
  },
};

/** The delivery of a chunk read from the outbox (one fact, or seen facts for one ledger), in their order. */
export function outgoing(entries: readonly FactEntry[]): OutgoingFact | null {
  const first = entries[0]?.fact;
  if (first === undefined) return null;
  if (first.kind !== 'seen') return first;
  const rows = entries.flatMap(({ fact }) => (fact.kind === 'seen' && sameSeenLedger(first, fact) ? [fact.row] : []));
  return { kind: 'seen-batch', dbPath: first.dbPath, ...(first.gatewayId !== undefined && { gatewayId: first.gatewayId }), rows };
}

/** Hands one delivery to Temporal by `deadline`; rejects (a {@link TemporalCallError}) when it could not. */
export type DeliverFact = (fact: OutgoingFact, deadline: number) => Promise<void>;

/** A decision's deadline passed while facts observed before it were still undelivered. */
export class FactsPendingError extends Error {
  override name = 'FactsPendingError' as const;
}
