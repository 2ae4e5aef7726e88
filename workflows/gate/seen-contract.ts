/**
 * The seen-messages part of the lorene-gate contract: the batches of inbound messages the bridge records as seen
 * (not triggers) and the per-channel ledger workflow that writes them. Wire names are frozen: recorded histories
 * contain them. Re-exported by contract.ts.
 */
import { defineSignal } from '@temporalio/workflow';
import type { SeenOp } from './ledger-ops.ts';

/** A batch of inbound messages that only need a `seen_messages` row (not triggers). */
export interface SeenMessagesEvent {
  readonly dbPath: string;
  /** The ledger's host, as in `GateRuntimeConfig.gatewayId` (contract.ts). */
  readonly gatewayId?: string;
  readonly rows: readonly SeenOp[];
}

/** The seen-messages ledger's write that keeps failing: when it failed first and when it is tried again. */
export interface SeenLedgerFailure {
  readonly error: string;
  readonly since: number;
  readonly retryAt: number;
  readonly delayMs: number;
}

/** Arguments of the per-channel seen-messages ledger workflow. */
export interface SeenLedgerWorkflowArgs {
  readonly channel: string;
  readonly pending?: SeenMessagesEvent[];
  /** Carried over continue-as-new while the ledger keeps failing. */
  readonly failure?: SeenLedgerFailure | null;
  /** Rows dropped over the bound while the ledger was failing, carried over continue-as-new. */
  readonly dropped?: number;
  /** @default 2000 */
  readonly maxHistoryEvents?: number;
}

export const seenMessagesSignal = defineSignal<[SeenMessagesEvent]>('lorene-gate.seen');

/**
 * Workflow id of a channel's seen-messages ledger: one per gateway host when the plugin names its `gatewayId`
 * (`lorene-gate/<channel>@<gatewayId>`), so a host whose ledger worker is down holds back only its own rows.
 */
export function seenLedgerWorkflowId(channel: string, gatewayId?: string): string {
  return gatewayId === undefined ? `lorene-gate/${channel}` : `lorene-gate/${channel}@${gatewayId}`;
}
