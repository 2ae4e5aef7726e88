import { ApplicationFailure } from '@temporalio/common';
import type { Transaction } from 'better-sqlite3';
import {
  gateLedgerBatchQuery,
  type DecisionAbandonedOp,
  type GateLedgerActivities,
  type GateLedgerBatch,
  type GateLedgerOp,
  type ResponseOp,
} from '../workflows/gate/ledger-ops.ts';
import { isLedgerBatchRef, type LedgerBatchRef } from '../workflows/shared/ledger-handoff.ts';
import { borrowLedgerBatch } from './ledger-handoff.ts';
import { InvalidLedgerBatchError, parseGateLedgerBatch } from './gate-ledger-batch.ts';
import { initGateLedgerSchema } from './gate-ledger-schema.ts';
import type { LedgerDb, LedgerLogger, LedgerPool } from './ledger-db.ts';

export { InvalidLedgerBatchError, parseGateLedgerBatch } from './gate-ledger-batch.ts';

/** The `ApplicationFailure` type of a malformed batch: non-retryable, since a retry would send the same bytes. */
export const INVALID_LEDGER_BATCH = 'InvalidLedgerBatch';

/** What {@link createGateLedgerActivities} closes over; both are opened once by the worker. */
export interface GateLedgerDeps {
  readonly pool: Pick<LedgerPool, 'open'>;
  readonly logger: LedgerLogger;
}

type ApplyOps = Transaction<(ops: readonly GateLedgerOp[]) => GateLedgerOp[]>;

/**
 * One statement per op kind. Ops are bound directly as named parameters (`@field`); every insert is keyed by a
 * natural or event id so a retried activity hits the conflict path instead of duplicating rows.
 */
function prepareApply(db: LedgerDb): ApplyOps {
  const stmt = (sql: string) => db.prepare<[GateLedgerOp]>(sql);
  const seen = stmt(`INSERT INTO seen_messages (channel, message_id, sender, peer, triggered, request_id, thread_id,
    created_at) VALUES (@channel, @messageId, @sender, @peer, 0, NULL, NULL, @at)
    ON CONFLICT (channel, message_id) DO NOTHING`);
  const thread = stmt(`INSERT INTO threads (thread_id, channel, peer, topic, created_at, updated_at)
    VALUES (@threadId, @channel, @peer, @topic, @at, @at)
    ON CONFLICT (thread_id) DO UPDATE SET updated_at = MAX(updated_at, excluded.updated_at)`);
  const request = stmt(`INSERT INTO requests (request_id, channel, sender, peer, inbound_message_id, thread_id,
    trigger_text, body, status, created_at, updated_at, last_response_at) VALUES (@requestId, @channel, @sender,
    @peer, COALESCE(@inboundMessageId, @requestId), @threadId, @triggerText, @body, 'received', @at, @at, NULL)
    ON CONFLICT (request_id) DO NOTHING`);
  const markTriggered = stmt(`UPDATE seen_messages SET triggered = 1, request_id = @requestId,
    thread_id = @threadId WHERE channel = @channel AND message_id = @messageId`);
  // The inbound seen row is missing (e.g. recorded before this ledger existed): rebuild it from the request.
  const insertTriggered = stmt(`INSERT INTO seen_messages (channel, message_id, sender, peer, triggered,
    request_id, thread_id, created_at) SELECT @channel, @messageId, sender, peer, 1, request_id, @threadId,
    created_at FROM requests WHERE request_id = @requestId`);
  const arm = stmt(`INSERT OR REPLACE INTO arms (arm_key, channel, peer, request_id, source_message_id, sender,
    expires_at, uses_left, updated_at) VALUES (@armKey, @channel, @peer, @requestId, @sourceMessageId, @sender,
    @expiresAt, @usesLeft, @at)`);
  const disarm = stmt(`DELETE FROM arms WHERE arm_key = @armKey`);
  // Never backwards: an older op loses to a newer one, and `missed` never overwrites `responded`.
  const requestStatus = stmt(`UPDATE requests SET status = @status, updated_at = @at,
    last_response_at = CASE WHEN @status = 'responded' THEN @at ELSE last_response_at END
    WHERE request_id = @requestId AND updated_at <= @at AND NOT (status = 'responded' AND @status = 'missed')`);
  const requestExists = stmt(`SELECT 1 FROM requests WHERE request_id = @requestId`);
  // Checked first rather than ON CONFLICT: a conflicting insert would still advance the AUTOINCREMENT counter.
  // Content as the original stored it: the trimmed text, or null when blank.
  const sent = stmt(`INSERT INTO responses (event_id, request_id, outbound_message_id, channel, peer, kind,
    content, created_at) SELECT @eventId, @requestId, NULL, @channel, @peer, 'text', NULLIF(@content, ''), @at
    WHERE NOT EXISTS (SELECT 1 FROM responses WHERE event_id = @eventId)`);
  const cancelled = stmt(`INSERT INTO blocked_messages (event_id, request_id, channel, peer, content, reason,
    created_at) SELECT @eventId, @requestId, @channel, @peer, NULLIF(@content, ''), @reason, @at
    WHERE NOT EXISTS (SELECT 1 FROM blocked_messages WHERE event_id = @eventId)`);
  const response = (op: ResponseOp) => (op.kind === 'text' ? sent : cancelled).run({ ...op, content: op.content.trim() });
  // An abandoned decision: the message was never sent. Its response row (if written) gives way to a blocked row.
  const unsend = stmt(`DELETE FROM responses WHERE event_id = @eventId`);
  const unanswered = stmt(`UPDATE requests SET status = 'received', last_response_at = NULL, updated_at = @at
    WHERE request_id = @requestId AND status = 'responded' AND updated_at <= @at
    AND NOT EXISTS (SELECT 1 FROM responses WHERE request_id = @requestId)`);
  const lastResponse = stmt(`UPDATE requests SET last_response_at = (SELECT MAX(created_at) FROM responses
    WHERE request_id = @requestId) WHERE request_id = @requestId AND status = 'responded'
    AND EXISTS (SELECT 1 FROM responses WHERE request_id = @requestId)`);
  const abandoned = (op: DecisionAbandonedOp) => {
    cancelled.run({ ...op, content: op.content.trim() });
    unsend.run(op);
    if (op.requestId !== null) {
      unanswered.run(op);
      lastResponse.run(op);
    }
  };

  const unconditional = { seen, thread, request, arm, disarm };

  /** Whether the op's effect is in the ledger after running it (false: its target row does not exist). */
  function applyOne(op: GateLedgerOp): boolean {
    switch (op.op) {
      case 'seenTriggered':
        return markTriggered.run(op).changes > 0 || insertTriggered.run(op).changes > 0;
      case 'requestStatus':
        return requestStatus.run(op).changes > 0 || requestExists.get(op) !== undefined;
      case 'response':
        response(op);
        return true;
      case 'decisionAbandoned':
        abandoned(op);
        return true;
      default:
        unconditional[op.op].run(op);
        return true;
    }
  }

  return db.transaction((ops: readonly GateLedgerOp[]) => ops.filter((op) => !applyOne(op)));
}

/**
 * The gate's ledger activities over a shared {@link LedgerPool}. Each ledger file gets the gate schema on first
 * use and its prepared statements once per handle (cached here, per factory, never in module state).
 */
export function createGateLedgerActivities({ pool, logger }: GateLedgerDeps): GateLedgerActivities {
  const prepared = new WeakMap<LedgerDb, ApplyOps>();

  function applierFor(db: LedgerDb): ApplyOps {
    let apply = prepared.get(db);
    if (apply === undefined) {
      apply = prepareApply(db);
      prepared.set(db, apply);
    }
    return apply;
  }

  return {
    async applyGateLedger(input: GateLedgerBatch | LedgerBatchRef): Promise<{ applied: number }> {
      const inline = isLedgerBatchRef(input) ? { dbPath: input.dbPath, ops: await borrowLedgerBatch(gateLedgerBatchQuery, input) } : input;
      const { dbPath, ops } = parseOrFail(inline);
      const skipped = applierFor(pool.open(dbPath, initGateLedgerSchema)).immediate(ops);
      for (const op of skipped) logger.warn({ dbPath, op }, 'gate ledger op skipped: its request is unknown');
      const applied = ops.length - skipped.length;
      logger.debug({ dbPath, ops: ops.length, applied }, 'gate ledger batch applied');
      return { applied };
    },
  };
}

function parseOrFail(input: unknown): GateLedgerBatch {
  try {
    return parseGateLedgerBatch(input);
  } catch (error) {
    if (!(error instanceof InvalidLedgerBatchError)) throw error;
    throw ApplicationFailure.nonRetryable(error.message, INVALID_LEDGER_BATCH, { field: error.field });
  }
}
