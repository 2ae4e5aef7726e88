import { isAbsolute } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Transaction } from 'better-sqlite3';
import type { GateLedgerBatch, GateLedgerOp } from '../workflows/gate/ledger-ops.ts';
import { initGateLedgerSchema } from './gate-ledger-schema.ts';
import type { LedgerDb, LedgerPool } from './ledger-db.ts';

/** The `ApplicationFailure` type of a malformed batch: non-retryable, since a retry would send the same bytes. */
export const INVALID_LEDGER_BATCH = 'InvalidLedgerBatch';

/** The logging the ledger needs; pino's `Logger` fits (object first, message second). */
export interface LedgerLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What {@link createGateLedgerActivities} closes over; both are opened once by the worker. */
export interface GateLedgerDeps {
  readonly pool: Pick<LedgerPool, 'open'>;
  readonly logger: LedgerLogger;
}

/** The gate ledger activities, registered on the worker and proxied by the gate workflow. */
export interface GateLedgerActivities {
  /**
   * Applies a batch in order, in one transaction; applying it again changes nothing. `applied` counts the ops
   * whose effect is in the ledger afterwards (including no-ops because it already was); an op whose target row
   * does not exist (a trigger mark or status change for an unknown request) is skipped and logged instead.
   * @throws {ApplicationFailure} non-retryable, type {@link INVALID_LEDGER_BATCH}, for a malformed batch.
   */
  applyGateLedger(batch: GateLedgerBatch): Promise<{ applied: number }>;
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
    @peer, @inboundMessageId, @threadId, @triggerText, @body, 'received', @at, @at, NULL)
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
    last_response_at = CASE @status WHEN 'responded' THEN @at WHEN 'received' THEN NULL ELSE last_response_at END
    WHERE request_id = @requestId AND updated_at <= @at AND NOT (status = 'responded' AND @status = 'missed')`);
  const requestExists = stmt(`SELECT 1 FROM requests WHERE request_id = @requestId`);
  // Checked first rather than ON CONFLICT: a conflicting insert would still advance the AUTOINCREMENT counter.
  const response = stmt(`INSERT INTO responses (event_id, request_id, outbound_message_id, channel, peer, kind,
    content, reason, created_at) SELECT @eventId, @requestId, NULL, @channel, @peer, @kind, @content, @reason, @at
    WHERE NOT EXISTS (SELECT 1 FROM responses WHERE event_id = @eventId)`);

  const abandonText = stmt(`UPDATE responses SET kind = 'blocked', reason = @reason WHERE event_id = @eventId`);
  const abandonInsert = stmt(`INSERT INTO responses (event_id, request_id, outbound_message_id, channel, peer, kind,
    content, reason, created_at) SELECT @eventId, @requestId, NULL, @channel, @peer, 'blocked', @content, @reason, @at
    WHERE NOT EXISTS (SELECT 1 FROM responses WHERE event_id = @eventId)`);

  const unconditional = { seen, thread, request, arm, disarm, response };

  /** Whether the op's effect is in the ledger after running it (false: its target row does not exist). */
  function applyOne(op: GateLedgerOp): boolean {
    switch (op.op) {
      case 'seenTriggered':
        return markTriggered.run(op).changes > 0 || insertTriggered.run(op).changes > 0;
      case 'requestStatus':
        return requestStatus.run(op).changes > 0 || requestExists.get(op) !== undefined;
      case 'responseAbandoned':
        if (abandonText.run(op).changes === 0) abandonInsert.run(op);
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
    async applyGateLedger(input: GateLedgerBatch): Promise<{ applied: number }> {
      const { dbPath, ops } = parseOrFail(input);
      const skipped = applierFor(pool.open(dbPath, initGateLedgerSchema)).immediate(ops);
      for (const op of skipped) logger.warn({ dbPath, op }, 'gate ledger op skipped: its request is unknown');
      const applied = ops.length - skipped.length;
      logger.debug({ dbPath, ops: ops.length, applied }, 'gate ledger batch applied');
      return { applied };
    },
  };
}

/**
 * A batch that does not match `ledger-ops.ts`. It reaches the worker only through a bug or a version skew
 * between workflow and worker, and retrying cannot fix it; `field` names the first offending path.
 */
export class InvalidLedgerBatchError extends Error {
  override name = 'InvalidLedgerBatchError' as const;

  constructor(readonly field: string, problem: string) {
    super(`invalid gate ledger batch: ${field} ${problem}`);
  }
}

/** `id`: non-empty string; `text`: any string; `?`: or null; `int`: non-negative safe integer; list: one of. */
type FieldRule = 'id' | 'id?' | 'text' | 'text?' | 'int' | readonly string[];
type OpKind = GateLedgerOp['op'];
/** Every field of every op kind has a rule: adding a field to `ledger-ops.ts` fails to compile until it has one. */
type OpRules = {
  readonly [K in OpKind]: { readonly [F in Exclude<keyof Extract<GateLedgerOp, { op: K }>, 'op'>]-?: FieldRule };
};

const OP_RULES: OpRules = {
  seen: { channel: 'id', messageId: 'id', sender: 'text', peer: 'text', at: 'int' },
  thread: { threadId: 'id', channel: 'id', peer: 'text', topic: 'id', at: 'int' },
  request: {
    requestId: 'id', channel: 'id', sender: 'text', peer: 'text', inboundMessageId: 'id?', threadId: 'id',
    triggerText: 'text', body: 'text', at: 'int',
  },
  seenTriggered: { channel: 'id', messageId: 'id', requestId: 'id', threadId: 'id' },
  arm: {
    armKey: 'id', channel: 'id', peer: 'text', requestId: 'id', sourceMessageId: 'id?', sender: 'text',
    expiresAt: 'int', usesLeft: 'int', at: 'int',
  },
  disarm: { armKey: 'id', at: 'int' },
  requestStatus: { requestId: 'id', status: ['responded', 'missed', 'received'], at: 'int' },
  response: {
    eventId: 'id', requestId: 'id?', channel: 'id', peer: 'text', kind: ['text', 'blocked'], content: 'text',
    reason: 'text?', at: 'int',
  },
  responseAbandoned: { eventId: 'id', requestId: 'id?', channel: 'id', peer: 'text', content: 'text', reason: 'text', at: 'int' },
};

function fits(rule: FieldRule, value: unknown): boolean {
  if (typeof rule !== 'string') return typeof value === 'string' && rule.includes(value);
  if (value === null) return rule.endsWith('?');
  if (rule === 'int') return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
  return typeof value === 'string' && (value !== '' || rule.startsWith('text'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOpKind(kind: unknown): kind is OpKind {
  return typeof kind === 'string' && Object.hasOwn(OP_RULES, kind);
}

function parseOp(value: unknown, path: string): GateLedgerOp {
  if (!isRecord(value)) throw new InvalidLedgerBatchError(path, 'must be an object');
  if (!isOpKind(value.op)) throw new InvalidLedgerBatchError(`${path}.op`, `is not an op kind: ${String(value.op)}`);
  const rules: Readonly<Record<string, FieldRule>> = OP_RULES[value.op];
  for (const [field, rule] of Object.entries(rules)) {
    const expected = typeof rule === 'string' ? rule : rule.join(' | ');
    if (!fits(rule, value[field])) throw new InvalidLedgerBatchError(`${path}.${field}`, `must be ${expected}`);
  }
  return value as unknown as GateLedgerOp; // every field was checked against its rule above
}

/**
 * Checks an activity input against the op types, so a malformed batch fails once, loudly, instead of being
 * retried forever or half-applied. Pure: no I/O.
 * @throws {InvalidLedgerBatchError} naming the first offending field.
 */
export function parseGateLedgerBatch(input: unknown): GateLedgerBatch {
  if (!isRecord(input)) throw new InvalidLedgerBatchError('batch', 'must be an object');
  const { dbPath, ops } = input;
  if (typeof dbPath !== 'string' || !isAbsolute(dbPath)) {
    throw new InvalidLedgerBatchError('dbPath', 'must be an absolute path');
  }
  if (!Array.isArray(ops)) throw new InvalidLedgerBatchError('ops', 'must be an array');
  return { dbPath, ops: ops.map((op: unknown, i) => parseOp(op, `ops[${i}]`)) };
}

function parseOrFail(input: unknown): GateLedgerBatch {
  try {
    return parseGateLedgerBatch(input);
  } catch (error) {
    if (!(error instanceof InvalidLedgerBatchError)) throw error;
    throw ApplicationFailure.nonRetryable(error.message, INVALID_LEDGER_BATCH, { field: error.field });
  }
}
