/**
 * Ledger operations emitted by the gate workflow and applied by the worker's ledger activity.
 *
 * They are plain JSON so they can travel through workflow history, and each one is idempotent
 * (activities run at least once): applying the same batch twice leaves the ledger unchanged.
 * Times are epoch milliseconds (workflow time), exactly as the original `lorene-gate.db` stored them.
 */
import { defineQuery } from '@temporalio/workflow';
import type { LedgerBatchRef } from '../shared/ledger-handoff.ts';

/** An inbound message on the gate's channel, protected peer or not (`seen_messages`, triggered = 0). */
export interface SeenOp {
  readonly op: 'seen';
  readonly channel: string;
  readonly messageId: string;
  readonly sender: string;
  readonly peer: string;
  readonly at: number;
}

/** Create a topic thread, or touch its `updated_at` when it already exists (`threads`). */
export interface ThreadOp {
  readonly op: 'thread';
  readonly threadId: string;
  readonly channel: string;
  readonly peer: string;
  readonly topic: string;
  readonly at: number;
}

/** A trigger created a request in status `received` (`requests`); a second insert of the same id is ignored. */
export interface RequestOp {
  readonly op: 'request';
  readonly requestId: string;
  readonly channel: string;
  readonly sender: string;
  readonly peer: string;
  /** The message id, else the request id (as the original). Null only in ops queued by older runs; written as the request id. */
  readonly inboundMessageId: string | null;
  readonly threadId: string;
  readonly triggerText: string;
  readonly body: string;
  readonly at: number;
}

/** Mark a seen message as the trigger of a request (`seen_messages.triggered = 1`, request and thread ids). */
export interface SeenTriggeredOp {
  readonly op: 'seenTriggered';
  readonly channel: string;
  readonly messageId: string;
  readonly requestId: string;
  readonly threadId: string;
}

/** The peer's arm, replaced as a whole (`arms`, keyed by `arm_key`). */
export interface ArmOp {
  readonly op: 'arm';
  readonly armKey: string;
  readonly channel: string;
  readonly peer: string;
  readonly requestId: string;
  readonly sourceMessageId: string | null;
  readonly sender: string;
  readonly expiresAt: number;
  readonly usesLeft: number;
  readonly at: number;
}

/** The arm is gone (used up or expired): its row is deleted. */
export interface DisarmOp {
  readonly op: 'disarm';
  readonly armKey: string;
  readonly at: number;
}

/** A request moved on: `responded` (sets `last_response_at`) or `missed` (the watchdog gave up on it). */
export interface RequestStatusOp {
  readonly op: 'requestStatus';
  readonly requestId: string;
  readonly status: 'responded' | 'missed';
  readonly at: number;
}

/**
 * An outbound decision: kind `text` for a delivered message goes to `responses` (the original's meaning: one row
 * per message sent, its trimmed text or null); kind `blocked` for a cancelled one goes to `blocked_messages` with
 * the reason, so nothing is dropped silently and dashboards counting `responses` do not count it. `eventId` is
 * unique: the same decision is recorded once.
 */
export interface ResponseOp {
  readonly op: 'response';
  readonly eventId: string;
  readonly requestId: string | null;
  readonly channel: string;
  readonly peer: string;
  readonly kind: 'text' | 'blocked';
  readonly content: string;
  readonly reason: string | null;
  readonly at: number;
}

/**
 * A decision the gate made (kind `text`, a use consumed) that the bridge had already abandoned: the message was
 * cancelled, never sent. Its `responses` row (same `eventId`) moves to `blocked_messages` with the reason, and a
 * request left without any sent message goes back to `received`. Recorded once per `eventId`.
 */
export interface DecisionAbandonedOp {
  readonly op: 'decisionAbandoned';
  readonly eventId: string;
  readonly requestId: string | null;
  readonly channel: string;
  readonly peer: string;
  readonly content: string;
  readonly reason: string;
  readonly at: number;
}

/** Any one ledger operation. */
export type GateLedgerOp =
  | SeenOp
  | ThreadOp
  | RequestOp
  | SeenTriggeredOp
  | ArmOp
  | DisarmOp
  | RequestStatusOp
  | ResponseOp
  | DecisionAbandonedOp;

/** One activity call: the ops are applied in order, in one transaction, to the ledger at `dbPath`. */
export interface GateLedgerBatch {
  readonly dbPath: string;
  readonly ops: readonly GateLedgerOp[];
}

/** The ledger activities the gate workflows proxy; `createGateLedgerActivities` (activities/gate-ledger.ts) returns them. */
export interface GateLedgerActivities {
  /**
   * Applies a batch in order, in one transaction; applying it again changes nothing. `applied` counts the ops
   * whose effect is in the ledger afterwards (including no-ops because it already was); an op whose target row
   * does not exist (a trigger mark or status change for an unknown request) is skipped and logged instead.
   * Given the batch inline (older runs), or a {@link LedgerBatchRef} (runs since the `gate-ledger-by-reference`
   * patch) whose ops the activity reads from the workflow run that scheduled it, by {@link gateLedgerBatchQuery}.
   * A malformed batch fails non-retryably (`InvalidLedgerBatch`).
   */
  applyGateLedger(batch: GateLedgerBatch | LedgerBatchRef): Promise<{ applied: number }>;
}

/** The ops of a batch the gate lends to its ledger activity (see `workflows/shared/ledger-handoff.ts`). */
export const gateLedgerBatchQuery = defineQuery<readonly GateLedgerOp[] | null, [string]>('lorene-gate.ledger-batch');
