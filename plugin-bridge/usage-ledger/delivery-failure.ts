/** What a failed delivery of usage records means for the sender: retry later, or just wait a moment (busy). */
import { TemporalCallError, type TemporalFailureKind } from '../shared/errors.ts';
import { USAGE_LEDGER_BUSY } from '../../workflows/usage/contract.ts';

/** Why a delivery did not go through; `busy`: the workflow refused it for now (its backlog is full). */
export interface DeliveryFailure {
  readonly kind: TemporalFailureKind;
  readonly detail: string;
  readonly busy: boolean;
}

/** The failure `err` stands for: a {@link TemporalCallError} as it says, anything else as `unavailable`. */
export function deliveryFailure(err: unknown): DeliveryFailure {
  const { kind, detail } = err instanceof TemporalCallError ? err : { kind: 'unavailable' as const, detail: String(err) };
  return { kind, detail, busy: kind === 'rejected' && detail.includes(USAGE_LEDGER_BUSY) };
}
