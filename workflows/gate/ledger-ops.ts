/**
 * Ledger operations emitted by the gate workflow and applied by the worker's ledger activity.
 *
 * They are plain JSON so they can travel through workflow history, and each one is idempotent
 * (activities run at least once): applying the same batch twice leaves the ledger unchanged.
 * Times are epoch milliseconds (workflow time), exactly as the original `lorene-gate.db` stored them.
 */

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

/**
 * A request moved on: `responded` (sets `last_response_at`) or `missed` (the watchdog gave up on it), or back to
 * `received` (clears `last_response_at`) when its only answer was abandoned by the bridge and never sent.
 */
export interface RequestStatusOp {
  readonly op: 'requestStatus';
  readonly requestId: string;
  readonly status: 'responded' | 'missed' | 'received';
  readonly at: number;
}

/**
 * An outbound decision (`responses`): kind `text` for a delivered message, `blocked` for a cancelled one
 * (with the reason), so nothing is dropped silently. `eventId` is unique: the same decision is recorded once.
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
 * The bridge abandoned decision `eventId` (it cancelled the message; it was never sent): the decision is recorded
 * as `blocked` with `reason` — turning a `text` row already written for it into `blocked`, else inserting the
 * `blocked` row. Applying it again changes nothing; a later `response` op for the same id is ignored as usual.
 */
export interface ResponseAbandonedOp {
  readonly op: 'responseAbandoned';
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
  | ResponseAbandonedOp;

/** One activity call: the ops are applied in order, in one transaction, to the ledger at `dbPath`. */
export interface GateLedgerBatch {
  readonly dbPath: string;
  readonly ops: readonly GateLedgerOp[];
}

/** The ledger activities the gate workflows call (implemented in `activities/gate-ledger.ts`). */
export interface GateLedgerActivities {
  applyGateLedger(batch: GateLedgerBatch): Promise<{ applied: number }>;
}
