/**
 * The facts the gate bridge records for the gate (delivered by `GateFacts` in facts.ts): what one outbox line holds, how the
 * shared outbox recognises it, and the errors around them.
 */
import type { GateAbandonEvent, GateTriggerEvent } from '../../workflows/gate/contract.ts';
import type { SeenOp } from '../../workflows/gate/ledger-ops.ts';

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

/** Shape of {@link FactEntry} lines for the shared outbox. */
export const FACT_SHAPE = {
  isEntry(value: unknown): value is FactEntry {
    const e = value as Partial<FactEntry> | null;
    const kind = e?.fact?.kind;
    return typeof e?.run === 'string' && typeof e.seq === 'number' && (kind === 'trigger' || kind === 'seen' || kind === 'abandon');
  },
};

/** Hands one fact to Temporal by `deadline`; rejects (a {@link TemporalCallError}) when it could not. */
export type DeliverFact = (fact: GateFact, deadline: number) => Promise<void>;

/** A decision's deadline passed while facts observed before it were still undelivered. */
export class FactsPendingError extends Error {
  override name = 'FactsPendingError' as const;
}
