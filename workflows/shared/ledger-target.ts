/**
 * A ledger file and the gateway host it lives on, as the plugins send them with every event (pure; the queue a
 * batch goes to is chosen in workflow code by shared/ledger-queue.ts).
 */
import { isGatewayId } from './task-queues.ts';

/** A ledger file and the gateway host it lives on. */
export interface LedgerTarget {
  /** Absolute path of the SQLite file on the ledger host. */
  readonly dbPath: string;
  /** The host's id: its worker serves `openclaw-temporal-ledger/<gatewayId>`. Absent: the fixed ledger queue. */
  readonly gatewayId?: string;
}

/** Why an optional `gatewayId` of an event is unusable, or null (absent or well-formed). */
export function gatewayIdProblem(gatewayId: unknown, field = 'gatewayId'): string | null {
  return gatewayId === undefined || isGatewayId(gatewayId) ? null : `${field} must be 1–64 characters of letters, digits, ".", "_" or "-"`;
}

/** The `gatewayId` of `target` as an optional field to spread into a new value (absent stays absent). */
export function gatewayIdOf(target: { readonly gatewayId?: string }): { readonly gatewayId?: string } {
  return target.gatewayId === undefined ? {} : { gatewayId: target.gatewayId };
}

/** True when `a` and `b` are the same file on the same host. */
export function sameLedger(a: LedgerTarget, b: LedgerTarget): boolean {
  return a.dbPath === b.dbPath && a.gatewayId === b.gatewayId;
}
